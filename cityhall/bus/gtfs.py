"""GTFS static feed, written from the tables on request: IDs are the records' codes (stop = the
twin's edge, route = its code, trip = route-service-departure), so regenerating after a change keeps
every ID that still exists. The calendar has two services, 평일 and 토·공휴일; Korean public
holidays (core.deadlines) move a weekday to the holiday service in ``calendar_dates.txt``."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date, timedelta

from cityhall.core import deadlines

from . import network as net
from .choices import RouteKind, ServiceDay
from .models import Route, RouteStop, Stop, Trip

AGENCY_ID = "GIMPO-BIS"
AGENCY_NAME = "김포시 버스정보시스템 (모의)"
AGENCY_URL = "https://www.gimpo.go.kr"
TIMEZONE = "Asia/Seoul"
ROUTE_TYPE_BUS = 3


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _table(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def feed_window(today: date) -> tuple[date, date]:
    """From the first of this month, for a year."""
    start = today.replace(day=1)
    return start, start.replace(year=start.year + 1) - timedelta(days=1)


def feed_files(today: date) -> dict[str, str]:
    start, end = feed_window(today)
    routes = list(Route.objects.order_by("code"))
    stops = list(Stop.objects.order_by("code"))
    patterns: dict[int, list[tuple[int, str, int, float]]] = {}
    for rs in RouteStop.objects.order_by("route_id", "sequence").values_list(
        "route_id", "sequence", "stop__code", "offset_s", "distance_m"
    ):
        patterns.setdefault(rs[0], []).append(rs[1:])
    specs = {s.code: s for s in net.ROUTES}
    files: dict[str, str] = {}
    files["agency.txt"] = _table(
        ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
        [[AGENCY_ID, AGENCY_NAME, AGENCY_URL, TIMEZONE, "ko"]],
    )
    files["stops.txt"] = _table(
        ["stop_id", "stop_code", "stop_name", "stop_lat", "stop_lon", "location_type"],
        [[s.code, s.code, s.name, f"{s.lat:.6f}", f"{s.lon:.6f}", 0] for s in stops],
    )
    files["routes.txt"] = _table(
        [
            "route_id",
            "agency_id",
            "route_short_name",
            "route_long_name",
            "route_type",
            "route_color",
            "route_text_color",
            "route_desc",
        ],
        [
            [
                r.code,
                AGENCY_ID,
                r.number,
                r.name,
                ROUTE_TYPE_BUS,
                r.color,
                "FFFFFF",
                "마을버스" if r.kind == RouteKind.VILLAGE else "시내버스",
            ]
            for r in routes
        ],
    )
    shape_rows = []
    for r in routes:
        spec = specs.get(r.code)
        if spec is None:
            continue
        travelled = 0.0
        prev = None
        for i, (x, y) in enumerate(net.shape(spec)):
            if prev is not None:
                travelled += abs(x - prev[0]) + abs(y - prev[1])
            prev = (x, y)
            lon, lat = net.to_lonlat(x, y)
            shape_rows.append([f"SH-{r.code}", f"{lat:.6f}", f"{lon:.6f}", i + 1, f"{travelled:.1f}"])
    files["shapes.txt"] = _table(
        ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence", "shape_dist_traveled"], shape_rows
    )
    trips = list(Trip.objects.select_related("route").order_by("route__code", "service", "start_s"))
    files["trips.txt"] = _table(
        ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "shape_id"],
        [
            [
                t.route.code,
                t.service,
                t.code,
                f"{t.route.number} 순환",
                0,
                f"SH-{t.route.code}" if t.route.code in specs else "",
            ]
            for t in trips
        ],
    )
    stop_time_rows = []
    for t in trips:
        for sequence, stop_code, offset, distance in patterns.get(t.route_id, []):
            at = _hms(t.start_s + offset)
            stop_time_rows.append([t.code, at, at, stop_code, sequence + 1, f"{distance:.1f}", 1])
    files["stop_times.txt"] = _table(
        [
            "trip_id",
            "arrival_time",
            "departure_time",
            "stop_id",
            "stop_sequence",
            "shape_dist_traveled",
            "timepoint",
        ],
        stop_time_rows,
    )
    files["calendar.txt"] = _table(
        [
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
        [
            [ServiceDay.WEEKDAY, 1, 1, 1, 1, 1, 0, 0, _ymd(start), _ymd(end)],
            [ServiceDay.HOLIDAY, 0, 0, 0, 0, 0, 1, 1, _ymd(start), _ymd(end)],
        ],
    )
    exceptions = []
    for day, _name in deadlines.holidays_between(start, end):
        if day.weekday() < 5:  # a weekday holiday runs the holiday timetable
            exceptions.append([ServiceDay.WEEKDAY, _ymd(day), 2])
            exceptions.append([ServiceDay.HOLIDAY, _ymd(day), 1])
    files["calendar_dates.txt"] = _table(["service_id", "date", "exception_type"], exceptions)
    version = hashlib.sha256("".join(files[k] for k in sorted(files)).encode()).hexdigest()[:12]
    files["feed_info.txt"] = _table(
        [
            "feed_publisher_name",
            "feed_publisher_url",
            "feed_lang",
            "feed_start_date",
            "feed_end_date",
            "feed_version",
        ],
        [["김포시 스마트도시과 (모의 데이터)", AGENCY_URL, "ko", _ymd(start), _ymd(end), version]],
    )
    return files


def feed_zip(today: date) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in feed_files(today).items():
            info = zipfile.ZipInfo(name, date_time=(today.year, today.month, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return out.getvalue()
