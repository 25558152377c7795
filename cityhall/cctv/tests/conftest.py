from datetime import UTC, datetime
from decimal import Decimal

import pytest

from cityhall.cctv.choices import Analytics, CameraStatus
from cityhall.cctv.models import AnalyticsServer, Camera, CameraSite
from cityhall.organisation.models import OrgUnit

# 2025-06-01 23:30 Asia/Seoul.
NIGHT = datetime(2025, 6, 1, 14, 30, tzinfo=UTC)


@pytest.fixture
def small_registry(db):
    """Two sites (risk 4 and 1) with three cameras, one of them planned."""
    unit = OrgUnit.objects.get(code="smart-city")
    server = AnalyticsServer.objects.create(code="VA-01", name="서버 1", capacity=100)
    risky = CameraSite.objects.create(
        code="CS-T1", name="사우동 시험", org_unit=unit, risk=4, lat=Decimal("37.62"), lon=Decimal("126.71")
    )
    quiet = CameraSite.objects.create(
        code="CS-T2", name="구래동 시험", org_unit=unit, risk=1, lat=Decimal("37.64"), lon=Decimal("126.63")
    )
    common = {"installed_year": 2020, "lat": Decimal("37.62"), "lon": Decimal("126.71")}
    cameras = {
        "a": Camera.objects.create(
            code="CAM-A",
            site=risky,
            analytics=Analytics.INTELLIGENT,
            licence="INT-T1",
            server=server,
            **common,
        ),
        "b": Camera.objects.create(code="CAM-B", site=quiet, **common),
        "planned": Camera.objects.create(code="CAM-P", site=quiet, status=CameraStatus.PLANNED, **common),
    }
    return cameras
