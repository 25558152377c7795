"""The pure triage rules with hand-worked values: the score and its reasons, reading events off the
wire (and refusing bad ones with the field and a Korean message), rate limits, suppressed hours."""

from datetime import UTC, datetime, time, timedelta

import pytest

from cityhall.cctv import triage
from cityhall.cctv.triage import CameraInfo, RateLimiter, SuppressionRule

NOW = datetime(2025, 6, 1, 14, 30, tzinfo=UTC)  # 23:30 in Seoul
CAMERAS = {"CAM-1": CameraInfo(1, 10, 4, True), "CAM-OFF": CameraInfo(2, 10, 2, False)}


def test_fire_at_night_on_a_risky_site():
    # (60 fire + 15 night + (4-1)*5 site) * 0.9 = 90 * 0.9 = 81
    result = triage.severity(kind="fire_smoke", occurred_at=NOW, site_risk=4, confidence=0.9)
    assert result.score == 81
    assert [(r.factor, r.points) for r in result.reasons] == [
        ("type", 60),
        ("time", 15),
        ("site", 15),
        ("confidence", -9),
    ]
    assert sum(r.points for r in result.reasons) == result.score


def test_loitering_by_day_on_a_quiet_site():
    noon = datetime(2025, 6, 1, 5, 0, tzinfo=UTC)  # 14:00 in Seoul
    result = triage.severity(kind="loitering", occurred_at=noon, site_risk=1, confidence=0.5)
    assert result.score == 10  # (20 + 0 + 0) * 0.5
    assert result.reasons[1].label == "주간(06~18시)"


def test_fight_in_the_evening_and_half_rounds_up():
    evening = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)  # 19:00 in Seoul
    assert (
        triage.severity(kind="fight", occurred_at=evening, site_risk=5, confidence=1.0).score == 75
    )  # 50+5+20
    noon = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)  # 12:00
    # (40 intrusion + 0 + 5) * 0.5 = 22.5 → 23 (half up, not to even)
    assert triage.severity(kind="intrusion", occurred_at=noon, site_risk=2, confidence=0.5).score == 23


def _event(**overrides) -> bytes:
    body = {
        "id": "vms-1",
        "camera": "CAM-1",
        "type": "intrusion",
        "confidence": 0.8,
        "time": "2025-06-01T23:29:00+09:00",
    } | overrides
    return triage.encoder.encode({k: v for k, v in body.items() if v is not None})


def _problem(payload: bytes) -> triage.Problem:
    decoded = triage.decode(payload)
    if isinstance(decoded, triage.Problem):
        return decoded
    result = triage.check(decoded, CAMERAS, NOW)
    assert isinstance(result, triage.Problem), result
    return result


def test_a_good_event_reads():
    decoded = triage.decode(_event(rule="zone-1", snapshot="vms://x/1.jpg"))
    assert isinstance(decoded, triage.WireEvent)
    assert triage.check(decoded, CAMERAS, NOW) == CAMERAS["CAM-1"]
    assert decoded.time == NOW - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("payload", "reason", "field", "text"),
    [
        (b"{not json", "malformed_json", "", "JSON으로 읽을 수 없습니다"),
        (b"[1]", "not_an_object", "", "JSON 객체"),
        (_event(camera=None), "missing_field", "camera", "필수 항목 'camera'"),
        (_event(extra=1), "wrong_type", "extra", "알 수 없는 항목 'extra'"),
        (_event(confidence="high"), "wrong_type", "confidence", "'confidence'의 자료형"),
        (_event(time="yesterday"), "bad_timestamp", "time", "ISO 8601"),
        (_event(time="2025-06-01T23:29:00"), "bad_timestamp", "time", "시간대"),
        (_event(camera="CAM-404"), "unknown_device", "camera", "등록되지 않은 카메라입니다: CAM-404"),
        (_event(camera="CAM-OFF"), "unknown_device", "camera", "운영 중이 아닌"),
        (_event(type="dance"), "out_of_range", "type", "알 수 없는 이벤트 유형입니다: dance"),
        (_event(confidence=1.5), "out_of_range", "confidence", "0~1"),
        (_event(time="2025-06-01T23:31:00+09:00"), "ts_in_future", "time", "미래"),
        (_event(time="2025-05-30T23:29:00+09:00"), "out_of_range", "time", "하루"),
        (_event(id="has space"), "out_of_range", "id", "id는"),
        (_event(rule="z" * 65), "out_of_range", "rule", "64자"),
    ],
)
def test_bad_events_say_what_and_where(payload, reason, field, text):
    problem = _problem(payload)
    assert (problem.reason, problem.field) == (reason, field)
    assert text in problem.message


def test_a_little_clock_skew_is_allowed():
    decoded = triage.decode(_event(time="2025-06-01T23:30:20+09:00"))
    assert triage.check(decoded, CAMERAS, NOW) == CAMERAS["CAM-1"]


def test_rate_limit_bucket():
    limiter = RateLimiter(per_minute=60, burst=3)
    assert [limiter.allow(1, 100.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow(2, 100.0)  # other cameras have their own bucket
    assert limiter.allow(1, 101.0)  # one second refills one token at 60/min
    assert not limiter.allow(1, 101.0)


def test_suppression_hours_cross_midnight():
    assert triage.in_hours(time(23, 30), time(22, 0), time(6, 0))
    assert triage.in_hours(time(5, 59), time(22, 0), time(6, 0))
    assert not triage.in_hours(time(6, 0), time(22, 0), time(6, 0))
    assert triage.in_hours(time(12, 0), None, None)


def test_suppression_matches_camera_site_zone_kind_and_expiry():
    camera = CAMERAS["CAM-1"]
    market = SuppressionRule(
        1, None, 10, "zone-2", frozenset({"crowd"}), time(18), time(23, 59), None, "야시장"
    )
    args = {"camera": camera, "occurred_at": NOW}
    assert triage.suppressed_by([market], rule="zone-2", kind="crowd", **args) is market
    assert triage.suppressed_by([market], rule="zone-1", kind="crowd", **args) is None
    assert triage.suppressed_by([market], rule="zone-2", kind="fight", **args) is None
    expired = SuppressionRule(2, 1, None, "", frozenset(), None, None, NOW, "공사 끝")
    assert triage.suppressed_by([expired], rule="", kind="crowd", **args) is None
    other_camera = SuppressionRule(3, 99, None, "", frozenset(), None, None, None, "다른 카메라")
    assert triage.suppressed_by([other_camera], rule="", kind="crowd", **args) is None
