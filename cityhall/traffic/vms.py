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
from typing import TypeVar

from django.utils.translation import gettext as _

from .twin.congestion import FREE, JAMMED, SLOW

INCIDENT, CONGESTION, NOTICE, OVERRIDE = "incident", "congestion", "notice", "override"
MAX_LINES = 2
MAX_LINE_CHARS = 20
REASON_MAX = 200
_RANK = {FREE: 0, SLOW: 1, JAMMED: 2}
S = TypeVar("S")


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
        errors["text"] = [_("표출할 문안을 입력하세요.")]
    elif len(lines) > MAX_LINES:
        errors["text"] = [_("문안은 %(max)d줄까지입니다 (%(n)d줄).") % {"max": MAX_LINES, "n": len(lines)}]
    else:
        long = [n + 1 for n, line in enumerate(lines) if len(line) > MAX_LINE_CHARS]
        if long:
            message = _("%(n)d번째 줄이 %(max)d자를 넘습니다.")
            errors["text"] = [message % {"n": long[0], "max": MAX_LINE_CHARS}]
    if not reason.strip():
        errors["reason"] = [_("수동 표출 사유를 입력하세요.")]
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = [_("사유는 %(max)d자까지입니다.") % {"max": REASON_MAX}]
    return errors


def normalise(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())


# -- Message lifecycle (ADR 0030): templates, priorities, travel times, what a sign should show ----

TRAVEL_TIME = "travel_time"
# Lower is stronger: an override over everything, then incident over congestion over travel time
# over notices (the order; congestion ahead is traffic information before travel times).
PRIORITY = {OVERRIDE: 0, INCIDENT: 1, CONGESTION: 2, TRAVEL_TIME: 3, NOTICE: 4}
TEMPLATE_KINDS = (INCIDENT, CONGESTION, TRAVEL_TIME, NOTICE)
MAX_DESTINATIONS = MAX_LINES


@dataclass(frozen=True)
class Destination:
    """A named destination of a travel-time message and the links to it from the sign, in order."""

    name: str
    route: tuple[str, ...]


def travel_time_s(route: Iterable[str], link_times: Mapping[str, float]) -> float | None:
    """The sum of the route's link travel times; ``None`` if any link has no current time (no data
    is not free-flowing, so nothing is claimed)."""
    total = 0.0
    for edge in route:
        if edge not in link_times:
            return None
        total += link_times[edge]
    return total


def travel_time_lines(
    destinations: Iterable[Destination], link_times: Mapping[str, float]
) -> tuple[str, ...] | None:
    """``{name} {minutes}분`` per destination, minutes rounded up (never promise less than it
    takes), at least 1; ``None`` when any destination has a link without a current time."""
    lines = []
    for dest in destinations:
        seconds = travel_time_s(dest.route, link_times)
        if seconds is None:
            return None
        minutes = max(1, -(-int(round(seconds)) // 60))
        lines.append(f"{dest.name} {minutes}분")
    return tuple(lines) or None


def choose(candidates: Iterable[tuple[S, Message]]) -> tuple[S, Message]:
    """The strongest of (source, message) pairs by ``PRIORITY``, the first of equals (callers list
    the scheduled messages newest first, then the rules' own message)."""
    return min(candidates, key=lambda c: PRIORITY[c[1].kind])


def message_errors(
    kind: str, text: str, destinations: list[dict], link_ids: set[str]
) -> dict[str, list[str]]:
    """A message template: its kind; for travel times 1–2 destinations with a name and a route of
    known links (the lines are computed), else 1–2 lines of at most 20 characters."""
    errors: dict[str, list[str]] = {}
    if kind not in TEMPLATE_KINDS:
        kinds = ", ".join(TEMPLATE_KINDS)
        errors["kind"] = [_("문안 유형은 %(kinds)s 중 하나여야 합니다.") % {"kinds": kinds}]
        return errors
    if kind == TRAVEL_TIME:
        if not destinations:
            errors["destinations"] = [_("소요시간 안내에는 목적지가 1곳 이상 있어야 합니다.")]
        elif len(destinations) > MAX_DESTINATIONS:
            errors["destinations"] = [_("목적지는 %(max)d곳까지입니다.") % {"max": MAX_DESTINATIONS}]
        else:
            for n, dest in enumerate(destinations, start=1):
                name = str(dest.get("name", "")).strip()
                route = dest.get("route") or []
                if not name:
                    errors["destinations"] = [_("%(n)d번째 목적지의 이름이 없습니다.") % {"n": n}]
                elif len(name) > MAX_LINE_CHARS - 5:
                    message = _("%(n)d번째 목적지 이름은 %(max)d자까지입니다.")
                    errors["destinations"] = [message % {"n": n, "max": MAX_LINE_CHARS - 5}]
                elif not isinstance(route, list) or not route:
                    errors["destinations"] = [_("%(n)d번째 목적지의 경로(링크 목록)가 없습니다.") % {"n": n}]
                else:
                    unknown = [e for e in route if e not in link_ids]
                    if unknown:
                        errors["destinations"] = [
                            _("%(n)d번째 목적지 경로에 없는 링크가 있습니다: %(link)s")
                            % {"n": n, "link": unknown[0]}
                        ]
                if "destinations" in errors:
                    break
        return errors
    text_errors = override_errors(text, "-").get("text")
    if text_errors:
        errors["text"] = text_errors
    return errors


def backoff_s(attempt: int, *, base_s: float = 5.0, cap_s: float = 120.0) -> float:
    """Seconds to wait for an ack after the ``attempt``-th send (1-based): 5, 10, 20, 40, 80, 120…"""
    return min(cap_s, base_s * 2 ** (attempt - 1))
