"""Prediction accuracy (예측 정확도): what the model and the historical-average baseline predicted for
each live bus, against the arrivals that happened.

``predictions_record`` samples every live bus on a timetabled trip every ``RECORD_S`` (the runtime's
job loop calls it): for each coming stop up to ``MAX_HORIZON_S`` ahead, the model's seconds and the
baseline's (fitted on the same history). Storage is bounded: rows older than ``KEEP_DAYS`` are deleted
at every call (about 8 stops × 30 samples an hour a bus: ≈ 90,000 rows a day for the demo's 20 buses).
``accuracy`` joins them with the stop events (doors opening = arrival) and reports, per route and
horizon bucket, the mean absolute error, the share within ±1 and ±2 minutes, and the same for the
baseline. The horizon is the predicted one: what a rider was shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from . import predictions, selectors
from .models import PredictionRecord, RouteStop, StopEvent

RECORD_S = 120  # one sample per bus every two minutes
MAX_HORIZON_S = 20 * 60
KEEP_DAYS = 7
BUCKETS = ((0, 120, "0–2분"), (120, 300, "2–5분"), (300, 600, "5–10분"), (600, None, "10분 이상"))
# A prediction whose arrival came more than this after it is not matched (the bus left the trip).
MATCH_LIMIT_S = 2 * 3600

_last_recorded: datetime | None = None


def predictions_record(*, now: datetime | None = None, force: bool = False) -> int:
    """Store the current predictions of every live bus (at most every ``RECORD_S`` unless ``force``);
    prune rows older than ``KEEP_DAYS``. Returns the rows stored. Not audited row by row (a measured
    series, like telemetry readings)."""
    global _last_recorded
    now = now or timezone.now()
    if not force and _last_recorded is not None and (now - _last_recorded).total_seconds() < RECORD_S:
        return 0
    _last_recorded = now
    PredictionRecord.objects.filter(made_at__lt=now - timedelta(days=KEEP_DAYS)).delete()
    model = predictions.predictor(now=now)
    base = predictions.baseline(now=now)
    states = [s for s in selectors.live_states(now) if s.trip_id is not None and s.service_date]
    if not states:
        return 0
    last_index = dict(
        RouteStop.objects.filter(route_id__in={s.vehicle.route_id for s in states})
        .values("route_id")
        .annotate(last=Max("sequence"))
        .values_list("route_id", "last")
    )
    rows = []
    for state in states:
        n = last_index.get(state.vehicle.route_id)
        if n is None:
            continue
        ahead = predictions.remaining(state, model, n, now)
        base_ahead = dict(predictions.remaining(state, base, n, now)) if base is not None else {}
        for sequence, seconds in ahead:
            if seconds > MAX_HORIZON_S:
                break
            rows.append(
                PredictionRecord(
                    route_id=state.vehicle.route_id,
                    trip_id=state.trip_id,
                    service_date=state.service_date,
                    sequence=sequence,
                    vehicle_id=state.vehicle_id,
                    made_at=now,
                    predicted_s=seconds,
                    baseline_s=base_ahead.get(sequence),
                    model=getattr(model, "name", type(model).__name__)[:20],
                    simulated=state.vehicle.simulated,
                )
            )
    PredictionRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def bucket_of(horizon_s: float) -> str:
    for low, high, label in BUCKETS:
        if horizon_s >= low and (high is None or horizon_s < high):
            return label
    return BUCKETS[0][2]


@dataclass
class Cell:
    """One route (or all) and one horizon bucket."""

    route: str
    bucket: str
    n: int = 0
    abs_sum: float = 0.0
    within_1: int = 0
    within_2: int = 0
    base_n: int = 0
    base_abs_sum: float = 0.0
    base_within_1: int = 0
    base_within_2: int = 0
    # the model's error on the rows the baseline also predicted (the fair comparison)
    paired_abs_sum: float = 0.0

    def add(self, error_s: float, base_error_s: float | None) -> None:
        self.n += 1
        self.abs_sum += abs(error_s)
        self.within_1 += abs(error_s) <= 60
        self.within_2 += abs(error_s) <= 120
        if base_error_s is not None:
            self.base_n += 1
            self.base_abs_sum += abs(base_error_s)
            self.base_within_1 += abs(base_error_s) <= 60
            self.base_within_2 += abs(base_error_s) <= 120
            self.paired_abs_sum += abs(error_s)

    @property
    def mae_s(self) -> float | None:
        return self.abs_sum / self.n if self.n else None

    @property
    def share_1(self) -> float | None:
        return self.within_1 / self.n if self.n else None

    @property
    def share_2(self) -> float | None:
        return self.within_2 / self.n if self.n else None

    @property
    def baseline_mae_s(self) -> float | None:
        return self.base_abs_sum / self.base_n if self.base_n else None

    @property
    def baseline_share_1(self) -> float | None:
        return self.base_within_1 / self.base_n if self.base_n else None

    @property
    def baseline_share_2(self) -> float | None:
        return self.base_within_2 / self.base_n if self.base_n else None

    @property
    def improvement(self) -> float | None:
        """1 − model MAE / baseline MAE on the same predictions (positive: the model is better)."""
        if not self.base_n or not self.base_abs_sum:
            return None
        return 1 - self.paired_abs_sum / self.base_abs_sum


@dataclass
class Accuracy:
    since: datetime
    until: datetime
    predictions: int  # recorded in the window
    matched: int  # with an arrival to compare
    cells: list[Cell] = field(default_factory=list)  # per route and bucket
    totals: list[Cell] = field(default_factory=list)  # all routes, per bucket


def accuracy(*, since: datetime, until: datetime) -> Accuracy:
    """Predictions made in [since, until) against the arrivals that happened."""
    rows = list(
        PredictionRecord.objects.filter(made_at__gte=since, made_at__lt=until).values_list(
            "route__code", "trip_id", "service_date", "sequence", "made_at", "predicted_s", "baseline_s"
        )
    )
    arrived: dict[tuple, datetime] = {}
    if rows:
        events = StopEvent.objects.filter(
            trip_id__in={r[1] for r in rows},
            service_date__in={r[2] for r in rows},
            arrived_at__isnull=False,
        ).values_list("trip_id", "service_date", "sequence", "arrived_at")
        arrived = {(t, d, s): at for t, d, s, at in events}
    cells: dict[tuple[str, str], Cell] = {}
    totals: dict[str, Cell] = {}
    matched = 0
    for route, trip, day, sequence, made_at, predicted_s, baseline_s in rows:
        at = arrived.get((trip, day, sequence))
        if at is None:
            continue
        actual_s = (at - made_at).total_seconds()
        if actual_s < -60 or actual_s > MATCH_LIMIT_S:
            continue  # an arrival of another visit, not the one predicted
        matched += 1
        bucket = bucket_of(predicted_s)
        error = predicted_s - actual_s
        base_error = baseline_s - actual_s if baseline_s is not None else None
        cells.setdefault((route, bucket), Cell(route, bucket)).add(error, base_error)
        totals.setdefault(bucket, Cell("", bucket)).add(error, base_error)
    order = {label: i for i, (_low, _high, label) in enumerate(BUCKETS)}
    return Accuracy(
        since=since,
        until=until,
        predictions=len(rows),
        matched=matched,
        cells=sorted(cells.values(), key=lambda c: (c.route, order[c.bucket])),
        totals=sorted(totals.values(), key=lambda c: order[c.bucket]),
    )
