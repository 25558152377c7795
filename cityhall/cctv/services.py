"""Writes of the control centre: the sample registry, the triage of analytics events (batch, as the
JetStream worker and the webhook call it) and the operators' actions on the wall.

Operator actions check ``cctv_operations`` (editors and managers of 스마트도시과, office-wide roles),
validate first, and are audited. Events themselves are field data and are not audited one by one.
"""

from __future__ import annotations

import contextlib
import time as clock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import msgspec
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.permissions import has_permission
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.telemetry import services as telemetry
from cityhall.telemetry.validation import Rejection

from . import samples, triage, video
from .choices import (
    AUDIT_ACKNOWLEDGE,
    AUDIT_DISMISS,
    AUDIT_ESCALATE,
    AUDIT_VIDEO_DECIDE,
    AUDIT_VIDEO_HANDOVER,
    Analytics,
    CameraStatus,
    DismissReason,
    EventStatus,
    HandoverMethod,
    Requester,
    VideoStatus,
)
from .models import (
    AnalyticsServer,
    Camera,
    CameraRate,
    CameraSite,
    CandidateSite,
    Event,
    PoliceRequest,
    Suppression,
    VideoHandover,
    VideoRequest,
)
from .selectors import CCTV_OPERATIONS, smart_city_department_id

SUBJECT = "cctv.events"  # the stream subject (and the dead letters' 'topic')
NOTE_MAX = 500
STATION_MAX = 100


# -- the sample registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    sites: int
    cameras: int
    servers: int
    created: bool


@transaction.atomic
def registry_build_samples(*, actor: audit.Actor) -> BuildResult:
    """Sites, cameras and analytics servers reproducing the seed's counts (``samples``), labelled 예시.
    Idempotent: a registry that already has cameras is left as it is."""
    if Camera.objects.exists():
        return BuildResult(
            CameraSite.objects.count(), Camera.objects.count(), AnalyticsServer.objects.count(), False
        )
    department = smart_city_department_id()
    if department is None:
        raise RecordInvalid(
            _("스마트도시과(smart-city)가 없어 CCTV 대장을 만들 수 없습니다. 먼저 계획을 불러오세요.")
        )
    servers = AnalyticsServer.objects.bulk_create(
        AnalyticsServer(
            code=f"VA-{n + 1:02d}",
            name=f"영상분석 서버 {n + 1}",
            capacity=samples.LICENCES // samples.SERVERS,
            sample=True,
            section=samples.SECTION,
            line=samples.LINE_SERVERS,
        )
        for n in range(samples.SERVERS)
    )
    site_rows = samples.sites()
    sites = CameraSite.objects.bulk_create(
        CameraSite(
            code=s.code,
            name=s.name,
            org_unit_id=department,
            purpose=s.purpose,
            risk=s.risk,
            lat=s.lat,
            lon=s.lon,
            program=s.program,
            sample=True,
            section=samples.SECTION,
            line=s.line,
        )
        for s in site_rows
    )
    cameras: list[Camera] = []
    licensed = 0
    for site, seed in zip(sites, site_rows, strict=True):
        for k in range(seed.cameras):
            n = len(cameras)
            analytics, licence, server, lines = Analytics.NONE, "", None, {}
            # Every 5th monitored camera (one per site) holds a licence, until the 1,400 are used up.
            if not seed.planned and k == 0 and licensed < samples.LICENCES:
                if licensed < samples.INTELLIGENT:
                    analytics, licence = Analytics.INTELLIGENT, f"INT-{licensed + 1:04d}"
                    lines = {"analytics": samples.LINE_INTELLIGENT, "server": samples.LINE_SERVERS}
                else:
                    analytics = Analytics.SELECTIVE
                    licence = f"SEL-{licensed - samples.INTELLIGENT + 1:04d}"
                    lines = {"analytics": samples.LINE_SELECTIVE, "server": samples.LINE_SERVERS}
                server = servers[licensed // (samples.LICENCES // samples.SERVERS)]
                licensed += 1
            cameras.append(
                Camera(
                    code=f"CAM-{n + 1:05d}",
                    site=site,
                    purpose=seed.purpose,
                    installed_year=2025 if seed.planned else 2010 + (n * 7) % 15,
                    analytics=analytics,
                    licence=licence,
                    server=server,
                    status=CameraStatus.PLANNED if seed.planned else CameraStatus.ACTIVE,
                    lat=seed.lat + (k - 2) * samples.Decimal("0.000150"),
                    lon=seed.lon + (k - 2) * samples.Decimal("0.000150"),
                    heading=(k * 72 + n * 13) % 360,
                    fov=90,
                    range_m=50,
                    sample=True,
                    section=samples.SECTION,
                    line=seed.line,
                    lines=lines,
                )
            )
    Camera.objects.bulk_create(cameras, batch_size=1000)
    rtypes = {m: record_type_for(m) for m in (AnalyticsServer, CameraSite, Camera)}
    saved = list(AnalyticsServer.objects.all()) + list(CameraSite.objects.all())
    saved += list(Camera.objects.select_related("site", "server"))
    audit.record_many(
        audit.event(actor, "create", rtypes[type(o)], o, after=rtypes[type(o)].to_data(o)) for o in saved
    )
    return BuildResult(len(sites), len(cameras), len(servers), True)


# -- triage --------------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """One event as it arrived: its bytes and when (epoch seconds, the intake's clock)."""

    payload: bytes
    received_at: float


@dataclass
class TriageReport:
    stored: int = 0
    duplicates: int = 0  # already in the database (a redelivery, or the same event sent twice)
    rejected: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    stored_ids: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # committed − received, s, stored events
    problems: list[tuple[int, triage.Problem]] = field(default_factory=list)  # (index, problem)


class TriageContext:
    """What triage needs from the registry, read once and refreshed every ``ttl`` seconds: cameras by
    code with their site's risk, and the suppression rules. Holds the per-camera rate limiter.

    The buckets live in the database (``CameraRate``). Shared (the default: the in-process webhook,
    any number of web processes): each batch locks and reads its cameras' buckets and writes them
    back in its transaction. ``exclusive``: this process alone receives its cameras' events (a
    triage worker of one stream partition), so the buckets stay in memory, read from the database
    once and written back every ``snapshot_s`` seconds with a batch, for the worker started in its
    place. A worker that dies loses at most that long of its limiter's memory: its cameras' events
    are then limited a little less, never lost."""

    def __init__(
        self,
        *,
        ttl: float = 30.0,
        limiter: triage.RateLimiter | None = None,
        exclusive: bool = False,
        snapshot_s: float = 5.0,
    ) -> None:
        self.ttl = ttl
        self.limiter = limiter or triage.RateLimiter()
        self.exclusive = exclusive
        self.snapshot_s = snapshot_s
        self._loaded = -1e18
        self._buckets_loaded = False
        self._dirty: set[int] = set()
        self._snapshot_at = clock.monotonic()
        self.cameras: dict[str, triage.CameraInfo] = {}
        self.rules: list[triage.SuppressionRule] = []

    def refresh(self, force: bool = False) -> None:
        now = clock.monotonic()
        if not force and now - self._loaded < self.ttl:
            return
        rows = Camera.objects.values_list("code", "id", "site_id", "site__risk", "status")
        self.cameras = {
            code: triage.CameraInfo(pk, site, risk, status in (CameraStatus.ACTIVE, CameraStatus.FAULT))
            for code, pk, site, risk, status in rows
        }
        self.rules = [
            triage.SuppressionRule(
                id=s.pk,
                camera_id=s.camera_id,
                site_id=s.site_id,
                rule=s.rule,
                kinds=frozenset(s.kinds or ()),
                start=s.start,
                end=s.end,
                valid_until=s.valid_until,
                reason=s.reason,
            )
            for s in Suppression.objects.all()
        ]
        self._loaded = now

    def limiter_for(self, camera_ids: set[int]) -> triage.RateLimiter:
        """A limiter for one batch with the stored buckets of its cameras (call inside the batch's
        transaction; on PostgreSQL the rows stay locked until it commits, taken in camera order).
        Exclusive: the one in memory."""
        if self.exclusive:
            if not self._buckets_loaded:
                rows = CameraRate.objects.values_list("camera_id", "tokens", "updated")
                self.limiter._buckets.update((cam, (tokens, at)) for cam, tokens, at in rows)
                self._buckets_loaded = True
            self._dirty |= camera_ids
            return self.limiter
        limiter = triage.RateLimiter(per_minute=self.limiter.per_minute, burst=self.limiter.burst)
        if not camera_ids:
            return limiter
        ids = sorted(camera_ids)
        ops = connection.ops
        table = ops.quote_name(CameraRate._meta.db_table)
        cursor, p = _raw_cursor()
        if connection.vendor == "postgresql":
            where, params, lock = f"camera_id = ANY({p})", [ids], " FOR UPDATE"
        else:  # one writer at a time: the transaction already holds SQLite's write lock (IMMEDIATE)
            where, params, lock = f"camera_id IN ({', '.join([p] * len(ids))})", ids, ""
        with contextlib.closing(cursor):
            # Rows for cameras seen for the first time, full buckets: a row that does not exist yet
            # cannot be locked, so two workers would both start from a full bucket. The insert waits
            # for another transaction inserting the same camera, then does nothing.
            head = f"INSERT INTO {table} (camera_id, tokens, updated) "  # noqa: S608
            if connection.vendor == "postgresql":  # sorted: concurrent inserts wait in one order
                fill = f"{head}SELECT c, %s, 0 FROM unnest(%s::bigint[]) AS u(c) ORDER BY c "  # noqa: S608
                cursor.execute(fill + "ON CONFLICT (camera_id) DO NOTHING", [float(limiter.burst), ids])
            for i in range(0, len(ids) if connection.vendor != "postgresql" else 0, INSERT_CHUNK):
                chunk = ids[i : i + INSERT_CHUNK]
                values = ", ".join([f"({p}, {p}, 0)"] * len(chunk))
                cursor.execute(
                    f"{head}VALUES {values} ON CONFLICT (camera_id) DO NOTHING",
                    [value for cam in chunk for value in (cam, float(limiter.burst))],
                )
            query = f"SELECT camera_id, tokens, updated FROM {table} WHERE {where} ORDER BY camera_id"  # noqa: S608
            cursor.execute(query + lock, params)
            limiter._buckets = {cam: (tokens, at) for cam, tokens, at in cursor.fetchall()}
        return limiter

    def limiter_save(self, limiter: triage.RateLimiter) -> None:
        """Store the batch's buckets back: one upsert per ``INSERT_CHUNK`` cameras. Exclusive: the
        buckets changed since the last snapshot, when one is due (forgotten once it commits)."""
        if self.exclusive:
            if clock.monotonic() - self._snapshot_at < self.snapshot_s:
                return
            written = set(self._dirty)
            buckets = [(cam, *limiter._buckets[cam]) for cam in written if cam in limiter._buckets]

            def snapshot_committed() -> None:
                self._dirty -= written
                self._snapshot_at = clock.monotonic()

            transaction.on_commit(snapshot_committed)
        else:
            buckets = [(cam, tokens, at) for cam, (tokens, at) in limiter._buckets.items()]
        if not buckets:
            return
        ops = connection.ops
        table = ops.quote_name(CameraRate._meta.db_table)
        cam, tokens, updated = (ops.quote_name(c) for c in ("camera_id", "tokens", "updated"))
        cursor, p = _raw_cursor()
        update = (
            f"ON CONFLICT ({cam}) DO UPDATE SET {tokens} = excluded.{tokens}, {updated} = excluded.{updated}"
        )
        with contextlib.closing(cursor):
            if connection.vendor == "postgresql":
                cams, levels, times = (list(c) for c in zip(*buckets, strict=True))
                head = f"INSERT INTO {table} ({cam}, {tokens}, {updated}) SELECT * FROM "  # noqa: S608
                cursor.execute(
                    f"{head}unnest(%s::bigint[], %s::float8[], %s::float8[]) {update}", [cams, levels, times]
                )
                return
            for i in range(0, len(buckets), INSERT_CHUNK):
                chunk = buckets[i : i + INSERT_CHUNK]
                values = ", ".join([f"({p}, {p}, {p})"] * len(chunk))
                head = f"INSERT INTO {table} ({cam}, {tokens}, {updated}) VALUES "  # noqa: S608
                cursor.execute(f"{head}{values} {update}", [value for row in chunk for value in row])


def _reason_rows(
    result: triage.Severity, suppressed: triage.SuppressionRule | None, throttled: str | None
) -> list:
    rows = [r.as_dict() for r in result.reasons]
    if suppressed is not None:
        rows.append({"factor": "suppressed", "label": suppressed.reason, "points": 0})
    if throttled:
        rows.append({"factor": "throttled", "label": throttled, "points": 0})
    return rows


def events_check(items: Sequence[Incoming], context: TriageContext, now: datetime | None = None):
    """Decode and check each event: (index, WireEvent, CameraInfo) for the good ones, (index, Problem)
    for the others."""
    context.refresh()
    now = now or timezone.now()
    good, bad = [], []
    for index, item in enumerate(items):
        decoded = triage.decode(item.payload)
        if isinstance(decoded, triage.Problem):
            bad.append((index, decoded))
            continue
        camera = triage.check(decoded, context.cameras, now)
        if isinstance(camera, triage.Problem):
            bad.append((index, camera))
            continue
        good.append((index, decoded, camera))
    return good, bad


INSERT_CHUNK = 500  # rows per INSERT statement (13 parameters each: within SQLite's and PostgreSQL's limits)
_EVENT_COLUMNS = (
    "code",
    "camera_id",
    "rule",
    "kind",
    "confidence",
    "occurred_at",
    "received_at",
    "triaged_at",
    "snapshot",
    "severity",
    "reasons",
    "status",
    "simulated",
    "dismiss_reason",
    "note",
)


def _raw_cursor():
    """The driver's own cursor on Django's connection (same transaction): the hot path's statements
    skip the wrapper's per-query placeholder rewriting. On PostgreSQL a server-side binding cursor:
    a batch's parameters travel beside the statement instead of being quoted into it (Django's
    connections bind on the client). Returns (cursor, placeholder)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(connection.connection), "%s"
    return connection.connection.cursor(), "?"


def _adapter():
    """Aware datetimes as the backend stores them (SQLite: naive UTC text, like Django does)."""
    if connection.vendor == "sqlite":
        return lambda moment: moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return lambda moment: moment


def _insert_events(rows: list[tuple]) -> set[str]:
    """Insert event rows (in ``_EVENT_COLUMNS`` order, without the two empty text columns) with
    ``ON CONFLICT (code) DO NOTHING ... RETURNING code``: one statement per ``INSERT_CHUNK`` rows, no
    model instances, and the unique key — not a read before the write — decides what is new, so two
    workers storing the same redelivered event cannot both store it. Returns the codes stored."""
    ops = connection.ops
    table = ops.quote_name(Event._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in _EVENT_COLUMNS)
    if connection.vendor == "postgresql":
        return _insert_events_pg(rows, table, columns)
    cursor, p = _raw_cursor()
    reasons = p
    one = f"({', '.join([p] * 10)}, {reasons}, {p}, {p}, '', '')"
    stored: set[str] = set()
    with contextlib.closing(cursor):
        for i in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[i : i + INSERT_CHUNK]
            values = ", ".join([one] * len(chunk))
            code = ops.quote_name("code")
            # Identifiers quoted by the backend; every value is a parameter.
            head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
            sql = f"{head}{values} ON CONFLICT ({code}) DO NOTHING RETURNING {code}"
            cursor.execute(sql, [value for row in chunk for value in row])
            stored.update(row[0] for row in cursor.fetchall())
    return stored


_PG_TYPES = ("text", "bigint", "text", "text", "float8", "timestamptz", "timestamptz", "timestamptz")
_PG_TYPES += ("text", "int", "jsonb", "text", "bool")
_PG_KEYS = tuple(f"c{i}" for i in range(len(_PG_TYPES)))


def _insert_events_pg(rows: list[tuple], table: str, columns: str) -> set[str]:
    """PostgreSQL: the whole batch as one JSON document read by ``json_to_recordset`` — one short
    statement and one text parameter whatever the batch size. The driver's own adaptation of
    per-column arrays quoted and escaped every element in Python and took most of a worker's time;
    the server parses JSON in C."""
    reasons = _EVENT_COLUMNS.index("reasons")
    document = triage.encoder.encode(
        [
            dict(zip(_PG_KEYS, (*row[:reasons], msgspec.Raw(row[reasons]), *row[reasons + 1 :]), strict=True))
            for row in rows
        ]
    ).decode()
    record = ", ".join(f"{k} {t}" for k, t in zip(_PG_KEYS, _PG_TYPES, strict=True))
    code = connection.ops.quote_name("code")
    head = f"INSERT INTO {table} ({columns}) SELECT {', '.join(_PG_KEYS)}, '', ''"  # noqa: S608
    sql = f"{head} FROM json_to_recordset(%s::json) AS u({record}) ON CONFLICT ({code}) DO NOTHING"
    sql += f" RETURNING {code}"
    cursor, _p = _raw_cursor()
    with contextlib.closing(cursor):
        cursor.execute(sql, [document])
        return {row[0] for row in cursor.fetchall()}


def events_triage(
    items: Sequence[Incoming], *, context: TriageContext, now: datetime | None = None
) -> TriageReport:
    """Triage a batch and store it in one transaction: refused events go to the dead letters (with
    the reason), good ones are scored, rate-limited and checked against suppressions, and inserted
    once — ``code`` (the source's event id) is unique, so a redelivered event is counted as a
    duplicate, not stored twice. The caller acknowledges the batch to the broker only after this returns."""
    now = now or timezone.now()
    good, bad = events_check(items, context, now)
    report = TriageReport(rejected=len(bad), problems=bad)
    scorer = triage.Scorer()
    throttled_label = _("카메라별 빈도 제한 초과")
    adapt = _adapter()
    triaged = adapt(now)
    rows: dict[str, tuple] = {}
    received: dict[str, float] = {}
    statuses: dict[str, str] = {}
    fallback = now.timestamp()
    # Scores and suppressions need no lock: worked out before the transaction, so another worker
    # holding the cameras' rate rows (PostgreSQL) is not kept waiting for them.
    scored = []
    seen: set[str] = set()
    for index, wire, camera in good:
        if wire.id in seen:
            report.duplicates += 1
            continue
        seen.add(wire.id)
        score = scorer.score(
            kind=wire.type, occurred_at=wire.time, site_risk=camera.site_risk, confidence=wire.confidence
        )
        suppressed = triage.suppressed_by(
            context.rules, camera=camera, rule=wire.rule, kind=wire.type, occurred_at=wire.time
        )
        scored.append((index, wire, camera, score, suppressed))
    with transaction.atomic():
        limiter = context.limiter_for({camera.id for _i, _w, camera, _s, _x in scored})
        for index, wire, camera, score, suppressed in scored:
            throttled = suppressed is None and not limiter.allow(camera.id, wire.time.timestamp())
            status = (
                EventStatus.SUPPRESSED
                if suppressed
                else EventStatus.THROTTLED
                if throttled
                else EventStatus.NEW
            )
            arrived = items[index].received_at or fallback
            received[wire.id] = arrived
            statuses[wire.id] = status
            rows[wire.id] = (
                wire.id,
                camera.id,
                wire.rule,
                wire.type,
                wire.confidence,
                adapt(wire.time),
                adapt(triage.from_epoch(arrived)),
                triaged,
                wire.snapshot,
                score.score,
                _json(_reason_rows(score, suppressed, throttled_label if throttled else None)),
                str(status),
                wire.simulated,
            )
        if rows:
            stored = _insert_events(list(rows.values()))
            report.duplicates += len(rows) - len(stored)
            report.stored = len(stored)
            report.stored_ids = [code for code in rows if code in stored]
            for code in report.stored_ids:
                report.by_status[statuses[code]] = report.by_status.get(statuses[code], 0) + 1
        context.limiter_save(limiter)
        if bad:
            received_at = timezone.now()
            telemetry.dead_letters_record(
                (SUBJECT, items[i].payload, received_at, Rejection(p.reason, p.message, p.field))
                for i, p in bad
            )
    committed = clock.time()
    report.latencies = [committed - received[code] for code in report.stored_ids]
    return report


def _json(value: object) -> str:
    return triage.encoder.encode(value).decode()


# -- the operators' wall --------------------------------------------------------------------------------


def _check_operator(actor: audit.Actor) -> None:
    if actor.user is not None and not has_permission(actor.user, CCTV_OPERATIONS):
        raise PermissionDenied(_("관제 이벤트를 처리할 권한이 없습니다 (스마트도시과 편집자·관리자)."))


def _rtype():
    return record_type_for(Event)


def _handle(
    event: Event,
    *,
    actor: audit.Actor,
    status: str,
    action: str,
    now: datetime,
    reason: str = "",
    note: str = "",
) -> Event:
    """Move a waiting event to ``status`` — only if it is still waiting: the conditional UPDATE makes two
    operators acting at once safe (the second is told it was handled already)."""
    before = _rtype().to_data(event)
    changed = Event.objects.filter(pk=event.pk, status=EventStatus.NEW).update(
        status=status,
        handled_by=actor.user if actor.user is not None and actor.user.pk else None,
        handled_at=now,
        dismiss_reason=reason,
        note=note,
    )
    if not changed:
        current = Event.objects.get(pk=event.pk)
        raise RecordInvalid(
            {"status": [_("이미 처리된 이벤트입니다 (%(s)s).") % {"s": current.get_status_display()}]}
        )
    event.refresh_from_db()
    audit.record(actor, action, _rtype(), event, before=before, after=_rtype().to_data(event))
    return event


def _note(
    value: object, errors: dict, field_name: str = "note", *, required: bool = False, label: str = ""
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(field_name, []).append(_("글자로 적어야 합니다."))
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(field_name, []).append(_("%(label)s을(를) 적어 주세요.") % {"label": label})
    if len(value) > NOTE_MAX:
        errors.setdefault(field_name, []).append(_("%(n)d자 이내로 적어 주세요.") % {"n": NOTE_MAX})
    return value


@transaction.atomic
def event_acknowledge(
    *, event: Event, actor: audit.Actor, note: str = "", with_camera: bool = True, now: datetime | None = None
) -> Event:
    """확인: the operator has looked at the camera. With ``with_camera`` the camera's other waiting events
    received up to now are acknowledged too (one look covers them); each keeps its time to acknowledge."""
    _check_operator(actor)
    errors: dict[str, list[str]] = {}
    note = _note(note, errors)
    if errors:
        raise RecordInvalid(errors)
    now = now or timezone.now()
    event = _handle(
        event, actor=actor, status=EventStatus.ACKNOWLEDGED, action=AUDIT_ACKNOWLEDGE, now=now, note=note
    )
    if with_camera:
        others = list(
            Event.objects.filter(camera_id=event.camera_id, status=EventStatus.NEW, received_at__lte=now)
        )
        for other in others:
            try:
                _handle(
                    other, actor=actor, status=EventStatus.ACKNOWLEDGED, action=AUDIT_ACKNOWLEDGE, now=now
                )
            except RecordInvalid:
                continue  # another operator got it first
    return event


@transaction.atomic
def event_dismiss(
    *, event: Event, actor: audit.Actor, reason: str, note: str = "", now: datetime | None = None
) -> Event:
    """종결: not a case (a false alarm, nothing to do, a duplicate, a test) — the reason is required."""
    _check_operator(actor)
    errors: dict[str, list[str]] = {}
    if reason not in DismissReason.values:
        errors["reason"] = [
            _("종결 사유를 고르세요: %(all)s")
            % {"all": ", ".join(str(label) for label in DismissReason.labels)}
        ]
    note = _note(note, errors)
    if errors:
        raise RecordInvalid(errors)
    return _handle(
        event,
        actor=actor,
        status=EventStatus.DISMISSED,
        action=AUDIT_DISMISS,
        now=now or timezone.now(),
        reason=reason,
        note=note,
    )


@transaction.atomic
def event_escalate(
    *, event: Event, actor: audit.Actor, station: str, detail: str, now: datetime | None = None
) -> PoliceRequest:
    """경찰 협조 요청: the event goes to the police (the station and what is asked are required)."""
    _check_operator(actor)
    errors: dict[str, list[str]] = {}
    station = _note(station, errors, "station", required=True, label=_("관할 경찰서·지구대"))
    detail = _note(detail, errors, "detail", required=True, label=_("요청 내용"))
    if len(station) > STATION_MAX:
        errors.setdefault("station", []).append(_("%(n)d자 이내로 적어 주세요.") % {"n": STATION_MAX})
    if errors:
        raise RecordInvalid(errors)
    now = now or timezone.now()
    event = _handle(
        event, actor=actor, status=EventStatus.ESCALATED, action=AUDIT_ESCALATE, now=now, note=detail
    )
    year = timezone.localtime(now).year
    last = PoliceRequest.objects.filter(number__startswith=f"PR-{year}-").aggregate(m=Max("number"))["m"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    try:
        with transaction.atomic():
            request = PoliceRequest.objects.create(
                number=f"PR-{year}-{serial:05d}",
                event=event,
                camera_id=event.camera_id,
                station=station,
                detail=detail,
                requested_by=actor.user if actor.user is not None and actor.user.pk else None,
                requested_at=now,
            )
    except IntegrityError:
        raise RecordInvalid(_("요청 번호가 겹쳤습니다. 다시 시도해 주세요.")) from None
    rtype = record_type_for(PoliceRequest)
    audit.record(actor, "create", rtype, request, after=rtype.to_data(request))
    return request


def event_ids(events: Iterable[Event]) -> list[str]:
    return [e.code for e in events]


# -- video-information requests ------------------------------------------------------------------------


def _check_video(actor: audit.Actor) -> None:
    if actor.user is not None and not has_permission(actor.user, CCTV_OPERATIONS):
        raise PermissionDenied(_("영상정보 요청은 스마트도시과 관제 담당(편집자·관리자)만 다룹니다."))


def _text(value: object, errors: dict, name: str, label: str, *, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append(_("글자로 적어야 합니다."))
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(name, []).append(_("%(label)s을(를) 적어 주세요.") % {"label": label})
    if len(value) > limit:
        errors.setdefault(name, []).append(_("%(n)d자 이내로 적어 주세요.") % {"n": limit})
    return value


def _next_number(model, prefix: str, year: int) -> str:
    last = model.objects.filter(number__startswith=f"{prefix}-{year}-").aggregate(m=Max("number"))["m"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}-{year}-{serial:05d}"


@transaction.atomic
def video_request_create(
    *,
    camera: str,
    requester_kind: str,
    requester_name: str,
    requester_org: str = "",
    period_start: datetime | None,
    period_end: datetime | None,
    purpose: str,
    legal_basis: str,
    actor: audit.Actor,
    now: datetime | None = None,
) -> VideoRequest:
    """접수: a request to view or receive a camera's recording of a period, with its legal basis."""
    _check_video(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    found = Camera.objects.filter(code=camera).first() if isinstance(camera, str) else None
    if found is None:
        errors["camera"] = [_("등록되지 않은 카메라입니다: %(c)s") % {"c": str(camera)[:40]}]
    name = _text(requester_name, errors, "requester_name", _("요청자"), limit=video.TEXT_MAX)
    org = _text(requester_org, errors, "requester_org", _("소속 기관"), limit=video.TEXT_MAX, required=False)
    text = _text(purpose, errors, "purpose", _("요청 목적"), limit=NOTE_MAX)
    for key, messages in video.check_basis(requester_kind, legal_basis).items():
        errors.setdefault(key, []).extend(messages)
    for key, messages in video.check_period(period_start, period_end, now).items():
        errors.setdefault(key, []).extend(messages)
    if requester_kind in (Requester.POLICE, Requester.COURT, Requester.AGENCY) and not org:
        errors.setdefault("requester_org", []).append(_("기관의 요청은 소속 기관을 적어 주세요."))
    if errors:
        raise RecordInvalid(errors)
    year = timezone.localtime(now).year
    try:
        with transaction.atomic():
            request = VideoRequest.objects.create(
                number=_next_number(VideoRequest, "VR", year),
                requester_kind=requester_kind,
                requester_name=name,
                requester_org=org,
                camera=found,
                period_start=period_start,
                period_end=period_end,
                purpose=text,
                legal_basis=legal_basis,
                # A data subject sees other people in the footage only masked (제35조, 제3자 보호).
                masking_required=True,
                received_by=actor.user if actor.user is not None and actor.user.pk else None,
                received_at=now,
            )
    except IntegrityError:
        raise RecordInvalid(_("요청 번호가 겹쳤습니다. 다시 시도해 주세요.")) from None
    rtype = record_type_for(VideoRequest)
    audit.record(actor, "create", rtype, request, after=rtype.to_data(request))
    return request


@transaction.atomic
def video_request_decide(
    *,
    request: VideoRequest,
    approve: bool,
    masking_required: bool,
    note: str,
    retention_until: date | None,
    actor: audit.Actor,
    now: datetime | None = None,
) -> VideoRequest:
    """승인 또는 거부: once, by a conditional update (two officers deciding at once: the second is told).
    A refusal needs its reason; an approval a retention date for the request and its log."""
    _check_video(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    note = _text(note, errors, "decision_note", _("결정 사유"), limit=NOTE_MAX, required=not approve)
    today = timezone.localdate(now)
    if approve:
        if retention_until is None:
            errors["retention_until"] = [_("보관 기한을 정해 주세요.")]
        elif retention_until <= today:
            errors["retention_until"] = [_("보관 기한은 오늘 이후여야 합니다.")]
        if request.requester_kind == Requester.DATA_SUBJECT and not masking_required and not note:
            errors["masking_required"] = [
                _("정보주체 열람은 다른 사람을 마스킹합니다. 마스킹하지 않으려면 그 사유를 적어 주세요.")
            ]
    if errors:
        raise RecordInvalid(errors)
    rtype = record_type_for(VideoRequest)
    before = rtype.to_data(request)
    changed = VideoRequest.objects.filter(pk=request.pk, status=VideoStatus.RECEIVED).update(
        status=VideoStatus.APPROVED if approve else VideoStatus.REJECTED,
        masking_required=bool(masking_required) if approve else request.masking_required,
        decision_note=note,
        decided_by=actor.user if actor.user is not None and actor.user.pk else None,
        decided_at=now,
        retention_until=retention_until if approve else None,
    )
    if not changed:
        raise RecordInvalid(_("이미 결정된 요청입니다."))
    request.refresh_from_db()
    audit.record(actor, AUDIT_VIDEO_DECIDE, rtype, request, before=before, after=rtype.to_data(request))
    return request


@transaction.atomic
def video_request_hand_over(
    *,
    request: VideoRequest,
    method: str,
    recipient: str,
    masked: bool,
    note: str = "",
    actor: audit.Actor,
    now: datetime | None = None,
) -> VideoHandover:
    """제공: a viewing or a copy handed over, logged. Only for an approved request; a copy of footage
    that needs masking only masked."""
    _check_video(actor)
    now = now or timezone.now()
    request = VideoRequest.objects.select_for_update().get(pk=request.pk)
    errors: dict[str, list[str]] = {}
    if request.status not in (VideoStatus.APPROVED, VideoStatus.HANDED_OVER):
        errors["__all__"] = [
            _("승인된 요청만 제공할 수 있습니다 (지금: %(s)s).") % {"s": request.get_status_display()}
        ]
    if method not in HandoverMethod.values:
        errors["method"] = [_("제공 방법을 고르세요.")]
    who = _text(recipient, errors, "recipient", _("받은 사람"), limit=video.TEXT_MAX)
    note = _text(note, errors, "note", _("메모"), limit=NOTE_MAX, required=False)
    if request.masking_required and method == HandoverMethod.COPY and not masked:
        errors.setdefault("masked", []).append(
            _("마스킹이 필요한 영상은 마스킹한 사본만 제공할 수 있습니다.")
        )
    if errors:
        raise RecordInvalid(errors)
    handover = VideoHandover.objects.create(
        request=request,
        method=method,
        recipient=who,
        masked=bool(masked),
        note=note,
        handed_by=actor.user if actor.user is not None and actor.user.pk else None,
        handed_at=now,
    )
    rtype = record_type_for(VideoRequest)
    before = rtype.to_data(request)
    request.status = VideoStatus.HANDED_OVER
    request.save(update_fields=["status"])
    audit.record(actor, AUDIT_VIDEO_HANDOVER, rtype, request, before=before, after=rtype.to_data(request))
    return handover


# -- new-site candidates ----------------------------------------------------------------------------------


@transaction.atomic
def candidates_build_samples(*, actor: audit.Actor) -> int:
    """Candidate sites for the committee, labelled 예시 (the seed names none); cost per camera from the
    northern sites' budget (line 1161: 400,000천원 for 50 cameras = 8,000천원 each). Idempotent."""
    if CandidateSite.objects.exists():
        return 0
    rows = [
        CandidateSite(
            code=c.code,
            name=c.name,
            lat=c.lat,
            lon=c.lon,
            incidents=c.incidents,
            requests=c.requests,
            school_zone=c.school_zone,
            cameras=c.cameras,
            cost=c.cameras * samples.COST_PER_CAMERA_WON,
            sample=True,
            section=samples.SECTION,
            line=samples.LINE_NORTHERN,
        )
        for c in samples.candidates()
    ]
    CandidateSite.objects.bulk_create(rows)
    rtype = record_type_for(CandidateSite)
    audit.record_many(
        audit.event(actor, "create", rtype, o, after=rtype.to_data(o)) for o in CandidateSite.objects.all()
    )
    return len(rows)


# --- Retention (개인정보 보호법 §21) ----------------------------------------------------------------------

PURGED = "(파기됨)"


def video_requests_purge_expired(*, actor: audit.Actor, today: date) -> int:
    """Erase the requester's personal data of video requests whose retention has ended; returns how many
    requests. Approved (and handed-over) requests end on their ``retention_until`` (erased the day
    after); refused ones ``CITYHALL_CCTV_REJECTED_RETENTION_DAYS`` after the decision (Korean date);
    undecided ones are kept. Erased: the requester's name, the purpose, each hand-over's recipient and
    note. Kept: the number, kind of requester, institution, camera, period, legal basis, decision and
    its officers and times, the hand-overs' method and time. Audited per row; idempotent."""
    refused_days = int(getattr(settings, "CITYHALL_CCTV_REJECTED_RETENTION_DAYS", 365))
    refused_before = timezone.make_aware(
        datetime.combine(today - timedelta(days=refused_days), datetime.min.time()),
        timezone.get_default_timezone(),
    )
    due = models.Q(
        status__in=[VideoStatus.APPROVED, VideoStatus.HANDED_OVER], retention_until__lt=today
    ) | models.Q(status=VideoStatus.REJECTED, decided_at__lt=refused_before)
    rtype, htype = record_type_for(VideoRequest), record_type_for(VideoHandover)
    count = 0
    with transaction.atomic():
        for request in VideoRequest.objects.select_for_update().filter(due, purged=False).order_by("id"):
            before = rtype.to_data(request)
            request.requester_name, request.purpose, request.purged = PURGED, PURGED, True
            request.save(update_fields=["requester_name", "purpose", "purged"])
            audit.record(actor, "update", rtype, request, before=before, after=rtype.to_data(request))
            for handover in VideoHandover.objects.select_for_update().filter(request=request).order_by("id"):
                hbefore = htype.to_data(handover)
                handover.recipient, handover.note = PURGED, ""
                handover.save(update_fields=["recipient", "note"])
                audit.record(actor, "update", htype, handover, before=hbefore, after=htype.to_data(handover))
            count += 1
    return count
