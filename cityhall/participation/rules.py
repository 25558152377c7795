"""Pure rules of the engine: which phase is open, whether a ballot is valid, the voter's age. No
database: the services pass in what they read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cityhall.core.money import format_thousand_won
from cityhall.gis.area import Bounds

from .choices import BallotKind


@dataclass(frozen=True)
class BallotRules:
    kind: str
    budget: int  # the heading's ceiling, won
    max_projects: int | None
    min_projects: int
    min_budget_percent: int


def open_phase(phases: Iterable[tuple[str, datetime, datetime]], now: datetime) -> str | None:
    """The phase whose [start, end) holds ``now``."""
    for kind, starts_at, ends_at in phases:
        if starts_at <= now < ends_at:
            return kind
    return None


def ballot_problems(rules: BallotRules, chosen: list[int], costs: Mapping[int, int]) -> list[str]:
    """Everything wrong with a ballot, in Korean; [] when it may be cast. ``costs``: the numbers of the
    projects on this ballot paper and their costs."""
    problems = []
    if not chosen:
        return [_("사업을 하나 이상 고르세요.")]
    if len(set(chosen)) != len(chosen):
        problems.append(_("같은 사업을 두 번 고를 수 없습니다."))
    unknown = sorted({n for n in chosen if n not in costs})
    if unknown:
        problems.append(
            _("투표 대상이 아니거나 철회된 사업입니다: %(numbers)s")
            % {"numbers": ", ".join(str(n) for n in unknown)}
        )
        return problems
    count, total = len(set(chosen)), sum(costs[n] for n in set(chosen))
    if rules.max_projects is not None and count > rules.max_projects:
        problems.append(
            _("최대 %(max)s개까지 고를 수 있습니다 (%(count)s개 고름).")
            % {"max": rules.max_projects, "count": count}
        )
    if count < rules.min_projects:
        problems.append(
            _("최소 %(min)s개를 골라야 합니다 (%(count)s개 고름).")
            % {"min": rules.min_projects, "count": count}
        )
    if rules.kind == BallotKind.KNAPSACK:
        if total > rules.budget:
            problems.append(
                _("고른 사업의 합계 %(total)s천원이 예산 %(budget)s천원을 넘습니다.")
                % {"total": format_thousand_won(total), "budget": format_thousand_won(rules.budget)}
            )
        minimum = rules.budget * rules.min_budget_percent // 100
        if total < minimum:
            problems.append(
                _("예산의 %(percent)s%%(%(minimum)s천원) 이상을 골라야 합니다 (지금 %(total)s천원).")
                % {
                    "percent": rules.min_budget_percent,
                    "minimum": format_thousand_won(minimum),
                    "total": format_thousand_won(total),
                }
            )
    return problems


def age_in(year: int, birth_year: int) -> int:
    """Age as the year's ordinances count it (연 나이: the year minus the birth year)."""
    return year - birth_year


COORDINATE_PLACES = Decimal("0.000001")  # the columns keep six decimals (about 10 cm)


def proposal_location(
    latitude: object, longitude: object, bounds: Bounds
) -> tuple[Decimal | None, Decimal | None, dict[str, list[str]]]:
    """A proposal's position from what the proposer gave: both coordinates or neither, numbers, inside
    the city's ``bounds``. Returns (latitude, longitude, errors by field, in Korean)."""
    names = {"latitude": _("위도"), "longitude": _("경도")}
    raw = {"latitude": latitude, "longitude": longitude}
    given = {
        name: str(value).strip() for name, value in raw.items() if value is not None and str(value).strip()
    }
    if not given:
        return None, None, {}
    if len(given) == 1:
        (missing,) = set(raw) - set(given)
        message = _("%(field)s도 적으세요: 위치는 위도와 경도를 함께 적거나 둘 다 비워 둡니다.") % {
            "field": names[missing]
        }
        return None, None, {missing: [message]}
    errors: dict[str, list[str]] = {}
    numbers: dict[str, Decimal] = {}
    examples = {"latitude": "37.6153", "longitude": "126.7156"}
    for name, text in given.items():
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            errors[name] = [
                _("%(field)s는 숫자로 적으세요 (예: %(example)s).")
                % {"field": names[name], "example": examples[name]}
            ]
        else:
            numbers[name] = number
    if errors:
        return None, None, errors
    lat, lon = numbers["latitude"], numbers["longitude"]
    if not bounds.south <= lat <= bounds.north:
        errors["latitude"] = [
            _("%(field)s는 시의 범위(%(low)s~%(high)s) 안이어야 합니다.")
            % {"field": names["latitude"], "low": bounds.south, "high": bounds.north}
        ]
    if not bounds.west <= lon <= bounds.east:
        errors["longitude"] = [
            _("%(field)s는 시의 범위(%(low)s~%(high)s) 안이어야 합니다.")
            % {"field": names["longitude"], "low": bounds.west, "high": bounds.east}
        ]
    if errors:
        return None, None, errors
    return lat.quantize(COORDINATE_PLACES), lon.quantize(COORDINATE_PLACES), {}
