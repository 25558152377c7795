"""Reads of the ITS detectors for the detectors page and API (ADR 0029): each VDS loop's and DSRC
reader's last report and open faults, and the links' newest travel times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.maintenance import selectors as maintenance_selectors

from . import detector_services, selectors
from .models import DetectorReading, DsrcReport

ONLINE, SILENT_NOW, NEVER = "online", "silent", "never"


@dataclass(frozen=True)
class DetectorRow:
    kind: str  # "vds" / "dsrc"
    id: str
    edge: str
    state: str  # online / silent / never
    last_ts: datetime | None
    last: str  # the last report, shown as text
    faults: tuple[str, ...]  # open orders' kind labels


def detector_rows(
    *, now: datetime | None = None, kind: str = "", faulty_only: bool = False
) -> list[DetectorRow]:
    now = now or timezone.now()
    t = detector_services.fault_thresholds()
    fresh = timedelta(seconds=30 * t.silent_intervals)
    orders = maintenance_selectors.open_orders_by_asset(detector_services.ASSET_APP)
    rows: list[DetectorRow] = []
    if kind in ("", "vds"):
        latest = _latest(DetectorReading, "detector_id", now)
        for detector, edge in sorted(selectors.detector_edges().items()):
            r = latest.get(detector)
            last = (
                _("%(volume)s대 · %(speed)s km/h · %(occupancy)s%%")
                % {
                    "volume": r.volume,
                    "speed": r.speed_kmh if r.speed_kmh is not None else "—",
                    "occupancy": r.occupancy_pct,
                }
                if r
                else ""
            )
            rows.append(_row("vds", detector, edge, r.ts if r else None, last, orders, now, fresh))
    if kind in ("", "dsrc"):
        reports = _latest(DsrcReport, "reader_id", now)
        for reader in detector_services.readers():
            rep = reports.get(reader.id)
            last = _("%(n)s대 통과") % {"n": rep.passes} if rep else ""
            rows.append(
                _row("dsrc", reader.id, reader.edge, rep.ts if rep else None, last, orders, now, fresh)
            )
    if faulty_only:
        rows = [r for r in rows if r.faults]
    return rows


def _latest(model: type[Model], device_field: str, now: datetime) -> dict[str, Model]:
    """Each device's newest report up to ``now``, however old: the newest time per device (the
    (device, ts) unique index answers it), then the rows at those times. Reports are stamped at
    interval ends, so the times are few and the second read stays small."""
    newest = dict(
        model.objects.filter(ts__lte=now)
        .order_by()
        .values(device_field)
        .annotate(last=Max("ts"))
        .values_list(device_field, "last")
    )
    if not newest:
        return {}
    rows = model.objects.filter(ts__in=set(newest.values()), **{f"{device_field}__in": list(newest)})
    return {getattr(r, device_field): r for r in rows if newest[getattr(r, device_field)] == r.ts}


def _row(kind, device, edge, last_ts, last, orders, now, fresh) -> DetectorRow:
    if last_ts is None:
        state = NEVER
    elif now - last_ts > fresh:
        state = SILENT_NOW
    else:
        state = ONLINE
    labels = tuple(o.kind_label for o in orders.get(f"{kind}:{device}", ()))
    return DetectorRow(kind, device, edge, state, last_ts, last, labels)
