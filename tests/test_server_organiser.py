"""The organiser's side of a round: the "under query" status, the admin back office, custom catalogues."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from server_kit import EXAMPLES, client_for, drain, new_round, person, service, upload

__all__ = ["service"]


def _rows(page: str) -> list[list[str]]:
    body = page.split('<table class="dashboard">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _status(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page.split('<p class="status">', 1)[1].split("</p>", 1)[0]).split(":", 1)[1].strip()


def _queried_round() -> tuple[Any, dict[str, Any], Any]:
    """Da Nang submitted with one open query, Bangkok submitted without one, Hue invited."""
    from assessment.server.models import Query

    rnd, cities = new_round(cities=("Bangkok", "Da Nang", "Hue"))
    named = {c.name: c for c in cities}
    for name, file in (("Bangkok", "bangkok-2025.xlsx"), ("Da Nang", "da-nang-2025.xlsx")):
        upload(client_for(person("city", named[name])), named[name], EXAMPLES / file)
    drain()
    for name in ("Bangkok", "Da Nang"):
        member = client_for(named[name].members.get().user)
        assert member.post(f"/cities/{named[name].pk}/submit/").status_code == 302
    question = Query.objects.create(city=named["Da Nang"], upload=named["Da Nang"].uploads.get(),
                                    key="flagged-quality:metadata:X",
                                    problem={"source": "da-nang-2025.xlsx", "message": "Why?"})
    return rnd, named, question


def test_a_submitted_city_with_an_open_query_is_under_query(service: Path) -> None:
    """Its own status on the dashboard (row, counts, filter) and on the city page, until the last answer."""
    rnd, named, question = _queried_round()
    reviewer = client_for(person("reviewer"))
    page = reviewer.get(f"/rounds/{rnd.slug}/").content.decode()
    assert [r[:2] for r in _rows(page)] == [["Bangkok", "submitted"], ["Da Nang", "under query"],
                                            ["Hue", "invited"]]
    assert "submitted: 1" in page and "under query: 1" in page
    only = reviewer.get(f"/rounds/{rnd.slug}/?status=under_query").content.decode()
    assert [r[0] for r in _rows(only)] == ["Da Nang"]
    assert 'value="under_query" selected' in only
    assert [r[0] for r in _rows(reviewer.get(f"/rounds/{rnd.slug}/?status=submitted").content.decode())] == [
        "Bangkok"]
    by_status = _rows(reviewer.get(f"/rounds/{rnd.slug}/?sort=status").content.decode())
    assert [r[1] for r in by_status] == ["invited", "submitted", "under query"]  # sorted by the shown status
    da_nang = named["Da Nang"]
    member = client_for(da_nang.members.get().user)
    assert _status(member.get(f"/cities/{da_nang.pk}/").content.decode()) == "under query"
    member.post("/language/", {"lang": "vi"})
    assert _status(member.get(f"/cities/{da_nang.pk}/").content.decode()) == "đang được hỏi lại"
    assert member.post(f"/queries/{question.pk}/answer/", {"answer": "measured in 2024"}).status_code == 302
    assert _status(reviewer.get(f"/cities/{da_nang.pk}/").content.decode()) == "submitted"
    assert [r for r in _rows(reviewer.get(f"/rounds/{rnd.slug}/?status=under_query").content.decode()) if r] == []
