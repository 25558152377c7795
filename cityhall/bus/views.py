"""Bus information pages: the public arrival page per stop (no login; QR code), the GTFS and
GTFS-Realtime feeds (public), the operators' live map, the route map on the shared map, BITs and
their notices. Thin: reads through ``selectors``/``predictions``, writes through ``services``."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid
from cityhall.maintenance import selectors as maintenance_selectors

from . import accuracy, choices, gtfs, predictions, realtime, selectors, services
from .selectors import BUS_STAFF

STOP_POLL_S = 15
LIVE_POLL_S = 5


# -- public -----------------------------------------------------------------------------------------


def _stop_or_404(code: str):
    stop = selectors.stop(code)
    if stop is None:
        raise Http404(_("정류소가 없습니다."))
    return stop


def _stop_context(stop) -> dict:
    now = timezone.now()
    return {
        "stop": stop,
        "arrivals": predictions.arrivals(stop, now),
        "alerts": list(selectors.alerts_for_stop(stop, now)),
        "bits": list(stop.bits.all()),
        "at": now,
        "poll": STOP_POLL_S,
    }


@require_GET
def stop_page(request, code: str):
    """정류소 도착 안내 (public, phone first)."""
    stop = _stop_or_404(code)
    return render(request, "bus/stop.html", _stop_context(stop))


@require_GET
def stop_panel(request, code: str):
    return render(request, "bus/partials/arrivals.html", _stop_context(_stop_or_404(code)))


@require_GET
def stop_qr(request, code: str):
    """The stop page's address as a QR code (SVG), to print on the stop's sign."""
    import segno

    stop = _stop_or_404(code)
    url = request.build_absolute_uri(reverse("bus:stop", args=[stop.code]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, title=f"{stop.name} 도착 안내")
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@require_GET
def gtfs_zip(request):
    response = HttpResponse(gtfs.feed_zip(timezone.localdate()), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="gtfs.zip"'
    return response


FEEDS = {
    "trip-updates": realtime.trip_updates,
    "vehicle-positions": realtime.vehicle_positions,
    "alerts": realtime.service_alerts,
}


@require_GET
@params.page(debug=params.Bool(label=gettext_lazy("읽을 수 있는 글로")))
def gtfs_rt(request, feed: str):
    """GTFS-Realtime (protobuf); ``?debug=1`` answers the text form for people."""
    build = FEEDS.get(feed)
    if build is None:
        raise Http404(_("없는 실시간 피드입니다."))
    message = build()
    if request.query.debug:
        return HttpResponse(str(message), content_type="text/plain; charset=utf-8")
    return HttpResponse(message.SerializeToString(), content_type="application/x-protobuf")


# -- operators --------------------------------------------------------------------------------------


def _live_context(request) -> dict:
    now = timezone.now()
    states = list(selectors.live_states(now))
    spacings = selectors.spacings(states, selectors.loop_lengths())
    troubled = {s.follower for s in spacings}
    buses = [
        {
            "state": state,
            "punctuality": selectors.punctuality(state.delay_s),
            "spacing": "trouble" if state.vehicle.code in troubled else "",
        }
        for state in states
    ]
    return {
        "at": now,
        "poll": LIVE_POLL_S,
        "buses": buses,
        "spacings": spacings,
        "stale": list(selectors.stale_states(now)),
        "routes": list(selectors.routes()),
    }


@require_GET
@role_required
def live_map(request):
    """The operators' map's live overlay (cityhall.gis.live): every bus, coloured by punctuality and
    spacing, on the shared map under the routes and stops."""
    from cityhall.gis.live import live_response

    states, points = selectors.live_map()
    return live_response(states, points)


@require_GET
@role_required
def overview(request):
    """버스정보 운영: every live bus on the twin's grid, late/early, bunching and gaps."""
    context = _live_context(request)
    context.update(
        {
            "staff": has_permission(request.user, BUS_STAFF),
            "figures": {
                "stops_total": f"{choices.SEED_STOPS_TOTAL:,}",
                "bit_stops": choices.SEED_BIT_STOPS,
                "bit_units": choices.SEED_BIT_UNITS,
                "bit_share": choices.SEED_BIT_SHARE_PCT,
                "village_routes": choices.SEED_VILLAGE_ROUTES,
                "village_buses": choices.SEED_VILLAGE_BUSES,
                "new_2025": choices.SEED_BIT_NEW_2025,
                "replaced_2025": choices.SEED_BIT_REPLACED_2025,
                "notices_2024": choices.SEED_NOTICES_2024,
            },
        }
    )
    return render(request, "bus/overview.html", context)


@require_GET
@role_required
def live_panel(request):
    return render(request, "bus/partials/live.html", _live_context(request))


@require_http_methods(["POST"])
@role_required
def network_setup(request):
    try:
        created = services.network_ensure(actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("모의 버스망을 만들었습니다 (노선 %(n)d개).") % {"n": created})
    return redirect("bus:overview")


@require_GET
@role_required
def route_map(request):
    """노선도: the routes and stops on the shared map."""
    return render(request, "bus/routes.html", {"routes": selectors.routes()})


@require_GET
@role_required
def bits(request):
    """BIT: health, and what each shows now (arrivals and the notice on air)."""
    now = timezone.now()
    on_air = list(selectors.notices_on_air(now))
    rows = []
    orders = maintenance_selectors.open_orders_by_asset("bus")
    for bit in selectors.bits():
        arrivals = predictions.arrivals(bit.stop, now)[:4] if bit.state == choices.BitState.ONLINE else []
        rows.append({"bit": bit, "arrivals": arrivals, "orders": orders.get(f"bit:{bit.code}", [])})
    return render(request, "bus/bits.html", {"rows": rows, "on_air": on_air[:1], "at": now})


def _aware(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RecordInvalid(
            _("날짜와 시각을 YYYY-MM-DDTHH:MM 형식으로 입력해 주세요."), field=field
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@require_http_methods(["GET", "POST"])
@role_required
@params.page(page=params.PAGE)
def notices(request):
    """BIT 시정홍보: request (from a template or free text), approve, withdraw."""
    staff = has_permission(request.user, BUS_STAFF)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("시정홍보를 등록할 권한이 없습니다."))
        actor = Actor.for_user(request.user)
        try:
            action = request.POST.get("action", "create")
            if action in ("approve", "withdraw"):
                services.notice_decide(
                    number=request.POST.get("number", ""), approve=action == "approve", actor=actor
                )
                messages.success(request, _("처리했습니다."))
            else:
                services.notice_create(
                    text=request.POST.get("text", ""),
                    starts_at=_aware(request.POST.get("starts_at", ""), "starts_at"),
                    ends_at=_aware(request.POST.get("ends_at", ""), "ends_at"),
                    requested_by=request.POST.get("requested_by", ""),
                    actor=actor,
                )
                messages.success(request, _("시정홍보를 등록했습니다. 승인 뒤 표출됩니다."))
            return redirect("bus:notices")
        except RecordInvalid as exc:
            errors = exc.errors
    page = Paginator(selectors.notices(), 25).get_page(request.query.page)
    return render(
        request,
        "bus/notices.html",
        {"page": page, "staff": staff, "errors": errors, "form": request.POST if errors else {}},
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required
def siting(request):
    """BIT 설치지 선정: stops without a BIT ranked for the ten new units of 2025, each criterion's share
    shown; 스마트도시과 edits the weights."""
    from . import candidates

    staff = has_permission(request.user, BUS_STAFF)
    current = candidates.weights()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("가중치를 바꿀 권한이 없습니다."))
        values: dict[str, float] = {}
        for key in current:
            raw = request.POST.get(key, "")
            try:
                values[key] = float(raw)
            except ValueError:
                errors[key] = [_("가중치는 0 이상의 숫자여야 합니다.")]
        if not errors:
            try:
                candidates.weights_set(values=values, actor=Actor.for_user(request.user))
                messages.success(request, _("가중치를 바꿨습니다."))
                return redirect("bus:siting")
            except RecordInvalid as exc:
                errors = exc.errors
    return render(
        request,
        "bus/siting.html",
        {
            "ranking": candidates.ranking(),
            "weights": current,
            "staff": staff,
            "errors": errors,
            "cost": candidates.COST_PER_UNIT_WON,
        },
        status=422 if errors else 200,
    )


ACCURACY_DAYS = params.Int(label=gettext_lazy("최근 일수"), default=1, min=1, max=accuracy.KEEP_DAYS)


def _accuracy_page(request, error: str = "", status: int = 200, days: int | None = None):
    now = timezone.now()
    result = accuracy.accuracy(since=now - timedelta(days=days), until=now) if days else None
    tables = []
    if result is not None:
        tables = [
            (_("전체 노선"), result.totals, "all-routes"),
            (_("노선별"), result.cells, "by-route"),
        ]
    return render(
        request,
        "bus/accuracy.html",
        {"result": result, "tables": tables, "error": error, "days_typed": params.typed(request, "days", 10)},
        status=status,
    )


def _accuracy_bad(request, error):
    return _accuracy_page(request, error=" ".join(error.messages()), status=400)


@require_GET
@role_required
@params.page(on_error=_accuracy_bad, days=ACCURACY_DAYS)
def accuracy_page(request):
    """예측 정확도: the recorded predictions of the model and the baseline against the arrivals."""
    return _accuracy_page(request, days=request.query.days)
