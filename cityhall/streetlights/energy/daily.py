"""The per-site daily energy (``SiteEnergyDay``) the energy report reads instead of a year of
per-light roll-ups (a few sites × ratings × 365 rows rather than lights × 365).

``refresh_days(days)`` rebuilds the rows of whole local days from ``telemetry.DailyRollup``: the
roll-up job calls it with the days it stored (registered with ``telemetry.rollups.on_days_saved`` in
the app's ``ready``), ``streetlights_energy_refresh`` for any range (roll-ups stored before this table
existed, or written around the roll-up job). Rebuilding a day is idempotent: rows are upserted on
(site, day, rating) and a day's rows no light contributes to any more are deleted.

A light counts toward the site and rated power it has when its day is refreshed (see the model).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Min

from cityhall.telemetry.models import DailyRollup

from ..models import SiteEnergyDay, Streetlight

_DAYS_PER_QUERY = 31
_FIELDS = ["devices", "energy_wh", "simulated_devices", "first_ts", "last_ts"]


@dataclass
class _Sum:
    devices: int
    energy_wh: int
    simulated_devices: int
    first_ts: datetime
    last_ts: datetime


def refresh_days(days: Iterable[date]) -> int:
    """Rebuild the per-site totals of ``days`` from the roll-ups; returns the rows written."""
    ordered = sorted(set(days))
    if not ordered:
        return 0
    lights = {code: (site, rated) for code, site, rated in Streetlight.objects.values_list(
        "code", "site_id", "rated_power_w")}  # fmt: skip
    written = 0
    with transaction.atomic():
        for start in range(0, len(ordered), _DAYS_PER_QUERY):
            chunk = ordered[start : start + _DAYS_PER_QUERY]
            sums: dict[tuple[int, date, int], _Sum] = {}
            rows = DailyRollup.objects.filter(day__in=chunk).values_list(
                "device_id", "day", "energy_wh", "simulated", "first_ts", "last_ts"
            )
            for device, day, wh, simulated, first_ts, last_ts in rows.iterator(chunk_size=5000):
                light = lights.get(device)
                if light is None:
                    continue  # a base station or another kind of device
                key = (light[0], day, light[1])
                total = sums.get(key)
                if total is None:
                    sums[key] = _Sum(1, wh, int(simulated), first_ts, last_ts)
                    continue
                total.devices += 1
                total.energy_wh += wh
                total.simulated_devices += int(simulated)
                total.first_ts, total.last_ts = min(total.first_ts, first_ts), max(total.last_ts, last_ts)
            stale = [
                pk
                for pk, site, day, rated in SiteEnergyDay.objects.filter(day__in=chunk).values_list(
                    "pk", "site_id", "day", "rated_power_w"
                )
                if (site, day, rated) not in sums
            ]
            if stale:
                SiteEnergyDay.objects.filter(pk__in=stale).delete()
            objs = [
                SiteEnergyDay(site_id=site, day=day, rated_power_w=rated, **vars(total))
                for (site, day, rated), total in sorted(sums.items())
            ]
            SiteEnergyDay.objects.bulk_create(
                objs,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["site", "day", "rated_power_w"],
                update_fields=_FIELDS,
            )
            written += len(objs)
    return written


def refresh_range(first: date | None = None, last: date | None = None) -> tuple[int, int]:
    """Rebuild every day in ``first``..``last`` (default: all days with roll-ups, and any day that
    still has per-site rows); returns (days, rows written)."""
    bounds = [
        DailyRollup.objects.aggregate(a=Min("day"), b=Max("day")),
        SiteEnergyDay.objects.aggregate(a=Min("day"), b=Max("day")),
    ]
    lows = [b["a"] for b in bounds if b["a"] is not None]
    highs = [b["b"] for b in bounds if b["b"] is not None]
    first = first or (min(lows) if lows else None)
    last = last or (max(highs) if highs else None)
    if first is None or last is None or last < first:
        return 0, 0
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return len(days), refresh_days(days)
