"""The recipe's input hash: every input table's labels, dtypes and values, hashed where they lie.

:func:`input_digest` is what a result records; :class:`PendingDigest` computes the same hash on a thread
of its own, so that scoring runs meanwhile (:func:`~assessment.scoring.inputs.prepare_pending`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import numpy as np
import pandas as pd

TEXT = pd.api.types.pandas_dtype(str)  # what ``astype(str)`` gives


def _row_hashes(table: pd.DataFrame, distinct: bool = False) -> bytes:
    """pandas' row hashes of ``table`` (``hash_pandas_object``, no index), as bytes.

    Text is hashed after grouping equal values (``categorize``, pandas' default) or value by value:
    both give the same hashes wherever no value is missing (a missing one is hashed differently), and
    value by value is faster for short tables and for ``distinct`` ones (an index: a million unit
    codes 0.2 s instead of 0.9 s), where grouping finds nothing to share.
    """
    direct = (distinct or len(table) <= 5000) and not table.isna().to_numpy().any()
    return pd.util.hash_pandas_object(table, index=False, categorize=not direct).to_numpy().tobytes()


HASH_CHUNK = 1 << 22  # bytes of rows laid out at a time for the hash (4 MB: stays in cache)


def _hash_rows(h: Any, a: np.ndarray) -> None:
    """Feed ``h`` the bytes of ``a`` row by row, exactly ``np.ascontiguousarray(a).tobytes()``.

    A row-major array is hashed where it lies; any other (pandas keeps each column contiguous) is
    laid out a few thousand rows at a time in one small buffer, never as a whole copy.
    """
    if a.flags.c_contiguous:
        h.update(a)
        return
    step = max(1, HASH_CHUNK // max(a.shape[1] * a.itemsize, 1))
    buf = np.empty((min(step, len(a)), a.shape[1]), dtype=a.dtype)
    for start in range(0, len(a), step):
        part = buf[:min(step, len(a) - start)]
        np.copyto(part, a[start:start + step])
        h.update(part)


def _digest_parts(*frames: pd.DataFrame) -> list[bytes | np.ndarray]:
    """What :func:`digest` hashes, in order: bytes, and float tables whose rows are hashed where they lie.

    Everything pandas computes (labels, index and text hashes, the float tables' numpy views) is made
    here, by the caller; hashing the parts (:func:`_hashed`) needs numpy and hashlib only.
    """
    parts: list[bytes | np.ndarray] = []
    index_hashes: list[tuple[pd.Index, bytes]] = []
    names: dict[Any, str] = {}  # str() of each distinct dtype, once
    for frame in frames:
        kinds = [names[t] if t in names else names.setdefault(t, str(t)) for t in frame.dtypes]
        parts.append(repr((frame.columns.tolist(), list(frame.index.names), kinds)).encode())
        index_hash = next((b for i, b in index_hashes if i is frame.index), None)
        if index_hash is None:
            index_hash = _row_hashes(frame.index.to_frame(index=False), distinct=True)
            index_hashes.append((frame.index, index_hash))
        parts.append(index_hash)
        numeric = [k == "float64" for k in kinds]
        if all(numeric):  # one block of floats: no column selection
            parts.append(frame.to_numpy(dtype="float64"))
            continue
        parts.append(frame.take(np.flatnonzero(numeric), axis=1).to_numpy(dtype="float64"))
        others = np.flatnonzero(~np.asarray(numeric))  # every other column as text, hashed row-wise in one call
        text = frame.take(others, axis=1)
        if any(t != TEXT for t in text.dtypes):
            text = text.astype(str)
        parts.append(_row_hashes(text))
    return parts


def _hashed(parts: list[bytes | np.ndarray]) -> str:
    """SHA-256 of :func:`_digest_parts`: bytes as they are, a float table row by row (:func:`_hash_rows`)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(part)
        else:
            _hash_rows(h, part)
    return h.hexdigest()


def digest(*frames: pd.DataFrame) -> str:
    """Content hash of tables: labels, dtypes and values (NaN-stable, no text formatting).

    Tables sharing one index object (the usual case: values, profiles and enablers) hash it once.
    """
    return _hashed(_digest_parts(*frames))


def _with_queried(base: str, queried: pd.DataFrame | None) -> str:
    if queried is None or queried.empty:
        return base
    keys = sorted({(str(u), str(y), str(i)) for u, y, i in queried[["unit", "year", "indicator"]].itertuples(
        index=False)})
    return hashlib.sha256((base + json.dumps(keys, ensure_ascii=False)).encode()).hexdigest()


def input_digest(values: pd.DataFrame, profiles: pd.DataFrame, enablers: pd.DataFrame,
                 details: pd.DataFrame | None, enabler_details: pd.DataFrame | None = None,
                 criteria: pd.DataFrame | None = None, queried: pd.DataFrame | None = None) -> str:
    """The recipe's input hash: values, profiles, enabler levels and, for workbooks, every detail
    (data year, source, quality flag, notes; enablers' evidence and notes; criteria answers) —
    content only, never where the files were. For a review, the values under query (unit, year,
    indicator; not the reasons' wording) are part of the inputs too: ``screen.queries: exclude``
    scores depend on them."""
    base = digest(values, profiles, enablers, *(d for d in (details, enabler_details, criteria) if d is not None))
    return _with_queried(base, queried)


#: Bytes of float tables from which the hash gets a thread of its own (64 MB: 80,000 units × 100). Below it
#: the hash costs a few milliseconds, and on a busy machine waiting for a second thread costs more than that
#: (10,000 × 100 on the shared 2-core machine: 49 ms with the thread, 47 without, medians of 21).
THREAD_FROM = 1 << 26


class PendingDigest:
    """:func:`input_digest` of the same tables, hashed on a thread of its own while the caller goes on.

    The parts are gathered first, in the caller's thread (:func:`_digest_parts`: all the pandas work);
    the thread only feeds numpy tables and bytes to SHA-256, which lets other threads run meanwhile
    (hashlib and numpy's copies release the GIL). The tables are never written to (stage tables are
    never modified in place), so the hash is the one :func:`input_digest` gives: the same bytes in the
    same order. :meth:`result` waits for it (a few tenths of a second for a million units × 100). Tables
    under :data:`THREAD_FROM` bytes are hashed at once, in the caller's thread.
    """

    def __init__(self, values: pd.DataFrame, profiles: pd.DataFrame, enablers: pd.DataFrame,
                 details: pd.DataFrame | None, enabler_details: pd.DataFrame | None = None,
                 criteria: pd.DataFrame | None = None, queried: pd.DataFrame | None = None) -> None:
        self._parts = _digest_parts(values, profiles, enablers,
                                    *(d for d in (details, enabler_details, criteria) if d is not None))
        self._queried = queried
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if sum(part.nbytes for part in self._parts if isinstance(part, np.ndarray)) < THREAD_FROM:
            self._run()  # small tables: hashed at once (a thread would cost more than it saves)
            return
        self._thread = threading.Thread(target=self._run, name="input-digest", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = _hashed(self._parts)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> str:
        """The input hash (raises what hashing raised)."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return _with_queried(self._value, self._queried)
