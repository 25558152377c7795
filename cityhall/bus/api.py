"""Bus information API under ``/api/v1/bus/``: arrivals per stop (public, like the stop page), the
live vehicles (staff) and the stops. Thin: reads through ``predictions`` and ``selectors``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema

from cityhall.core import params
from cityhall.core.permissions import require_role

from . import accuracy, predictions, selectors

router = Router(tags=["버스정보"])


class ArrivalOut(Schema):
    route: str
    number: str
    kind: str
    vehicle: str | None
    eta_s: int
    stops_away: int | None
    source: str
    occupancy: str
    message: str


class StopArrivalsOut(Schema):
    stop: str
    name: str
    simulated: bool
    at: datetime
    arrivals: list[ArrivalOut]


class VehicleOut(Schema):
    vehicle: str
    route: str
    trip: str | None
    lon: float
    lat: float
    speed_kmh: float
    last_stop_index: int
    delay_s: int | None
    punctuality: str
    observed_at: datetime


@router.get("/stops/{code}/arrivals", response=StopArrivalsOut, auth=None, summary="정류소 도착 예정 (공개)")
def stop_arrivals(request, code: str):
    stop = selectors.stop(code)
    if stop is None:
        raise Http404(f"정류소 '{code}'이(가) 없습니다.")
    now = timezone.now()
    return {
        "stop": stop.code,
        "name": stop.name,
        "simulated": stop.simulated,
        "at": now,
        "arrivals": [
            {
                "route": a.route_code,
                "number": a.route_number,
                "kind": a.route_kind,
                "vehicle": a.vehicle,
                "eta_s": a.eta_s,
                "stops_away": a.stops_away,
                "source": a.source,
                "occupancy": a.occupancy,
                "message": a.message,
            }
            for a in predictions.arrivals(stop, now)
        ],
    }


@router.get("/vehicles", response=list[VehicleOut], summary="운행 중인 차량")
def vehicles(request):
    # The same rule as the operators' map that shows them (any role reads); riders see the
    # positions anyway in the public GTFS-Realtime feed.
    require_role(request.user, "운행 차량은 역할이 있는 직원만 볼 수 있습니다.")
    return [
        {
            "vehicle": s.vehicle.code,
            "route": s.vehicle.route.code,
            "trip": s.trip.code if s.trip else None,
            "lon": s.lon,
            "lat": s.lat,
            "speed_kmh": s.speed_kmh,
            "last_stop_index": s.last_stop_index,
            "delay_s": s.delay_s,
            "punctuality": selectors.punctuality(s.delay_s),
            "observed_at": s.observed_at,
        }
        for s in selectors.live_states()
    ]


class AccuracyCellOut(Schema):
    route: str
    bucket: str
    n: int
    mae_s: float | None
    within_1min: float | None
    within_2min: float | None
    baseline_n: int
    baseline_mae_s: float | None
    baseline_within_1min: float | None
    baseline_within_2min: float | None
    improvement: float | None


class AccuracyOut(Schema):
    since: datetime
    until: datetime
    predictions: int
    matched: int
    totals: list[AccuracyCellOut]
    by_route: list[AccuracyCellOut]


class Problems(Schema):
    detail: list[dict]


ACCURACY_API = {"days": params.Int(label="최근 일수", default=1, min=1, max=accuracy.KEEP_DAYS)}


def _cell(c: accuracy.Cell) -> dict:
    return {
        "route": c.route,
        "bucket": c.bucket,
        "n": c.n,
        "mae_s": c.mae_s,
        "within_1min": c.share_1,
        "within_2min": c.share_2,
        "baseline_n": c.base_n,
        "baseline_mae_s": c.baseline_mae_s,
        "baseline_within_1min": c.baseline_share_1,
        "baseline_within_2min": c.baseline_share_2,
        "improvement": c.improvement,
    }


@router.get(
    "/accuracy",
    response={200: AccuracyOut, 422: Problems},
    summary="도착 예측 정확도: 노선·남은 시간 구간별, 기준(과거 평균)과 비교",
    openapi_extra={"parameters": params.openapi_parameters(ACCURACY_API)},
)
@params.api(**ACCURACY_API)
def prediction_accuracy(request):
    require_role(request.user, "예측 정확도는 역할이 있는 직원만 볼 수 있습니다.")
    now = timezone.now()
    result = accuracy.accuracy(since=now - timedelta(days=request.query.days), until=now)
    return {
        "since": result.since,
        "until": result.until,
        "predictions": result.predictions,
        "matched": result.matched,
        "totals": [_cell(c) for c in result.totals],
        "by_route": [_cell(c) for c in result.cells],
    }
