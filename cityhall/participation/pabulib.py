"""Pabulib ``.pb`` export (http://pabulib.org/format): META, PROJECTS and VOTES sections separated by
semicolons, so anyone can recompute the count (for instance with pabutools).

Secrecy: voters are numbered 1…n in the order of their ballots' keyed hashes, which carry nothing
of who they are or when they voted; no time, channel or district of a voter is exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportProject:
    number: int
    cost: int
    votes: int
    name: str
    category: str = ""
    selected: bool | None = None


def project_id(number: int) -> str:
    """Zero-padded, so lexicographic order (pabutools' tie-breaking) is the number's order."""
    return f"{number:04d}"


def _clean(text: str) -> str:
    return " ".join(str(text).replace(";", ",").split())


def write(
    *,
    meta: dict[str, object],
    projects: Sequence[ExportProject],
    ballots: Iterable[Sequence[int]],
) -> str:
    ballots = [sorted(b) for b in ballots]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    header = {
        **meta,
        "num_projects": len(projects),
        "num_votes": len(ballots),
    }
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in header.items():
        writer.writerow([key, _clean(str(value))])
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", "votes", "name", "category", "selected"])
    for p in sorted(projects, key=lambda p: p.number):
        selected = "" if p.selected is None else int(p.selected)
        writer.writerow([project_id(p.number), p.cost, p.votes, _clean(p.name), _clean(p.category), selected])
    out.write("VOTES\n")
    writer.writerow(["voter_id", "vote"])
    for index, ballot in enumerate(ballots, start=1):
        writer.writerow([index, ",".join(project_id(n) for n in ballot)])
    return out.getvalue()
