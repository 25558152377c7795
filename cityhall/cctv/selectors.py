"""Reads of the control centre: the registry summary, the operators' wall and event lists.

Other apps read the cameras through here (the map: ``camera_points``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from cityhall.organisation import departments
from cityhall.organisation import selectors as organisation

from . import samples
from .choices import Analytics, CameraStatus, EventStatus
from .models import AnalyticsServer, Camera, CameraSite, Event, PoliceRequest

DEPARTMENT_CODE = departments.SMART_CITY  # 스마트도시과 runs the centre (도시안전정보센터 team)
CCTV_OPERATIONS = "cctv_operations"
#: An event stays on the wall this long unless handled (older ones are history).
WALL_WINDOW = timedelta(minutes=30)


def smart_city_department_id() -> int | None:
    unit = organisation.department(DEPARTMENT_CODE)
    return unit.pk if unit else None


@dataclass(frozen=True)
class WallSettings:
    monitors: int
    operators_per_shift: int

    @property
    def per_operator(self) -> int:
        return -(-self.monitors // max(1, self.operators_per_shift))


def wall_settings() -> WallSettings:
    """관제 모니터 수 (2024년 24대 구매, seed line 386) and operators per shift, from settings."""
    return WallSettings(
        monitors=int(getattr(settings, "CITYHALL_CCTV_MONITORS", 24)),
        operators_per_shift=int(getattr(settings, "CITYHALL_CCTV_OPERATORS_PER_SHIFT", 4)),
    )


@dataclass(frozen=True)
class WallTile:
    slot: int
    operator: int
    camera: Camera
    event: Event  # the camera's most severe waiting event
    waiting: int  # the camera's waiting events
    age_s: int


def wall(now: datetime | None = None, settings_: WallSettings | None = None) -> list[WallTile]:
    """The top cameras by current severity: one tile per camera with waiting events in the window, by
    its highest score, then the newest; as many tiles as monitors, dealt to operators in turn."""
    now = now or timezone.now()
    config = settings_ or wall_settings()
    waiting = Event.objects.filter(status=EventStatus.NEW, occurred_at__gte=now - WALL_WINDOW)
    top = list(
        waiting.values("camera_id")
        .annotate(score=Max("severity"), latest=Max("occurred_at"), n=Count("id"))
        .order_by("-score", "-latest", "camera_id")[: config.monitors]
    )
    if not top:
        return []
    ids = [row["camera_id"] for row in top]
    best: dict[int, Event] = {}
    for event in (
        waiting.filter(camera_id__in=ids)
        .select_related("camera", "camera__site")
        .order_by("camera_id", "-severity", "-occurred_at", "-id")
    ):
        best.setdefault(event.camera_id, event)
    tiles = []
    for slot, row in enumerate(top):
        event = best[row["camera_id"]]
        tiles.append(
            WallTile(
                slot=slot + 1,
                operator=slot // config.per_operator + 1,
                camera=event.camera,
                event=event,
                waiting=row["n"],
                age_s=max(0, int((now - event.received_at).total_seconds())),
            )
        )
    return tiles


@dataclass(frozen=True)
class WallStats:
    waiting: int
    handled_today: int
    median_ack_s: float | None
    p90_ack_s: float | None


def wall_stats(now: datetime | None = None) -> WallStats:
    """Waiting events in the window; today's handled events and their time to acknowledge."""
    now = now or timezone.now()
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    waiting = Event.objects.filter(status=EventStatus.NEW, occurred_at__gte=now - WALL_WINDOW).count()
    handled = list(
        Event.objects.filter(handled_at__gte=local_midnight, handled_at__isnull=False).values_list(
            "received_at", "handled_at"
        )[:20000]
    )
    delays = sorted((h - r).total_seconds() for r, h in handled)
    return WallStats(
        waiting=waiting,
        handled_today=len(delays),
        median_ack_s=_quantile(delays, 0.5),
        p90_ack_s=_quantile(delays, 0.9),
    )


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))
    return values[index]


def event(event_id: str) -> Event | None:
    return Event.objects.select_related("camera", "camera__site", "handled_by").filter(code=event_id).first()


def recent_events(limit: int = 50, status: str | None = None):
    qs = Event.objects.select_related("camera", "handled_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")[:limit]


def police_requests(limit: int = 50):
    return PoliceRequest.objects.select_related("camera", "event", "requested_by")[:limit]


# -- the registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    expected: int
    line: int

    @property
    def matches(self) -> bool:
        return self.value == self.expected


def registry_figures() -> list[Figure]:
    """The registry's counts beside the seed's, each with its line."""
    cameras = Camera.objects.aggregate(
        active=Count("id", filter=Q(status=CameraStatus.ACTIVE) | Q(status=CameraStatus.FAULT)),
        intelligent=Count("id", filter=Q(analytics=Analytics.INTELLIGENT)),
        selective=Count("id", filter=Q(analytics=Analytics.SELECTIVE)),
    )
    northern = CameraSite.objects.filter(program="북부권 CCTV 설치").aggregate(
        sites=Count("id", distinct=True), cams=Count("cameras")
    )
    expansion = CameraSite.objects.filter(program="CCTV 확대설치").aggregate(
        sites=Count("id", distinct=True), cams=Count("cameras")
    )
    return [
        Figure("방법CCTV 실시간 모니터링 (대)", cameras["active"], samples.MONITORED, samples.LINE_MONITORED),
        Figure("영상분석 서버 (대)", AnalyticsServer.objects.count(), samples.SERVERS, samples.LINE_SERVERS),
        Figure(
            "지능형 관제 S/W 라이선스 (개)",
            cameras["intelligent"],
            samples.INTELLIGENT,
            samples.LINE_INTELLIGENT,
        ),
        Figure("선별관제 라이선스 (개)", cameras["selective"], samples.SELECTIVE, samples.LINE_SELECTIVE),
        Figure("북부권 신규 개소", northern["sites"], samples.NORTHERN_SITES, samples.LINE_NORTHERN),
        Figure("북부권 신규 카메라 (대)", northern["cams"], samples.NORTHERN_CAMERAS, samples.LINE_NORTHERN),
        Figure("확대설치 신규 개소", expansion["sites"], samples.EXPANSION_SITES, samples.LINE_EXPANSION),
        Figure(
            "확대설치 신규 카메라 (대)", expansion["cams"], samples.EXPANSION_CAMERAS, samples.LINE_EXPANSION
        ),
    ]


def camera_points() -> list[tuple[str, float, float, str, str]]:
    """(code, lat, lon, status, analytics) of every camera: what a map draws."""
    return [
        (code, float(lat), float(lon), status, analytics)
        for code, lat, lon, status, analytics in Camera.objects.order_by("code").values_list(
            "code", "lat", "lon", "status", "analytics"
        )
    ]


# -- video-information requests and new-site ranking -----------------------------------------------------


def video_requests(limit: int = 100):
    from .models import VideoRequest

    return list(VideoRequest.objects.select_related("camera").order_by("-received_at", "-id")[:limit])


def video_request(number: str):
    from .models import VideoRequest

    return VideoRequest.objects.select_related("camera", "decided_by").filter(number=number).first()


def site_ranking():
    """The candidate sites ranked (``siting.rank``) against the fields of view of the cameras that are
    running or planned. The coverage gaps come from the platform's spatial backend: computed in the
    database by PostGIS where it has it, else with shapely (``cityhall.gis.spatial``)."""
    from cityhall.gis import spatial

    from . import siting
    from .models import CandidateSite

    views = (
        Camera.objects.exclude(status=CameraStatus.RETIRED)
        .order_by()
        .values_list("lat", "lon", "heading", "fov", "range_m")
    )
    candidates = [
        siting.Candidate(
            c.code, c.name, float(c.lat), float(c.lon), c.incidents, c.requests, c.school_zone, c.cost
        )
        for c in CandidateSite.objects.all()
    ]
    # The gaps of exactly these candidates (one added meanwhile waits for the next reading).
    sites = CandidateSite.objects.filter(code__in=[c.code for c in candidates])
    gaps = spatial.coverage_gaps(sites.order_by().values_list("code", "lat", "lon"), views, siting.RADIUS_M)
    return siting.rank(candidates, [], gaps=gaps)
