"""Writes of the ITS detectors beyond the VDS store (ADR 0029): DSRC reports over MQTT, link travel
times from matched sightings, fault rules opening and closing maintenance orders, roll-ups of the 30-s
readings and the purge of raw data past its retention."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.maintenance import selectors as maintenance_selectors
from cityhall.maintenance import services as maintenance
from cityhall.maintenance.services import AssetRef
from cityhall.organisation.models import OrgUnit
from cityhall.telemetry.services import IngestReport, Message, dead_letters_record
from cityhall.telemetry.validation import Rejection

from . import dsrc, faults, selectors, services
from .choices import DEPARTMENT
from .models import DetectorReading, DetectorRollup, DsrcReport, DsrcSighting, LinkTravelTime
from .twin import dsrc as twin_dsrc
from .twin import network as twin_network
from .twin.congestion import congestion_level, road_class

RULES_ACTOR = Actor.system("traffic:detector_rules")
ASSET_APP = "traffic"
FAULT_DUE_HOURS = 24
TRAVEL_PERIOD_S = 300
ROLLUP_PERIODS_S = (300, 3600)
MAX_TRAVEL = timedelta(minutes=30)  # a pair longer than this is not looked for


def _secret() -> str:
    return getattr(settings, "CITYHALL_DSRC_HASH_KEY", "") or settings.SECRET_KEY


def penetration() -> float:
    return float(getattr(settings, "CITYHALL_DSRC_PENETRATION", 0.2))


def fault_thresholds() -> faults.Thresholds:
    return faults.Thresholds.from_settings(getattr(settings, "TRAFFIC_DETECTOR_FAULTS", None))


# -- the active network's readers ----------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _readers(path: str) -> tuple[tuple[twin_dsrc.Reader, ...], tuple[twin_dsrc.Segment, ...]]:
    info = twin_network.read_network(Path(path))
    placed = twin_dsrc.readers(info)
    return tuple(placed), tuple(twin_dsrc.segments(info, placed))


def readers() -> list[twin_dsrc.Reader]:
    network = selectors.active_network()
    return list(_readers(network.path)[0]) if network is not None else []


def segments() -> list[twin_dsrc.Segment]:
    network = selectors.active_network()
    return list(_readers(network.path)[1]) if network is not None else []


# -- ingest ------------------------------------------------------------------------------------------


def dsrc_reports_ingest(
    messages: list[Message], *, known_devices: set[str] | None = None, gateways: object = None
) -> IngestReport:
    """Stores one batch of DSRC reports in one transaction: each report once per (reader, interval
    end), each pass once per (reader, hashed OBU, time); refused messages as dead letters. Raw OBU IDs
    never reach the database (hashed in ``dsrc.parse_dsrc``)."""
    report = IngestReport(received=len(messages))
    secret = _secret()
    valid: dict[tuple[str, datetime], tuple[dsrc.DsrcReport, datetime]] = {}
    rejected: list[tuple[str, bytes, datetime, Rejection]] = []
    for topic, payload, received_at in messages:
        try:
            verdict = dsrc.parse_dsrc(topic, payload, known_devices, secret=secret, now=received_at)
        except Exception as exc:  # noqa: BLE001 - a bug on one message must not stall the batch
            verdict = Rejection("unexpected", f"메시지를 처리하는 중 오류가 났습니다: {type(exc).__name__}")
        if isinstance(verdict, Rejection):
            rejected.append((topic, dsrc.redact(payload), received_at, verdict))
            report.rejected[verdict.reason] = report.rejected.get(verdict.reason, 0) + 1
        elif (verdict.reader_id, verdict.ts) in valid:
            report.duplicates += 1
        else:
            valid[(verdict.reader_id, verdict.ts)] = (verdict, received_at)
    with transaction.atomic():
        if rejected:
            dead_letters_record(rejected)
        stored_before = set()
        keys = sorted(valid)
        for i in range(0, len(keys), 400):
            chunk = set(keys[i : i + 400])
            rows = DsrcReport.objects.filter(
                reader_id__in={r for r, _ in chunk}, ts__in={t for _, t in chunk}
            ).values_list("reader_id", "ts")
            stored_before.update(pair for pair in rows if pair in chunk)
        new = [valid[key] for key in keys if key not in stored_before]
        DsrcReport.objects.bulk_create(
            [
                DsrcReport(
                    reader_id=r.reader_id,
                    ts=r.ts,
                    interval_s=r.interval_s,
                    passes=len(r.passes),
                    simulated=r.simulated,
                    received_at=at,
                )
                for r, at in new
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        DsrcSighting.objects.bulk_create(
            [DsrcSighting(reader_id=r.reader_id, obu_hash=h, ts=t) for r, _at in new for h, t in r.passes],
            batch_size=500,
            ignore_conflicts=True,
        )
    report.stored = len(new)
    report.duplicates += len(stored_before)
    report.devices = len({r.reader_id for r, _ in new})
    return report


def detectors_ingest(
    messages: list[Message], *, known_devices: set[str] | None = None, gateways: object = None
) -> IngestReport:
    """One batch from both detector topics: VDS reports to ``services.detector_readings_ingest``,
    DSRC reports to ``dsrc_reports_ingest`` (each in its own transaction). Each topic accepts only
    its own kind of device from ``known_devices``: a loop's ID on the DSRC topic is unknown there."""
    vds_batch = [m for m in messages if not m[0].endswith("/dsrc")]
    dsrc_batch = [m for m in messages if m[0].endswith("/dsrc")]
    out = IngestReport(received=len(messages))
    parts = (
        (vds_batch, services.detector_readings_ingest, lambda: set(selectors.detector_edges())),
        (dsrc_batch, dsrc_reports_ingest, lambda: {r.id for r in readers()}),
    )
    for part, store, registry in parts:
        if not part:
            continue
        r = store(part, known_devices=None if known_devices is None else known_devices & registry())
        out.stored += r.stored
        out.duplicates += r.duplicates
        out.devices += r.devices
        for reason, n in r.rejected.items():
            out.rejected[reason] = out.rejected.get(reason, 0) + n
    return out


def detector_ids() -> set[str]:
    return set(selectors.detector_edges()) | {r.id for r in readers()}


# -- travel times --------------------------------------------------------------------------------------


def _bin(t: datetime, period_s: int) -> datetime:
    epoch = int(t.timestamp())
    return datetime.fromtimestamp(epoch - epoch % period_s, tz=UTC)


def travel_times_compute(*, start: datetime, end: datetime, period_s: int = TRAVEL_PERIOD_S) -> int:
    """Each segment's travel time for every ``period_s`` interval in [start, end) (pairs binned by
    their arrival at the downstream reader), replacing what was computed before for those intervals.
    Returns the number of link intervals written."""
    start, end = _bin(start, period_s), _bin(end, period_s)
    segs = segments()
    if not segs or end <= start:
        return 0
    by_pair = {(s.upstream, s.downstream): s for s in segs}
    rows = DsrcSighting.objects.filter(ts__gte=start - MAX_TRAVEL, ts__lt=end).values_list(
        "reader_id", "obu_hash", "ts"
    )
    sightings = [dsrc.Sighting(r, h, t.timestamp()) for r, h, t in rows]
    pairs = dsrc.match_pairs(sightings, set(by_pair))
    grouped: dict[tuple[str, datetime], list[float]] = defaultdict(list)
    for p in pairs:
        arrived = datetime.fromtimestamp(p.t_down, tz=UTC)
        if start <= arrived < end:
            grouped[(by_pair[(p.upstream, p.downstream)].edge, _bin(arrived, period_s))].append(p.travel_s)
    lengths = {s.edge: (s.length_m, s.limit_kmh) for s in segs}
    thresholds = getattr(settings, "TRAFFIC_CONGESTION_THRESHOLDS", None)
    out = []
    for (edge, bin_start), times in sorted(grouped.items()):
        length, limit = lengths[edge]
        tt = dsrc.aggregate(times, length)
        out.append(
            LinkTravelTime(
                edge=edge,
                start=bin_start,
                period_s=period_s,
                samples=tt.samples,
                used=tt.used,
                median_s=tt.median_s,
                speed_kmh=tt.speed_kmh,
                level=(
                    congestion_level(tt.speed_kmh, road_class(limit), thresholds)
                    if tt.speed_kmh is not None
                    else ""
                ),
            )
        )
    with transaction.atomic():
        LinkTravelTime.objects.filter(period_s=period_s, start__gte=start, start__lt=end).delete()
        LinkTravelTime.objects.bulk_create(out, batch_size=500)
    return len(out)


# -- roll-ups and retention -------------------------------------------------------------------------------


def detectors_rollup(*, start: datetime, end: datetime) -> int:
    """5-minute and hourly sums of the VDS readings whose interval ends in [start, end) (bins aligned
    to the period; partial bins at the edges are widened to whole ones), replacing earlier roll-ups of
    those bins: volume summed, speed volume-weighted, occupancy averaged. Returns rows written."""
    written = 0
    for period in ROLLUP_PERIODS_S:
        lo, hi = (
            _bin(start, period),
            _bin(end - timedelta(microseconds=1), period) + timedelta(seconds=period),
        )
        acc: dict[tuple[str, datetime], list] = {}
        rows = DetectorReading.objects.filter(ts__gt=lo, ts__lte=hi).values_list(
            "detector_id", "edge", "ts", "volume", "speed_kmh", "occupancy_pct"
        )
        for detector, edge, ts, volume, speed, occupancy in rows.iterator(chunk_size=5000):
            # a reading stamped at its interval's end belongs to the bin the interval lies in
            key = (detector, _bin(ts - timedelta(microseconds=1), period))
            a = acc.setdefault(
                key, [edge, 0, 0, 0.0, 0, 0.0]
            )  # edge, n, volume, speed×vol, vol w/ speed, occ
            a[1] += 1
            a[2] += volume
            if speed is not None and volume:
                a[3] += speed * volume
                a[4] += volume
            a[5] += occupancy
        objs = [
            DetectorRollup(
                detector_id=detector,
                edge=a[0],
                start=bin_start,
                period_s=period,
                intervals=a[1],
                volume=a[2],
                speed_kmh=round(a[3] / a[4], 1) if a[4] else None,
                occupancy_pct=round(a[5] / a[1], 1),
            )
            for (detector, bin_start), a in sorted(acc.items())
        ]
        with transaction.atomic():
            DetectorRollup.objects.filter(period_s=period, start__gte=lo, start__lt=hi).delete()
            DetectorRollup.objects.bulk_create(objs, batch_size=1000)
        written += len(objs)
    return written


def raw_days() -> int:
    return int(getattr(settings, "CITYHALL_DETECTOR_RAW_DAYS", 7))


def sighting_days() -> int:
    return int(getattr(settings, "CITYHALL_DSRC_SIGHTING_DAYS", 2))


def detector_data_purge(*, actor: Actor, today: date) -> int:
    """The daily retention job: roll up the VDS readings about to go, then delete raw readings and DSRC
    reports older than ``CITYHALL_DETECTOR_RAW_DAYS`` and DSRC sightings (hashed OBUs) older than
    ``CITYHALL_DSRC_SIGHTING_DAYS`` (travel times computed from them stay). Returns rows deleted."""
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=dsrc.SEOUL).astimezone(UTC)
    raw_cut = midnight - timedelta(days=raw_days())
    oldest = (
        DetectorReading.objects.filter(ts__lt=raw_cut).order_by("ts").values_list("ts", flat=True).first()
    )
    if oldest is not None:
        day = oldest
        while day < raw_cut:  # a day at a time, so memory stays bounded
            detectors_rollup(start=day, end=min(day + timedelta(days=1), raw_cut))
            day += timedelta(days=1)
    deleted = 0
    with transaction.atomic():
        deleted += DetectorReading.objects.filter(ts__lt=raw_cut).delete()[0]
        deleted += DsrcReport.objects.filter(ts__lt=raw_cut).delete()[0]
        deleted += DsrcSighting.objects.filter(ts__lt=midnight - timedelta(days=sighting_days())).delete()[0]
    return deleted


# -- faults ------------------------------------------------------------------------------------------


def _department() -> OrgUnit:
    return OrgUnit.objects.get(code=DEPARTMENT)


def _asset(kind: str, device: str, edge: str, org_unit: OrgUnit) -> AssetRef:
    label = _("차량검지기 %(id)s") if kind == "vds" else _("DSRC 기지국 %(id)s")
    return AssetRef(
        app=ASSET_APP,
        key=f"{kind}:{device}",
        label=label % {"id": device},
        org_unit=org_unit,
        location=_("링크 %(edge)s (예시)") % {"edge": edge},
        simulated=True,
    )


def detector_faults(*, now: datetime | None = None) -> dict[str, set[str]]:
    """The faults now, by asset key (``vds:<id>``, ``dsrc:<id>``), of every detector heard in the last
    hour, by the rules of ``faults`` over those readings. A detector silent longer, or never heard,
    is not judged and has no key here: an order already open for it stays open (it is not recovered
    for having gone quiet), and a device never commissioned gets none."""
    now = now or timezone.now()
    t = fault_thresholds()
    since = now - timedelta(hours=1)
    recent: dict[str, list[faults.Reading]] = defaultdict(list)
    rows = (
        DetectorReading.objects.filter(ts__gt=since, ts__lte=now)
        .order_by("detector_id", "ts")
        .values_list("detector_id", "ts", "volume", "speed_kmh", "occupancy_pct", "interval_s")
    )
    for detector, ts, volume, speed, occupancy, interval in rows:
        recent[detector].append(faults.Reading(ts, volume, speed, occupancy, interval))
    out: dict[str, set[str]] = {}
    for detector in selectors.detector_edges():
        if recent.get(detector):
            out[f"vds:{detector}"] = faults.vds_faults(recent[detector], now, t)
    last = dict(
        DsrcReport.objects.filter(ts__gt=since, ts__lte=now)
        .order_by()
        .values("reader_id")
        .annotate(last=Max("ts"))
        .values_list("reader_id", "last")
    )
    for reader in readers():
        if reader.id in last:
            out[f"dsrc:{reader.id}"] = faults.reader_faults(last[reader.id], now, t)
    return out


def detector_faults_sync(*, now: datetime | None = None, actor: Actor = RULES_ACTOR) -> tuple[int, int]:
    """One open maintenance order per detector and fault kind (opened idempotently and race-safely by
    ``maintenance.order_open``); a fault gone closes its order as recovered. Returns (opened, closed)."""
    now = now or timezone.now()
    found = detector_faults(now=now)
    orders = maintenance_selectors.open_orders_by_asset(ASSET_APP)
    edges = selectors.detector_edges() | {r.id: r.edge for r in readers()}
    org_unit = None
    opened = closed = 0
    for key, kinds in sorted(found.items()):
        kind, device = key.split(":", 1)
        open_kinds = {o.kind.removeprefix("detector_") for o in orders.get(key, ())}
        for fault in sorted(kinds - open_kinds):
            org_unit = org_unit or _department()
            _order, created = maintenance.order_open(
                asset=_asset(kind, device, edges.get(device, ""), org_unit),
                kind=f"detector_{fault}",
                kind_label=str(faults.KIND_LABELS[fault]),
                due_hours=FAULT_DUE_HOURS,
                detail=_fault_detail(fault),
                actor=actor,
                now=now,
            )
            opened += created
        for fault in sorted(open_kinds - kinds):
            if fault not in faults.KIND_LABELS:
                continue
            maintenance.order_close_for_asset(
                app=ASSET_APP,
                key=key,
                kind=f"detector_{fault}",
                resolution=_("정상 측정값 수신 (자동 복구 확인)"),
                actor=actor,
                now=now,
            )
            closed += 1
    return opened, closed


def _fault_detail(fault: str) -> str:
    t = fault_thresholds()
    if fault == faults.STUCK:
        return _("같은 측정값이 %(n)d회 연속 보고되었습니다.") % {"n": t.stuck_intervals}
    if fault == faults.SILENT:
        return _("%(n)d회 주기 넘게 보고가 없습니다.") % {"n": t.silent_intervals}
    return _("속도 %(speed)g km/h 초과, 점유율 100%% 초과 또는 차로당 %(flow)g대/시 초과 측정값입니다.") % {
        "speed": t.max_speed_kmh,
        "flow": t.max_flow_veh_h,
    }


def detectors_evaluate(*, now: datetime | None = None, actor: Actor = RULES_ACTOR) -> dict:
    """The periodic pass: travel times of the last 15 minutes, roll-ups of the last 2 hours, fault
    rules with their maintenance orders."""
    now = now or timezone.now()
    travel = travel_times_compute(start=now - timedelta(minutes=15), end=now)
    rolled = detectors_rollup(start=now - timedelta(hours=2), end=now)
    opened, closed = detector_faults_sync(now=now, actor=actor)
    return {"travel_times": travel, "rollups": rolled, "opened": opened, "closed": closed}


# -- the twin's readers (모의) ----------------------------------------------------------------------------


def dsrc_feed_from_twin(
    *,
    minutes: int,
    start: datetime,
    seed: int = 1,
    vehicles_per_hour: int | None = None,
    share: float | None = None,
    actor: Actor,
    warmup_minutes: int = 0,
) -> list[tuple[str, bytes]]:
    """The twin's 96 readers reporting as field readers do (모의): every reader's 30-s reports of a
    ``services.twin_stretch`` (empty ones too: the heartbeat) with the passes of equipped vehicles
    (``share``, default ``CITYHALL_DSRC_PENETRATION``). OBU IDs are made up per vehicle and run."""
    from cityhall.core.services import RecordInvalid

    share = penetration() if share is None else share
    if not 0 < share <= 1:
        raise RecordInvalid({"share": [_("장착률은 0보다 크고 1 이하여야 합니다.")]})
    stretch = services.twin_stretch(
        minutes=minutes,
        start=start,
        seed=seed,
        vehicles_per_hour=vehicles_per_hour,
        actor=actor,
        warmup_minutes=warmup_minutes,
        dsrc_penetration=share,
    )
    return feed_messages(
        stretch.result.dsrc,
        [r.id for r in twin_dsrc.readers(stretch.info)],
        start=start,
        offset_s=stretch.warmup_s,
        span_s=stretch.end_s - stretch.warmup_s,
        seed=seed,
    )


def feed_messages(
    passes: list[twin_dsrc.Pass],
    reader_ids: list[str],
    *,
    start: datetime,
    offset_s: int,
    span_s: int,
    seed: int,
) -> list[tuple[str, bytes]]:
    """Passes as 30-s reports per reader over ``span_s`` seconds from simulation time ``offset_s``
    (the warm-up before it is not reported), every interval included, stamped from ``start``."""
    period = 30
    grouped: dict[tuple[str, int], list[tuple[twin_dsrc.Pass, float]]] = defaultdict(list)
    for p in passes:
        t = p.t - offset_s
        if 0 <= t < span_s:
            grouped[(p.reader, int(t // period) + 1)].append((p, t))

    def stamp(seconds: float) -> str:
        return (start + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")

    out = []
    for n in range(1, span_s // period + 1):
        for reader in reader_ids:
            wire = dsrc.DsrcWire(
                reader_id=reader,
                ts=stamp(n * period),
                passes=[
                    dsrc.PassWire(obu_id=f"OBU-{seed}-{p.vehicle}", ts=stamp(t))
                    for p, t in grouped[(reader, n)]
                ],
                interval_s=period,
                simulated=True,
            )
            out.append((dsrc.dsrc_topic(reader), dsrc.encode(wire)))
    return out
