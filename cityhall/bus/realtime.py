"""GTFS-Realtime feeds (TripUpdates, VehiclePositions, ServiceAlerts) with the official bindings
(``gtfs-realtime-bindings``). Stale vehicles are left out (not frozen where they were last seen)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from google.transit import gtfs_realtime_pb2 as rt

from . import predictions, selectors
from .models import RouteStop

_OCCUPANCY = rt.VehiclePosition.OccupancyStatus


def _header(message: rt.FeedMessage, now: datetime) -> None:
    message.header.gtfs_realtime_version = "2.0"
    message.header.incrementality = rt.FeedHeader.FULL_DATASET
    message.header.timestamp = int(now.timestamp())


def _trip(descriptor, state) -> None:
    descriptor.trip_id = state.trip.code
    descriptor.route_id = state.vehicle.route.code
    descriptor.start_date = state.service_date.strftime("%Y%m%d")
    descriptor.schedule_relationship = rt.TripDescriptor.SCHEDULED


def _last_indexes() -> dict[int, int]:
    out: dict[int, int] = {}
    for route_id, sequence in RouteStop.objects.values_list("route_id", "sequence"):
        out[route_id] = max(out.get(route_id, 0), sequence)
    return out


def _stop_codes() -> dict[tuple[int, int], str]:
    return {(r, s): c for r, s, c in RouteStop.objects.values_list("route_id", "sequence", "stop__code")}


def trip_updates(now: datetime | None = None) -> rt.FeedMessage:
    now = now or timezone.now()
    message = rt.FeedMessage()
    _header(message, now)
    model = predictions.predictor(now=now)
    last = _last_indexes()
    codes = _stop_codes()
    for state in selectors.live_states(now):
        if state.trip is None:
            continue
        route_id = state.vehicle.route_id
        upcoming = predictions.remaining(state, model, last.get(route_id, 0), now)
        if not upcoming:
            continue
        entity = message.entity.add()
        entity.id = f"tu-{state.vehicle.code}"
        update = entity.trip_update
        _trip(update.trip, state)
        update.vehicle.id = state.vehicle.code
        update.timestamp = int(state.observed_at.timestamp())
        if state.delay_s is not None:
            update.delay = state.delay_s
        for sequence, seconds in upcoming:
            stu = update.stop_time_update.add()
            stu.stop_sequence = sequence + 1  # GTFS stop_sequence as in stop_times.txt
            stu.stop_id = codes[(route_id, sequence)]
            stu.arrival.time = int((now + timedelta(seconds=seconds)).timestamp())
    return message


def vehicle_positions(now: datetime | None = None) -> rt.FeedMessage:
    now = now or timezone.now()
    message = rt.FeedMessage()
    _header(message, now)
    codes = _stop_codes()
    for state in selectors.live_states(now):
        entity = message.entity.add()
        entity.id = f"vp-{state.vehicle.code}"
        vp = entity.vehicle
        if state.trip is not None:
            _trip(vp.trip, state)
        vp.vehicle.id = state.vehicle.code
        vp.vehicle.label = f"{state.vehicle.route.number} {state.vehicle.code}"
        vp.position.latitude = state.lat
        vp.position.longitude = state.lon
        vp.position.speed = state.speed_kmh / 3.6
        vp.timestamp = int(state.observed_at.timestamp())
        if state.last_stop_index >= 0:
            # GTFS-RT: STOPPED_AT names the stop the bus stands at; IN_TRANSIT_TO the stop it is
            # heading for (the next one), not the one it left.
            standing = state.door_open
            index = state.last_stop_index if standing else state.last_stop_index + 1
            stop_id = codes.get((state.vehicle.route_id, index))
            if stop_id is not None:
                vp.current_stop_sequence = index + 1  # stop_sequence as in stop_times.txt
                vp.stop_id = stop_id
                vp.current_status = (
                    rt.VehiclePosition.STOPPED_AT if standing else rt.VehiclePosition.IN_TRANSIT_TO
                )
        if state.occupancy:
            vp.occupancy_status = _OCCUPANCY.Value(state.occupancy)
    return message


def service_alerts(now: datetime | None = None) -> rt.FeedMessage:
    now = now or timezone.now()
    message = rt.FeedMessage()
    _header(message, now)
    for alert in selectors.alerts_active(now):
        entity = message.entity.add()
        entity.id = f"alert-{alert.pk}"
        a = entity.alert
        period = a.active_period.add()
        period.start = int(alert.starts_at.timestamp())
        period.end = int(alert.ends_at.timestamp())
        if alert.route is not None:
            a.informed_entity.add().route_id = alert.route.code
        if alert.stop is not None:
            a.informed_entity.add().stop_id = alert.stop.code
        header = a.header_text.translation.add()
        header.text, header.language = alert.header, "ko"
        if alert.description:
            body = a.description_text.translation.add()
            body.text, body.language = alert.description, "ko"
    return message
