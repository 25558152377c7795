"""Where to put the next BITs: the candidates (stops without one) with what the ranking weighs, and
the city's weights. The ranking itself is ``siting.rank_sites`` (pure). Boardings and nearby
facilities are simulated (모의, deterministic per stop): the seed has no card data; the cost per
unit is the seed's 2025 budget shared over its 20 units (l.132)."""

from __future__ import annotations

import hashlib
import math

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.permissions import has_permission
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from . import selectors
from .choices import SEED_BIT_BUDGET_2025_KRW, SEED_BIT_NEW_2025, SEED_BIT_REPLACED_2025
from .models import RouteStop, SitingWeight
from .selectors import BUS_STAFF
from .siting import DEFAULT_WEIGHTS, SiteCandidate, check_weights, rank_sites

COST_PER_UNIT_WON = SEED_BIT_BUDGET_2025_KRW // (SEED_BIT_NEW_2025 + SEED_BIT_REPLACED_2025)  # 13,000,000


def _draw(code: str, what: str) -> float:
    digest = hashlib.blake2b(f"{what}:{code}".encode(), digest_size=4).digest()
    return int.from_bytes(digest) / 2**32


def candidates() -> list[SiteCandidate]:
    """Stops without a BIT, as ``siting.SiteCandidate``."""
    stops = list(selectors.stops())
    with_bit = [s for s in stops if s.bit_count]
    routes_at: dict[int, set[int]] = {}
    for stop_id, route_id in RouteStop.objects.values_list("stop_id", "route_id"):
        routes_at.setdefault(stop_id, set()).add(route_id)
    out = []
    for stop in stops:
        if stop.bit_count:
            continue
        boardings = round(80 + 720 * _draw(stop.code, "boardings"))  # 모의 card data
        lines = len(routes_at.get(stop.pk, ()))
        nearest = min((math.hypot(stop.x - b.x, stop.y - b.y) for b in with_bit), default=5000.0)
        out.append(
            SiteCandidate(
                stop_id=stop.code,
                name=stop.name,
                boardings_per_day=float(boardings),
                transfers_per_day=float(round(boardings * 0.15 * max(0, lines - 1))),
                facilities_nearby=int(4 * _draw(stop.code, "facilities")),  # 모의
                distance_to_nearest_bit_m=round(nearest, 1),
                cost_won=COST_PER_UNIT_WON,
            )
        )
    return out


def weights() -> dict[str, float]:
    current = dict(DEFAULT_WEIGHTS)
    current.update({w.criterion: w.weight for w in SitingWeight.objects.filter(criterion__in=current)})
    return current


def weights_set(*, values: dict[str, float], actor: Actor) -> dict[str, float]:
    """Change the weights (audited, one event per criterion changed)."""
    if actor.user is not None and not has_permission(actor.user, BUS_STAFF):
        raise PermissionDenied(_("가중치를 바꿀 권한이 없습니다."))
    current = weights()
    errors = {}
    for key, value in values.items():
        if key not in current:
            errors[key] = [_("없는 기준입니다: %(k)s") % {"k": key}]
        elif not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            errors[key] = [_("가중치는 0 이상의 숫자여야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    try:  # all weights zero ranks nobody (and would break the page for everyone)
        check_weights({**current, **values})
    except ValueError:
        raise RecordInvalid(_("가중치 중 하나는 0보다 커야 합니다.")) from None
    rtype = record_type_for(SitingWeight)
    with transaction.atomic():
        for key, value in values.items():
            if current[key] == value:
                continue
            row, _created = SitingWeight.objects.select_for_update().update_or_create(
                criterion=key, defaults={"weight": float(value)}
            )
            audit.record(actor, "update", rtype, row, before={key: current[key]}, after={key: float(value)})
    return weights()


def ranking(limit: int = SEED_BIT_NEW_2025):
    """The top ``limit`` candidates (the ten new units of 2025) with each criterion's share."""
    return rank_sites(candidates(), weights())[:limit]
