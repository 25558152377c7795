"""What a variable message sign (도로전광표지, VMS) shows: plain rules, no database.

A sign watches the link it stands on and the next link straight ahead (``VmsSign.watch``, nearest
first). Its message, by priority (the issue's order: incident over traffic information over notices):

1. **incident** — an incident on a watched link (today: an emergency run whose route uses it):
   ``긴급차량 출동`` / ``길을 비켜 주세요``;
2. **congestion** — the worst level among the watched links with detector data, the nearest link
   on a tie: 정체 ``전방 {link} 정체`` / ``{speed}km/h 우회 권장``, 서행 ``전방 {link} 서행`` /
   ``{speed}km/h``;
3. **notice** — everything free-flowing: ``전방 소통 원활`` / ``안전운전 하세요``; no detector
   data for any watched link: ``안전운전 하세요`` / ``김포시`` (nothing is claimed about traffic).

An operator's override (with its reason) replaces all three until it is cleared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .twin.congestion import FREE, JAMMED, SLOW

INCIDENT, CONGESTION, NOTICE, OVERRIDE = "incident", "congestion", "notice", "override"
MAX_LINES = 2
MAX_LINE_CHARS = 20
REASON_MAX = 200
_RANK = {FREE: 0, SLOW: 1, JAMMED: 2}


@dataclass(frozen=True)
class Incident:
    edge: str
    label: str = "긴급차량 출동"
    advice: str = "길을 비켜 주세요"


@dataclass(frozen=True)
class LinkLevel:
    level: str
    speed_kmh: float


@dataclass(frozen=True)
class Message:
    kind: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def compose(watch: list[str], links: Mapping[str, LinkLevel], incidents: Iterable[Incident]) -> Message:
    """The sign's message from the state of the links it watches (nearest first)."""
    watched = set(watch)
    for incident in incidents:
        if incident.edge in watched:
            return Message(INCIDENT, (incident.label, incident.advice))
    known = [(edge, links[edge]) for edge in watch if edge in links]
    if not known:
        return Message(NOTICE, ("안전운전 하세요", "김포시"))
    # max() keeps the first of equals: the nearest link of the worst level.
    edge, worst = max(known, key=lambda item: _RANK[item[1].level])
    speed = f"{worst.speed_kmh:.0f}km/h"
    if worst.level == JAMMED:
        return Message(CONGESTION, (f"전방 {edge} 정체", f"{speed} 우회 권장"))
    if worst.level == SLOW:
        return Message(CONGESTION, (f"전방 {edge} 서행", speed))
    return Message(NOTICE, ("전방 소통 원활", "안전운전 하세요"))


def override_errors(text: str, reason: str) -> dict[str, list[str]]:
    """An operator's message: one or two lines of at most 20 characters, and a reason."""
    errors: dict[str, list[str]] = {}
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or not any(lines):
        errors["text"] = ["표출할 문안을 입력하세요."]
    elif len(lines) > MAX_LINES:
        errors["text"] = [f"문안은 {MAX_LINES}줄까지입니다 ({len(lines)}줄)."]
    else:
        long = [n + 1 for n, line in enumerate(lines) if len(line) > MAX_LINE_CHARS]
        if long:
            errors["text"] = [f"{long[0]}번째 줄이 {MAX_LINE_CHARS}자를 넘습니다."]
    if not reason.strip():
        errors["reason"] = ["수동 표출 사유를 입력하세요."]
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = [f"사유는 {REASON_MAX}자까지입니다."]
    return errors


def normalise(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())
