"""The record types' rules, run on every write (record pages, API, services)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .choices import Analytics, CameraStatus, EventKind
from .models import Camera, Suppression

#: Gimpo and its surroundings (WGS84): a coordinate outside is a typo (swapped lat/lon, a lost digit).
LAT_RANGE = (37.50, 37.85)
LON_RANGE = (126.45, 126.90)


def camera_rules(camera: Camera, before: dict[str, Any] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if camera.lat is not None and not LAT_RANGE[0] <= float(camera.lat) <= LAT_RANGE[1]:
        errors["lat"] = [
            _("위도가 김포시 범위(%(a)s~%(b)s)를 벗어났습니다.") % {"a": LAT_RANGE[0], "b": LAT_RANGE[1]}
        ]
    if camera.lon is not None and not LON_RANGE[0] <= float(camera.lon) <= LON_RANGE[1]:
        errors["lon"] = [
            _("경도가 김포시 범위(%(a)s~%(b)s)를 벗어났습니다.") % {"a": LON_RANGE[0], "b": LON_RANGE[1]}
        ]
    if camera.analytics != Analytics.NONE and camera.server_id is None:
        errors["server"] = [_("영상분석 카메라는 분석 서버를 정해야 합니다.")]
    if camera.analytics != Analytics.NONE and camera.status == CameraStatus.PLANNED:
        errors["analytics"] = [_("설치 예정 카메라에는 아직 라이선스를 줄 수 없습니다.")]
    if camera.server_id is not None:
        used = Camera.objects.filter(server_id=camera.server_id).exclude(pk=camera.pk).count()
        if used + 1 > camera.server.capacity:
            errors.setdefault("server", []).append(
                _("분석 서버 %(s)s의 채널(%(n)d개)이 모두 쓰였습니다.")
                % {"s": camera.server.code, "n": camera.server.capacity}
            )
    return errors


def suppression_rules(rule: Suppression, before: dict[str, Any] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    kinds = rule.kinds
    if not isinstance(kinds, list) or any(k not in EventKind.values for k in kinds):
        errors["kinds"] = [
            _("이벤트 유형은 %(all)s 중에서 고른 목록이어야 합니다.") % {"all": ", ".join(EventKind.values)}
        ]
    if rule.start is not None and rule.start == rule.end:
        errors["end"] = [_("시작과 끝 시각이 같습니다 (종일이면 둘 다 비우세요).")]
    return errors
