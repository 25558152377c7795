"""The ballot path's per-process memory (docs/adr/0027-participatory-projects-into-the-budget.md).

A process's phases, headings and ballot rules are written once, when it is created (only the
counting rule changes, and only before voting), so the vote page and the ballot POST read them from
this server process's memory for a few seconds instead of three queries a request. The phase is
still computed from the dates at every request, so voting opens and closes on the second. The
ballot paper (the eligible projects) is kept for the page only: the ballot POST checks the choices
against the database. ``forget`` drops entries in this process (a new process, a status change);
other server processes see a change within ``SECONDS``."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

SECONDS = 10.0
processes: dict[str, tuple[float, Any]] = {}
papers: dict[int, tuple[float, Any]] = {}


def fresh(entry: tuple[float, Any] | None) -> Any | None:
    if entry is not None and time.monotonic() - entry[0] < SECONDS:
        return entry[1]
    return None


def keep(store: dict, key: Any, value: Any) -> None:
    store[key] = (time.monotonic(), value)


def forget(*, code: str | None = None, heading_id: int | None = None) -> None:
    """Drop the process ``code`` and the paper of ``heading_id``; with neither, everything. Again
    once the change commits: a page read in between would have cached what was there before."""
    _drop(code, heading_id)
    transaction.on_commit(lambda: _drop(code, heading_id))


def _drop(code: str | None, heading_id: int | None) -> None:
    if code is None and heading_id is None:
        processes.clear()
        papers.clear()
    if code is not None:
        processes.pop(code, None)
    if heading_id is not None:
        papers.pop(heading_id, None)
