"""Synthetic data for measuring with N times the loaded plan (``cityhall bench pages|api --scale N``).

On a database holding the demo (``cityhall demo --no-serve``: the Gimpo plan and its samples), scale N
adds:

- N - 1 copies of the office's departments and teams with their positions, people, core tasks,
  work-plan tasks (items, milestones, owners, partners), achievements, figures, programs (funding
  shares), committees, facilities (equipment) and pledges (milestones, cooperating departments). A
  copy is a *synthetic department* whose names start with ``합성 k`` and codes end in ``-syn-k``; its
  programs, achievements and figures are dated k years earlier (further plan years);
- pledge check-in rounds: four quarters a year for N years, with a check-in of every pledge of the
  office in the rounds of the current year and of the original pledges in earlier years;
- repair orders (``REPAIR_ORDERS_PER_YEAR`` a year for N years, numbered ``SYN-YYYY-NNNNN``, closed but
  for the last few, marked 모의 like the simulator's);
- audit history: one ``create`` event for every record made here (actor ``synthetic``), three for
  every repair order (opened, assigned, closed);
- telemetry roll-ups: one ``DailyRollup`` per light and day for the year up to yesterday (모의), at
  every scale: the energy report shows one year, and millions of older rows would only make the
  generation slow; and the energy report's per-site daily totals of those days (``SiteEnergyDay``,
  upserted in bulk by ``streetlights.energy.daily.refresh_days``, as the roll-up job keeps them).

Everything is written in bulk (``bulk_create``; PostgreSQL ``COPY`` for the roll-ups and audit events)
and labelled, so it cannot be mistaken for the plan: names start with 합성, repair orders and roll-ups
carry ``simulated``, pledges ``sample`` (예시). Run it once, on a database nothing else writes to:

    python -m benchmarks.synthetic --scale N
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LABEL = "합성"  # synthetic: not from the document, not a sample a person would read as real
ACTOR = "synthetic"
SEED = 20251  # the data is the same on every run and database
REPAIR_ORDERS_PER_YEAR = 300
OPEN_REPAIR_ORDERS_PER_YEAR = 3
ROUNDS_PER_YEAR = 4
BATCH = 2000


def _models():
    """(model, queryset of the originals) in an order where every parent comes before its children."""
    from cityhall.budget.models import FundingShare, Program
    from cityhall.committees.models import Committee
    from cityhall.facilities.models import Equipment, Facility
    from cityhall.organisation.models import OrgUnit, Person, Position
    from cityhall.plans.models import (
        Achievement,
        AchievementItem,
        CoreTask,
        Figure,
        Milestone,
        TaskItem,
        TaskOwner,
        TaskPartner,
        WorkPlanTask,
    )
    from cityhall.pledges.models import Pledge, PledgeMilestone

    units = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM])
    return [
        (OrgUnit, units.order_by("kind", "pk")),  # departments before teams ("department" < "team")
        (Position, Position.objects.all()),
        (Person, Person.objects.all()),
        (CoreTask, CoreTask.objects.all()),
        (WorkPlanTask, WorkPlanTask.objects.all()),
        (TaskItem, TaskItem.objects.all()),
        (Milestone, Milestone.objects.all()),
        (TaskOwner, TaskOwner.objects.all()),
        (TaskPartner, TaskPartner.objects.all()),
        (Achievement, Achievement.objects.all()),
        (AchievementItem, AchievementItem.objects.all()),
        (Figure, Figure.objects.all()),
        (Program, Program.objects.all()),
        (FundingShare, FundingShare.objects.all()),
        (Committee, Committee.objects.all()),
        (Facility, Facility.objects.all()),
        (Equipment, Equipment.objects.all()),
        (Pledge, Pledge.objects.all()),
        (PledgeMilestone, PledgeMilestone.objects.all()),
    ]


LABELLED = ("name", "title", "text")  # the first of these a model has carries the label


def _label(k: int, value: str, limit: int | None) -> str:
    text = f"{LABEL} {k} {value}"
    return text[:limit] if limit else text


def _clone_rows(model, originals: Sequence[Any], k: int, ids: dict, offsets: dict) -> list[Any]:
    """Copy ``k`` of ``originals``: relations to copied records point at their copy ``k``; unique
    codes get a suffix, unique numbers an offset, years go back ``k`` years, names get the label."""
    from django.db import models

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    label_field = next((f for f in fields if f.name in LABELLED), None)
    rows = []
    for original in originals:
        copy = model()
        for f in fields:
            value = getattr(original, f.attname)
            if f.is_relation:
                if value is not None and f.related_model is model:
                    value = None if value in ids[model] else value  # a copied parent: set later
                elif value is not None and f.one_to_one:
                    value = None  # not copied (a person's login)
                elif value is not None and f.related_model in ids and value in ids[f.related_model]:
                    value = ids[f.related_model][value][k - 1]
            elif f is label_field and value:
                value = _label(k, value, f.max_length)
            elif f.unique and isinstance(f, models.CharField):
                value = f"{value}-syn-{k}"
            elif f.unique and isinstance(f, models.IntegerField) and value is not None:
                value = value + k * offsets[model, f.name]
            elif f.name == "year" and value is not None:
                value = value - k
            setattr(copy, f.attname, value)
        rows.append(copy)
    return rows


def clone_office(copies: int) -> dict[type, dict[int, list[int]]]:
    """Bulk-create ``copies`` synthetic copies of the office's records; returns, per model, original
    id → the ids of its copies 1..copies."""
    from django.db import models

    ids: dict[type, dict[int, list[int]]] = {}
    for model, queryset in _models():
        originals = list(queryset.order_by("pk"))
        offsets = {}
        for f in model._meta.concrete_fields:
            if f.unique and not f.primary_key and isinstance(f, models.IntegerField):
                top = max((getattr(o, f.attname) or 0 for o in originals), default=0)
                offsets[model, f.name] = top + 1
        self_refs = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]
        ids[model] = {o.pk: [] for o in originals}
        for k in range(1, copies + 1):
            made = model.objects.bulk_create(_clone_rows(model, originals, k, ids, offsets), batch_size=500)
            for original, copy in zip(originals, made, strict=True):
                ids[model][original.pk].append(copy.pk)
        if self_refs:  # now that every copy has an id, point copies at their parents' copies
            changed = []
            for original in originals:
                for f in self_refs:
                    parent = getattr(original, f.attname)
                    if parent is None or parent not in ids[model]:
                        continue
                    for k in range(1, copies + 1):
                        copy = model(pk=ids[model][original.pk][k - 1])
                        setattr(copy, f.attname, ids[model][parent][k - 1])
                        changed.append(copy)
            model.objects.bulk_update(changed, [f.name for f in self_refs], batch_size=500)
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            links = list(through.objects.filter(**{f"{source}__in": ids[model]}).values_list(source, target))
            target_ids = ids.get(m2m.related_model, {})
            made_links = [
                through(
                    **{
                        f"{source}_id": ids[model][a][k - 1],
                        f"{target}_id": target_ids[b][k - 1] if b in target_ids else b,
                    }
                )
                for a, b in links
                for k in range(1, copies + 1)
            ]
            through.objects.bulk_create(made_links, batch_size=500)
    return ids


def checkins(years: int, this_year: int) -> tuple[list[Any], list[Any]]:
    """Four rounds a year for ``years`` years (the latest open): every pledge is checked in the
    current year, the original (non-synthetic) pledges in earlier years too."""
    from cityhall.pledges.models import CheckinRound, Pledge, PledgeCheckin, Status

    rng = random.Random(SEED)
    taken = set(CheckinRound.objects.values_list("year", "quarter"))
    rounds = []
    for y in range(years):
        year = this_year - y
        for quarter in range(1, ROUNDS_PER_YEAR + 1):
            if (year, quarter) in taken:
                continue
            opened = date(year, 3 * quarter - 2, 1)
            rounds.append(
                CheckinRound(
                    code=f"syn-{year}-q{quarter}",
                    year=year,
                    quarter=quarter,
                    opened_on=opened,
                    closes_on=opened + timedelta(days=20),
                    state=CheckinRound.State.CLOSED,
                    closed_at=datetime(year, 3 * quarter - 2, 22, tzinfo=UTC),
                )
            )
    if rounds:
        latest = max(rounds, key=lambda r: (r.year, r.quarter))
        for r in rounds:
            r.state = CheckinRound.State.OPEN if r is latest else CheckinRound.State.CLOSED
            r.closed_at = None if r is latest else r.closed_at
    rounds = CheckinRound.objects.bulk_create(rounds, batch_size=500)
    every = list(Pledge.objects.values_list("pk", "code"))
    original = [pk for pk, code in every if "-syn-" not in code]
    statuses = [Status.ON_TRACK, Status.ON_TRACK, Status.DUE_THIS_YEAR, Status.COMPLETED]
    made = []
    for r in rounds:
        pledges = [pk for pk, _ in every] if r.year == this_year else original
        submitted = datetime(r.year, r.opened_on.month, r.opened_on.day, 9, tzinfo=UTC) + timedelta(days=5)
        for pk in pledges:
            made.append(
                PledgeCheckin(
                    round=r,
                    pledge_id=pk,
                    status=rng.choice(statuses),
                    progress=rng.randint(0, 100),
                    evidence=f"{LABEL} 추진실적",
                    submitted_at=submitted,
                    review=PledgeCheckin.Review.ACCEPTED,
                    reviewed_at=submitted + timedelta(days=3),
                )
            )
    return rounds, PledgeCheckin.objects.bulk_create(made, batch_size=BATCH)


def repair_orders(years: int, today: date) -> list[Any]:
    """``REPAIR_ORDERS_PER_YEAR`` orders a year for ``years`` years back from ``today``, closed but for
    ``OPEN_REPAIR_ORDERS_PER_YEAR`` a year (each on a light of its own, one open order per light)."""
    from cityhall.streetlights.choices import FaultKind, RepairStatus
    from cityhall.streetlights.models import RepairOrder, Streetlight

    rng = random.Random(SEED + 1)
    lights = list(Streetlight.objects.order_by("pk").values_list("pk", "site_id"))
    busy = set(RepairOrder.objects.exclude(status=RepairStatus.CLOSED).values_list("light_id", flat=True))
    free = [light for light in lights if light[0] not in busy]
    kinds = [FaultKind.LAMP_FAILURE, FaultKind.LIGHT_OFFLINE, FaultKind.ABNORMAL_POWER, FaultKind.FLICKER]
    end = datetime(today.year, today.month, today.day, tzinfo=UTC)
    made = []
    for y in range(years):
        for i in range(REPAIR_ORDERS_PER_YEAR):
            opened = end - timedelta(days=365 * y + rng.uniform(1, 365))
            still_open = i < OPEN_REPAIR_ORDERS_PER_YEAR and free
            light, site = free.pop() if still_open else rng.choice(lights)
            made.append(
                RepairOrder(
                    number=f"SYN-{opened.year}-{y:02d}{i:03d}",
                    kind=rng.choice(kinds),
                    site_id=site,
                    light_id=light,
                    status=RepairStatus.OPEN if still_open else RepairStatus.CLOSED,
                    detail=f"{LABEL} 보수 요청",
                    simulated=True,
                    opened_at=opened,
                    due_at=opened + timedelta(hours=48),
                    contractor="" if still_open else f"{LABEL} 유지보수",
                    assigned_at=None if still_open else opened + timedelta(hours=2),
                    closed_at=None if still_open else opened + timedelta(hours=rng.uniform(4, 72)),
                    resolution="" if still_open else f"{LABEL} 조치 완료",
                )
            )
    return RepairOrder.objects.bulk_create(made, batch_size=BATCH)


def rollup_rows(device_ids: Iterable[str], days: int, today: date, now: datetime) -> Iterable[tuple]:
    """One roll-up per device and day for ``days`` days up to yesterday: ~11 h lit at ~70 W."""
    rng = random.Random(SEED + 2)
    seoul = ZoneInfo("Asia/Seoul")  # roll-up days are Seoul days
    first = today - timedelta(days=days)
    dates = [first + timedelta(days=d) for d in range(days)]
    # a reading every 15 minutes, the first at 00:07 and the last at 23:52 (Seoul)
    starts = [datetime(x.year, x.month, x.day, 0, 7, tzinfo=seoul).astimezone(UTC) for x in dates]
    spans = [(start, start + timedelta(minutes=15 * 95)) for start in starts]
    for device in device_ids:
        meter = rng.randint(0, 10_000)
        for d in range(days):
            first_ts, last_ts = spans[d]
            burning = 39_600.0 + rng.uniform(-3600, 3600)
            energy = int(burning / 3600 * 70)
            faulty = rng.random() < 0.002
            yield (
                device, dates[d], 96,
                first_ts, last_ts, meter, meter + energy, True, faulty, energy, 0, energy, 0,
                0.0, 0.0, burning, 0.0, burning, 900.0 if faulty else 0.0,
                0.0, 100.0, 70.0 * 96, True, False, now,
            )  # fmt: skip
            meter += energy


ROLLUP_COLUMNS = (
    "device_id", "day", "readings", "first_ts", "last_ts", "first_energy_wh", "last_energy_wh",
    "last_lamp_on", "last_faulty", "energy_in_day_wh", "carry_wh", "energy_wh", "meter_resets",
    "head_burning_s", "head_fault_s", "closed_burning_s", "closed_fault_s", "burning_s", "fault_s",
    "power_min_w", "power_max_w", "power_sum_w", "simulated", "raw_pruned", "computed_at",
)  # fmt: skip
AUDIT_COLUMNS = ("timestamp", "actor", "action", "record_type", "record_id", "record_repr", "after")


def insert(model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Plain rows into ``model``'s table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere (no model
    instances: at millions of rows building them would cost more than writing)."""
    from django.db import connection, models

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - our own table and column names
        # Dates and times as the backend stores them (what the ORM would send).
        fields = [model._meta.get_field(c) for c in columns]
        dated = [i for i, f in enumerate(fields) if isinstance(f, models.DateField)]
        adapted: dict[tuple[int, Any], Any] = {}  # few distinct days and times, many rows

        def adapt(i: int, value: Any) -> Any:
            if (i, value) not in adapted:
                adapted[i, value] = fields[i].get_db_prep_value(value, connection)
            return adapted[i, value]

        batch: list[tuple] = []
        for row in rows:
            if dated:
                row = list(row)
                for i in dated:
                    row[i] = adapt(i, row[i])
            batch.append(tuple(row))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def audit_rows(made: dict[str, list[Any]], now: datetime) -> Iterable[tuple]:
    """A ``create`` event per record made here; opened/assigned/closed for a closed repair order."""
    from cityhall.core.records import is_registered, record_type_for

    for objs in made.values():
        if not objs or not is_registered(type(objs[0])):
            continue
        rtype = record_type_for(objs[0])
        for obj in objs:
            # A name the record carries itself (str() of some records asks for their parents).
            label = next(
                (getattr(obj, a) for a in ("number", "code", "name", "title") if getattr(obj, a, None)),
                obj.pk,
            )
            text = f"{label}"[:200]
            when = getattr(obj, "opened_at", None) or getattr(obj, "submitted_at", None) or now
            after = json.dumps({"synthetic": True})
            yield (when, ACTOR, "create", rtype.name, obj.pk, text, after)
            if getattr(obj, "assigned_at", None) and getattr(obj, "closed_at", None):
                assigned = json.dumps({"status": "assigned"})
                closed = json.dumps({"status": "closed"})
                yield (obj.assigned_at, ACTOR, "update", rtype.name, obj.pk, text, assigned)
                yield (obj.closed_at, ACTOR, "update", rtype.name, obj.pk, text, closed)


def generate(scale: int, *, today: date | None = None, rollup_days: int = 365) -> dict[str, int]:
    """Add the synthetic data of ``scale`` (see the module's docstring); returns rows made per kind.
    ``rollup_days``: days of roll-ups per light (a year; fewer keeps a test quick)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cityhall.core.models import AuditEvent
    from cityhall.streetlights.energy.daily import refresh_days
    from cityhall.streetlights.models import Streetlight
    from cityhall.telemetry.models import DailyRollup

    if scale < 1:
        raise ValueError("scale must be at least 1")
    now = timezone.now()
    today = today or timezone.localdate(now)
    counts: dict[str, int] = {}
    with transaction.atomic():
        ids = clone_office(scale - 1)
        made: dict[str, list[Any]] = {}
        for model, by_original in ids.items():
            copies = [pk for pks in by_original.values() for pk in pks]
            made[model._meta.label] = list(model.objects.filter(pk__in=copies)) if copies else []
            counts[model._meta.label] = len(copies)
        rounds, checkins_made = checkins(scale, today.year)
        made["pledges.CheckinRound"] = rounds
        made["pledges.PledgeCheckin"] = checkins_made
        made["streetlights.RepairOrder"] = repair_orders(scale, today)
        for key in ("pledges.CheckinRound", "pledges.PledgeCheckin", "streetlights.RepairOrder"):
            counts[key] = len(made[key])
        counts["core.AuditEvent"] = insert(AuditEvent, AUDIT_COLUMNS, audit_rows(made, now))
        devices = Streetlight.objects.order_by("code").values_list("code", flat=True)
        rows = rollup_rows(list(devices), rollup_days, today, now)
        counts["telemetry.DailyRollup"] = insert(DailyRollup, ROLLUP_COLUMNS, rows)
        # The energy report's per-site daily totals, as the roll-up job keeps them (bulk upserts).
        first = today - timedelta(days=rollup_days)
        counts["streetlights.SiteEnergyDay"] = refresh_days(
            first + timedelta(days=d) for d in range(rollup_days)
        )
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # What autovacuum would soon do: the planner sees the tables as they now are.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synthetic", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--scale", type=int, required=True, help="N times the loaded plan (1: roll-ups etc. only)"
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    t = time.perf_counter()
    counts = generate(args.scale)
    total = sum(counts.values())
    print(f"{total:,} synthetic rows in {time.perf_counter() - t:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
