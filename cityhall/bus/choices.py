"""Bus information (seed IV.4 스마트도시과: 버스정보시스템 BIS, 버스정보안내단말기 BIT, 마을버스정보시스템):
choices and the registry figures the seed gives."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.organisation import departments

DEPARTMENT = departments.SMART_CITY  # 스마트도시과 runs the BIS (seed line 40)

# The registry's figures, from the seed (line numbers of /work/shared/seed, 000_c85a2f783e9fa893.txt).
# The network the pages and feeds run on is synthetic (모의); these figures are shown beside it (예시).
SEED_STOPS_TOTAL = 1195  # l.172, l.1093: 버스정류소 1,195개소
SEED_BIT_STOPS = 472  # l.172, l.355, l.1093: 472개소
SEED_BIT_UNITS = 498  # l.172, l.355, l.1093, l.1103: 498대
SEED_BIT_SHARE_PCT = "39.4"  # l.1093: (39.4%)
SEED_STOPS_WITHOUT_BIT = 723  # l.172: 미설치 723개소
SEED_BIT_NEW_2025 = 10  # l.132, l.1091: 신규 10대
SEED_BIT_REPLACED_2025 = 10  # l.132, l.1092: 교체 10대
SEED_BIT_BUDGET_2025_KRW = 260_000_000  # l.132: 260,000천원
SEED_BIS_UPKEEP_2025_KRW = 382_548_000  # l.135: 382,548천원
SEED_NOTICES_2024 = 77  # l.356: 시정홍보 : 버스정보안내단말기(BIT) 77건
SEED_VILLAGE_ROUTES = 63  # l.1104: 마을버스 63개 노선
SEED_VILLAGE_BUSES = 101  # l.1104: 101대

# Timetable tolerances (ADR 0015): how far from the timetable a bus is late or early, and how far from
# the scheduled headway two buses of one route are bunched or leave a gap.
LATE_S = 180
EARLY_S = -60
BUNCHING_RATIO = 0.5
GAP_RATIO = 1.5
# A bus that has not reported for this long is dropped from predictions (not frozen where it was).
STALE_S = 90
# A BIT silent for this long is offline and gets a repair order.
BIT_OFFLINE_S = 300
# Its repair order (a shared maintenance order, kind ``bit_offline``) is due a day later, as a silent
# streetlight's: the display may be dark, but the stop still has its timetable and the phone page.
BIT_REPAIR_KIND = "bit_offline"
BIT_REPAIR_DUE_HOURS = 24


class RouteKind(models.TextChoices):
    CITY = "city", _("시내버스")
    VILLAGE = "village", _("마을버스")


class ServiceDay(models.TextChoices):
    WEEKDAY = "weekday", _("평일")
    HOLIDAY = "holiday", _("토·공휴일")


class BitState(models.TextChoices):
    ONLINE = "online", _("정상")
    OFFLINE = "offline", _("통신 두절")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("작성")
    APPROVED = "approved", _("승인")
    WITHDRAWN = "withdrawn", _("철회")


class Occupancy(models.TextChoices):
    # GTFS-Realtime OccupancyStatus names (the feed maps them one to one)
    EMPTY = "EMPTY", _("여유")
    MANY_SEATS_AVAILABLE = "MANY_SEATS_AVAILABLE", _("좌석 많음")
    FEW_SEATS_AVAILABLE = "FEW_SEATS_AVAILABLE", _("좌석 적음")
    STANDING_ROOM_ONLY = "STANDING_ROOM_ONLY", _("입석")
    FULL = "FULL", _("만차")
