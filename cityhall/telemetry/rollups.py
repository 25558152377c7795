"""Daily roll-ups of the raw readings (일별 집계), and the retention of raw readings and dead letters.

A roll-up is one device's local day (Asia/Seoul) in one ``DailyRollup`` row: energy from the
cumulative meter, burning and fault time, readings count, min/max/mean power and whether any of it
was simulated (see the model's docstring for the arithmetic). Roll-ups are kept for good; the raw
readings only for the retention period (ADR 0007, "Storage").

- ``rollup_recent(now=...)`` is what a live runtime calls every ~30 s. It reads only the readings
  stored since its last run (a cursor on the reading id, an index range scan), extends each touched
  device-day in place when the new readings are later than its last one, and recomputes a device-day
  from its raw rows when one is not (a late reading, or the day's first roll-up). Re-running it
  changes nothing: a reading is only ever *added* when it is later than the day's last one, so one
  already in the roll-up cannot be counted twice.
- ``rollup_days(start, end)`` recomputes whole days from the raw rows (backfill, repair).
- ``on_days_saved(listener)``: an app that keeps its own totals of the roll-ups (the streetlights'
  per-site daily energy) registers a function here; it is called with the local days whose roll-ups
  a run stored, inside the same transaction. This app knows nothing of who listens.
- ``readings_prune(older_than_days=...)`` deletes raw readings older than the retention period, only
  for device-days whose roll-up holds exactly the raw rows there are (so a late reading that is not
  rolled up yet is kept), in chunks; and dead letters older than 90 days.

The cursor only moves past readings received at least ``settle`` seconds ago: on PostgreSQL two
ingesters can commit out of id order, and a reading whose id is below the cursor when it becomes
visible would never be rolled up. With batches that commit within a second, a minute is ample.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from .models import DailyRollup, DeadLetter, DeviceState, Reading, RollupCursor

#: The roll-ups' calendar: a day is a local day in Gimpo.
LOCAL_TZ = ZoneInfo("Asia/Seoul")
CURSOR_NAME = "daily"
#: Defaults of the settings of the same name (``settings.TELEMETRY_…`` overrides each).
DEFAULTS = {
    # 13 months (13 × 30.44 days, rounded up): a year of raw history plus the month being closed.
    "TELEMETRY_READING_RETENTION_DAYS": 396,
    "TELEMETRY_DEAD_LETTER_RETENTION_DAYS": 90,
    # A reading's state holds until the next reading, for at most this long (a silent device is not
    # counted as burning for ever). Devices report at least every few minutes (heartbeats).
    "TELEMETRY_ROLLUP_MAX_GAP_SECONDS": 15 * 60,
    "TELEMETRY_ROLLUP_SETTLE_SECONDS": 60,
}
_DEVICE_CHUNK = 400  # device ids per IN (...) list: well under SQLite's bound-parameter limit
_UPDATE_FIELDS = [
    f.name
    for f in DailyRollup._meta.concrete_fields
    if f.name not in ("id", "device_id", "day", "raw_pruned")
]


#: Called with the days whose roll-ups were just stored (see ``on_days_saved``).
_day_listeners: list[Callable[[set[date]], object]] = []


def on_days_saved(listener: Callable[[set[date]], object]) -> None:
    """Register ``listener(days)`` to run after every store of roll-ups (once per function)."""
    if listener not in _day_listeners:
        _day_listeners.append(listener)


def setting(name: str) -> int:
    value = getattr(settings, name, DEFAULTS[name])
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"설정 {name}={value!r}은(는) 0 이상의 정수여야 합니다.")
    return value


def max_gap() -> float:
    return float(setting("TELEMETRY_ROLLUP_MAX_GAP_SECONDS"))


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day, in UTC (24 h in Seoul, which has no daylight saving time)."""
    start = datetime.combine(day, time(0), tzinfo=LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class _Row:
    id: int
    ts: datetime
    lamp_on: bool
    power_w: float
    energy_wh: int
    faulty: bool
    simulated: bool


_ROW_FIELDS = ("id", "ts", "lamp_on", "power_w", "energy_wh", "faults", "simulated")


def _row(values: Sequence) -> _Row:
    rid, ts, lamp_on, power_w, energy_wh, faults, simulated = values
    return _Row(rid, ts, lamp_on, power_w, energy_wh, bool(faults), simulated)


@dataclass
class RollupReport:
    """What a roll-up run did."""

    readings: int = 0  # readings taken in
    merged: int = 0  # device-days extended in place (readings later than the day's last)
    recomputed: int = 0  # device-days computed from their raw rows (new day, or a late reading)
    relinked: int = 0  # device-days whose carry from the previous day changed
    final_skipped: int = 0  # readings of days whose raw rows are already pruned (roll-up is final)
    cursor: int = 0  # the reading id the cursor stands at afterwards


# --- the arithmetic of one device-day ---------------------------------------------------------------


def _start(device: str, day: date, first: _Row, now: datetime) -> DailyRollup:
    return DailyRollup(
        device_id=device,
        day=day,
        readings=1,
        first_ts=first.ts,
        last_ts=first.ts,
        first_energy_wh=first.energy_wh,
        last_energy_wh=first.energy_wh,
        last_lamp_on=first.lamp_on,
        last_faulty=first.faulty,
        energy_in_day_wh=0,
        carry_wh=0,
        energy_wh=0,
        meter_resets=0,
        head_burning_s=0.0,
        head_fault_s=0.0,
        closed_burning_s=0.0,
        closed_fault_s=0.0,
        burning_s=0.0,
        fault_s=0.0,
        power_min_w=first.power_w,
        power_max_w=first.power_w,
        power_sum_w=first.power_w,
        simulated=first.simulated,
        computed_at=now,
    )


def _extend(rollup: DailyRollup, rows: Iterable[_Row], gap: float) -> None:
    """Add readings later than ``rollup.last_ts``, in ``ts`` order."""
    for row in rows:
        held = min((row.ts - rollup.last_ts).total_seconds(), gap)
        if rollup.last_lamp_on:
            rollup.closed_burning_s += held
        if rollup.last_faulty:
            rollup.closed_fault_s += held
        step = row.energy_wh - rollup.last_energy_wh
        if step >= 0:
            rollup.energy_in_day_wh += step
        else:
            # The meter went back (replaced or reset): count nothing for this step, never a negative.
            rollup.meter_resets += 1
        rollup.readings += 1
        rollup.power_min_w = min(rollup.power_min_w, row.power_w)
        rollup.power_max_w = max(rollup.power_max_w, row.power_w)
        rollup.power_sum_w += row.power_w
        rollup.simulated = rollup.simulated or row.simulated
        rollup.last_ts = row.ts
        rollup.last_energy_wh = row.energy_wh
        rollup.last_lamp_on = row.lamp_on
        rollup.last_faulty = row.faulty


def _link(rollup: DailyRollup, previous: DailyRollup | None, gap: float) -> None:
    """Carry energy and held state over from the device's previous roll-up (any earlier day)."""
    if previous is None:
        rollup.carry_wh = 0
        rollup.head_burning_s = rollup.head_fault_s = 0.0
        return
    step = rollup.first_energy_wh - previous.last_energy_wh
    rollup.carry_wh = step if step >= 0 else 0
    day_start, _ = day_bounds(rollup.day)
    held_until = min(previous.last_ts + timedelta(seconds=gap), rollup.first_ts)
    head = max(0.0, (held_until - day_start).total_seconds())
    rollup.head_burning_s = head if previous.last_lamp_on else 0.0
    rollup.head_fault_s = head if previous.last_faulty else 0.0


def _finish(rollup: DailyRollup, gap: float, now: datetime) -> None:
    """Totals: energy with the carry; times with the head and the tail (held up to midnight)."""
    _, day_end = day_bounds(rollup.day)
    tail = max(0.0, min(gap, (day_end - rollup.last_ts).total_seconds()))
    rollup.energy_wh = rollup.energy_in_day_wh + rollup.carry_wh
    rollup.burning_s = rollup.head_burning_s + rollup.closed_burning_s + (tail if rollup.last_lamp_on else 0)
    rollup.fault_s = rollup.head_fault_s + rollup.closed_fault_s + (tail if rollup.last_faulty else 0)
    rollup.computed_at = now


def _compute(device: str, day: date, rows: Sequence[_Row], gap: float, now: datetime) -> DailyRollup:
    """A device-day from all its raw rows (sorted by ts), not yet linked to the previous day."""
    rollup = _start(device, day, rows[0], now)
    _extend(rollup, rows[1:], gap)
    return rollup


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _raw_rows(devices: Iterable[str], day: date, *, up_to_id: int | None = None) -> dict[str, list[_Row]]:
    """The raw rows of ``day`` for ``devices`` (with ids up to ``up_to_id``), per device, in ts order."""
    start, end = day_bounds(day)
    out: dict[str, list[_Row]] = defaultdict(list)
    for chunk in _chunks(sorted(devices), _DEVICE_CHUNK):
        qs = Reading.objects.filter(device_id__in=chunk, ts__gte=start, ts__lt=end)
        if up_to_id is not None:
            qs = qs.filter(id__lte=up_to_id)
        rows = qs.order_by("device_id", "ts", "id").values_list("device_id", *_ROW_FIELDS)
        for device, *values in rows:
            out[device].append(_row(values))
    return out


def _recompute(
    pairs: Iterable[tuple[str, date]], gap: float, now: datetime, up_to_id: int
) -> dict[tuple[str, date], DailyRollup]:
    """Device-days from their raw rows up to the cursor's new position: rows after it are added by
    the next batch (in place when they are later, as a live stream is), not read here again and again."""
    by_day: dict[date, set[str]] = defaultdict(set)
    for device, day in pairs:
        by_day[day].add(device)
    out = {}
    for day, devices in sorted(by_day.items()):
        for device, rows in _raw_rows(devices, day, up_to_id=up_to_id).items():
            out[(device, day)] = _compute(device, day, rows, gap, now)
    return out


def _relink(
    changed: dict[tuple[str, date], DailyRollup],
    fresh: set[tuple[str, date]],
    gap: float,
    now: datetime,
    report: RollupReport,
) -> list[DailyRollup]:
    """Link the ``fresh`` (recomputed) device-days, and every day after a changed one, to their
    previous roll-up; a day extended in place keeps its link unless the day before it changed.

    Returns the roll-ups to save: the changed ones and any later one whose carry moved. In the live
    steady state (today's rows extended) this reads nothing but an empty "day after" lookup.
    """
    if not changed:
        return []
    first_changed: dict[str, date] = {}
    last_changed: dict[str, date] = {}
    for device, day in changed:
        first_changed[device] = min(day, first_changed.get(device, day))
        last_changed[device] = max(day, last_changed.get(device, day))
    # Read from the day before a recomputed day (its predecessor), and between changed days.
    lows = [day - timedelta(days=1) for _, day in fresh] + [
        d + timedelta(days=1) for d in first_changed.values()
    ]
    window_start, window_end = min(lows), max(last_changed.values())
    rows: dict[str, dict[date, DailyRollup]] = defaultdict(dict)
    for chunk in _chunks(sorted(first_changed), _DEVICE_CHUNK):
        stored_rows: list[DailyRollup] = []
        if window_start <= window_end:
            stored_rows += DailyRollup.objects.filter(
                device_id__in=chunk, day__gte=window_start, day__lte=window_end
            )
        # The first roll-up after the window: its carry depends on the last changed day.
        following = dict(
            DailyRollup.objects.filter(device_id__in=chunk, day__gt=window_end)
            .values("device_id")
            .annotate(first=Min("day"))
            .values_list("device_id", "first")
            .order_by()
        )
        if following:
            stored_rows += [
                r
                for r in DailyRollup.objects.filter(
                    device_id__in=list(following), day__in=set(following.values())
                )
                if following[r.device_id] == r.day
            ]
        for stored in stored_rows:
            rows[stored.device_id][stored.day] = stored
    for (device, day), rollup in changed.items():
        rows[device][day] = rollup
    to_save = []
    for device, days in rows.items():
        previous: DailyRollup | None = None
        previous_changed = False
        for day, rollup in sorted(days.items()):
            pair = (device, day)
            moved = False
            if pair in fresh or previous_changed:
                if previous is None:
                    # The previous roll-up is older than what was read (the device was silent a while).
                    previous = (
                        DailyRollup.objects.filter(device_id=device, day__lt=day).order_by("-day").first()
                    )
                before = (rollup.carry_wh, rollup.head_burning_s, rollup.head_fault_s)
                _link(rollup, previous, gap)
                moved = before != (rollup.carry_wh, rollup.head_burning_s, rollup.head_fault_s)
            if pair in changed or moved:
                _finish(rollup, gap, now)
                to_save.append(rollup)
                if pair not in changed:
                    report.relinked += 1
            previous_changed = pair in changed
            previous = rollup
    return to_save


def _save(rollups: list[DailyRollup]) -> None:
    """Stored roll-ups are updated by id in one ``executemany`` (the ORM's bulk paths cost more than
    the roll-up itself here); new ones are upserted on (device_id, day)."""
    stored = sorted((r for r in rollups if r.pk is not None), key=lambda r: r.pk)
    if stored:
        fields = [cast(models.Field, DailyRollup._meta.get_field(name)) for name in _UPDATE_FIELDS]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        # Only our own column names, quoted; every value is a parameter.
        sql = f"UPDATE {quote(DailyRollup._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
        adapt = connection.ops.adapt_datetimefield_value
        names = [(f.attname, isinstance(f, models.DateTimeField)) for f in fields]
        params = [
            [adapt(getattr(r, name)) if is_time else getattr(r, name) for name, is_time in names] + [r.pk]
            for r in stored
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    new = sorted((r for r in rollups if r.pk is None), key=lambda r: (r.device_id, r.day))
    if new:
        DailyRollup.objects.bulk_create(
            new,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["device_id", "day"],
            update_fields=_UPDATE_FIELDS,
        )
    days = {r.day for r in rollups}
    if days:
        for listener in _day_listeners:
            listener(days)


def _apply(rows: Sequence[_Row], devices: Sequence[str], now: datetime, report: RollupReport) -> None:
    gap = max_gap()
    by_pair: dict[tuple[str, date], list[_Row]] = defaultdict(list)
    for device, row in zip(devices, rows, strict=True):
        by_pair[(device, local_day(row.ts))].append(row)
    existing: dict[tuple[str, date], DailyRollup] = {}
    for chunk in _chunks(sorted({d for d, _ in by_pair}), _DEVICE_CHUNK):
        days = {day for d, day in by_pair if d in chunk}
        for stored in DailyRollup.objects.filter(device_id__in=chunk, day__in=days):
            existing[(stored.device_id, stored.day)] = stored
    changed: dict[tuple[str, date], DailyRollup] = {}
    late: list[tuple[str, date]] = []
    for pair, new in by_pair.items():
        new.sort(key=lambda r: (r.ts, r.id))
        found = existing.get(pair)
        if found is not None and found.raw_pruned:
            report.final_skipped += len(new)
        elif found is not None and new[0].ts > found.last_ts:
            _extend(found, new, gap)
            changed[pair] = found
            report.merged += 1
        else:
            late.append(pair)
    recomputed = _recompute(late, gap, now, max(row.id for row in rows))
    report.recomputed += len(recomputed)
    for pair, rollup in recomputed.items():
        if pair in existing:
            rollup.pk = existing[pair].pk  # updated in place, not re-inserted
        changed[pair] = rollup
    _save(_relink(changed, set(recomputed), gap, now, report))


def _locked_cursor(now: datetime) -> RollupCursor:
    RollupCursor.objects.get_or_create(name=CURSOR_NAME, defaults={"updated_at": now})
    # One roll-up run at a time: extending a day in place must not happen twice for one reading.
    return RollupCursor.objects.select_for_update().get(name=CURSOR_NAME)


def rollup_recent(*, now: datetime | None = None, batch_size: int = 20_000) -> RollupReport:
    """Roll up the readings stored since the last run (received at least ``settle`` seconds before
    ``now``); cheap and idempotent, for a live runtime to call every ~30 s."""
    now = now or timezone.now()
    horizon = now - timedelta(seconds=setting("TELEMETRY_ROLLUP_SETTLE_SECONDS"))
    report = RollupReport()
    while True:
        with transaction.atomic():
            cursor = _locked_cursor(now)
            batch = list(
                Reading.objects.filter(id__gt=cursor.last_reading_id)
                .order_by("id")
                .values_list("device_id", "received_at", *_ROW_FIELDS)[:batch_size]
            )
            devices: list[str] = []
            rows: list[_Row] = []
            for device, received_at, *values in batch:
                if received_at > horizon:
                    break  # not settled yet: this one and everything after it wait for the next run
                devices.append(device)
                rows.append(_row(values))
            if rows:
                _apply(rows, devices, now, report)
                report.readings += len(rows)
                cursor.last_reading_id = rows[-1].id
                cursor.updated_at = now
                cursor.save(update_fields=["last_reading_id", "updated_at"])
            report.cursor = cursor.last_reading_id
        if len(rows) < batch_size:
            return report


def rollup_days(start: date, end: date, *, now: datetime | None = None) -> RollupReport:
    """Recompute the roll-ups of the local days ``start``..``end`` (inclusive) from the raw rows, one
    transaction a day. Days whose raw rows are pruned keep their final roll-up."""
    if end < start:
        raise ValueError(f"종료일 {end}이(가) 시작일 {start}보다 이릅니다.")
    now = now or timezone.now()
    gap = max_gap()
    report = RollupReport()
    devices = list(DeviceState.objects.order_by("device_id").values_list("device_id", flat=True))
    day = start
    while day <= end:
        with transaction.atomic():
            stored = dict(DailyRollup.objects.filter(day=day).values_list("device_id", "id"))
            final = set(
                DailyRollup.objects.filter(day=day, raw_pruned=True).values_list("device_id", flat=True)
            )
            changed = {}
            for device, rows in _raw_rows([d for d in devices if d not in final], day).items():
                rollup = _compute(device, day, rows, gap, now)
                rollup.pk = stored.get(device)
                changed[(device, day)] = rollup
                report.readings += len(rows)
            report.recomputed += len(changed)
            _save(_relink(changed, set(changed), gap, now, report))
        day += timedelta(days=1)
    cursor = RollupCursor.objects.filter(name=CURSOR_NAME).values_list("last_reading_id", flat=True)
    report.cursor = cursor.first() or 0
    return report


# --- retention ------------------------------------------------------------------------------------


@dataclass
class PruneReport:
    cutoff_day: date | None = None  # raw readings of days before this local day were eligible
    readings_deleted: int = 0
    device_days_pruned: int = 0
    device_days_kept: int = 0  # raw rows differ from the roll-up (late readings not rolled up yet)
    dead_letters_deleted: int = 0


def _positive_days(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}은(는) 1 이상의 정수(일)여야 합니다: {value!r}")
    return value


def readings_prune(
    *,
    older_than_days: int | None = None,
    dead_letter_days: int | None = None,
    now: datetime | None = None,
    chunk_size: int = 20_000,
) -> PruneReport:
    """Delete raw readings of local days older than ``older_than_days`` (default: the setting
    ``TELEMETRY_READING_RETENTION_DAYS``, 13 months) whose roll-up holds exactly those readings,
    about ``chunk_size`` readings per transaction; and dead letters older than ``dead_letter_days``
    (default 90). Readings of days without an up-to-date roll-up are kept."""
    now = now or timezone.now()
    keep_days = _positive_days(
        setting("TELEMETRY_READING_RETENTION_DAYS") if older_than_days is None else older_than_days,
        "원시 측정값 보관 기간",
    )
    letter_days = _positive_days(
        setting("TELEMETRY_DEAD_LETTER_RETENTION_DAYS") if dead_letter_days is None else dead_letter_days,
        "거부된 메시지 보관 기간",
    )
    chunk_size = _positive_days(chunk_size, "chunk_size")
    report = PruneReport(cutoff_day=local_day(now) - timedelta(days=keep_days))
    days = (
        DailyRollup.objects.filter(raw_pruned=False, day__lt=report.cutoff_day)
        .order_by("day")
        .values_list("day", flat=True)
        .distinct()
    )
    for day in list(days):
        rollups = list(
            DailyRollup.objects.filter(raw_pruned=False, day=day)
            .order_by("device_id")
            .values_list("id", "device_id", "readings")
        )
        group: list[tuple[int, str, int]] = []
        size = 0
        for item in rollups:
            group.append(item)
            size += item[2]
            if size >= chunk_size:
                _prune_group(day, group, report)
                group, size = [], 0
        if group:
            _prune_group(day, group, report)
    cutoff = now - timedelta(days=letter_days)
    while True:
        with transaction.atomic():
            ids = list(
                DeadLetter.objects.filter(received_at__lt=cutoff)
                .order_by("received_at", "id")
                .values_list("id", flat=True)[:chunk_size]
            )
            if not ids:
                break
            report.dead_letters_deleted += DeadLetter.objects.filter(id__in=ids).delete()[0]
    return report


def _prune_group(day: date, group: list[tuple[int, str, int]], report: PruneReport) -> None:
    start, end = day_bounds(day)
    with transaction.atomic():
        raw = {
            device: (n, top)
            for device, n, top in Reading.objects.filter(
                device_id__in=[device for _, device, _ in group], ts__gte=start, ts__lt=end
            )
            .values("device_id")
            .annotate(n=Count("id"), top=Max("id"))
            .values_list("device_id", "n", "top")
            .order_by()
        }
        done = [(rid, device) for rid, device, readings in group if raw.get(device, (0, 0))[0] == readings]
        report.device_days_kept += len(group) - len(done)
        if not done:
            return
        devices = [device for _, device in done if device in raw]
        expected = sum(raw[device][0] for device in devices)
        top = max((raw[device][1] for device in devices), default=0)
        deleted = 0
        if devices:
            # Only the rows counted above: a reading stored meanwhile (higher id) is not rolled up.
            deleted = Reading.objects.filter(
                device_id__in=devices, ts__gte=start, ts__lt=end, id__lte=top
            ).delete()[0]
        if deleted != expected:
            raise RuntimeError(f"{day}: 삭제한 측정값 {deleted}건이 집계의 {expected}건과 다릅니다.")
        DailyRollup.objects.filter(id__in=[rid for rid, _ in done]).update(raw_pruned=True)
        report.readings_deleted += deleted
        report.device_days_pruned += len(done)


@dataclass
class DayTotals:
    """One local day of a set of devices: how many reported, the energy they used, how many of them
    with simulated data, and the span the readings cover (earliest first / latest last reading)."""

    devices: int
    energy_wh: int
    simulated: int
    first_ts: datetime
    last_ts: datetime


def rollups_by_day(device_ids: Iterable[str], first: date, last: date) -> dict[date, DayTotals]:
    """Per local day in [first, last], summed over ``device_ids`` (for the energy report)."""
    out: dict[date, DayTotals] = {}
    for chunk in _chunks(sorted(set(device_ids)), _DEVICE_CHUNK):
        rows = (
            DailyRollup.objects.filter(device_id__in=chunk, day__gte=first, day__lte=last)
            .values("day")
            .annotate(
                n=Count("day"),  # columns of the covering index only (not "id")
                wh=Sum("energy_wh"),
                sim=Count("day", filter=Q(simulated=True)),
                start=Min("first_ts"),
                end=Max("last_ts"),
            )
            .values_list("day", "n", "wh", "sim", "start", "end")
            .order_by()
        )
        for day, n, wh, sim, start, end in rows:
            totals = out.get(day)
            if totals is None:
                out[day] = DayTotals(n, wh or 0, sim, start, end)
                continue
            totals.devices += n
            totals.energy_wh += wh or 0
            totals.simulated += sim
            totals.first_ts, totals.last_ts = min(totals.first_ts, start), max(totals.last_ts, end)
    return dict(sorted(out.items()))
