"""The sample registry reproduces the seed's counts exactly, labelled 예시, with its source lines."""

import pytest

from cityhall.cctv import selectors
from cityhall.cctv.models import AnalyticsServer, Camera
from cityhall.cctv.services import registry_build_samples
from cityhall.core.audit import Actor


@pytest.mark.slow
def test_samples_reproduce_the_seed(db):
    built = registry_build_samples(actor=Actor.system("test"))
    assert (built.cameras, built.servers, built.created) == (7_500, 14, True)  # 7,430 + 50 + 20 planned
    figures = {f.label: (f.value, f.expected, f.line) for f in selectors.registry_figures()}
    assert figures["방법CCTV 실시간 모니터링 (대)"] == (7_430, 7_430, 131)
    assert figures["영상분석 서버 (대)"] == (14, 14, 140)
    assert figures["지능형 관제 S/W 라이선스 (개)"] == (400, 400, 1163)
    assert figures["선별관제 라이선스 (개)"] == (1_000, 1_000, 1164)
    assert figures["북부권 신규 카메라 (대)"] == (50, 50, 1161)
    assert figures["확대설치 신규 개소"] == (4, 4, 1162)
    assert all(f.matches for f in selectors.registry_figures())
    assert not Camera.objects.filter(sample=False).exists()
    licensed = Camera.objects.exclude(licence="").select_related("server").first()
    assert licensed.lines == {"analytics": 1163, "server": 140}
    assert all(s.cameras.count() == 100 for s in AnalyticsServer.objects.all())
    assert registry_build_samples(actor=Actor.system("test")).created is False  # idempotent
