"""Video-information requests: the legal basis must fit the requester, periods must exist in the VMS,
decisions happen once, copies that need masking go out masked; pages and API with their rights and
errors (nothing half-written), and the audit trail."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from cityhall.cctv import services, video
from cityhall.cctv.choices import VideoStatus
from cityhall.cctv.models import VideoHandover, VideoRequest
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import Role


@pytest.fixture
def officer(make_user):
    return make_user("video-officer", Role.EDITOR, "smart-city")


@pytest.fixture
def client_for(make_user):
    def make(role, department="smart-city"):
        client = Client()
        client.force_login(make_user(f"v-{role}-{department}", role, department))
        return client

    return make


def _police(officer, **overrides):
    now = timezone.now()
    args = {
        "camera": "CAM-A",
        "requester_kind": "police",
        "requester_name": "김수사",
        "requester_org": "김포경찰서",
        "period_start": now - timedelta(hours=3),
        "period_end": now - timedelta(hours=2),
        "purpose": "절도 사건 수사",
        "legal_basis": "art18_2_7",
        "actor": Actor.for_user(officer),
    } | overrides
    return services.video_request_create(**args)


def test_police_request_approved_and_handed_over_masked(small_registry, officer):
    item = _police(officer)
    assert item.number.startswith("VR-") and item.status == VideoStatus.RECEIVED
    assert item.vms_ref.startswith("vms://CAM-A/")
    actor = Actor.for_user(officer)
    retention = timezone.localdate() + timedelta(days=365)
    services.video_request_decide(
        request=item, approve=True, masking_required=True, note="", retention_until=retention, actor=actor
    )
    with pytest.raises(RecordInvalid) as exc:  # a copy that needs masking, unmasked
        services.video_request_hand_over(
            request=item, method="copy", recipient="김수사", masked=False, actor=actor
        )
    assert "masked" in exc.value.errors
    assert not VideoHandover.objects.exists()
    services.video_request_hand_over(
        request=item, method="copy", recipient="김수사", masked=True, actor=actor
    )
    item.refresh_from_db()
    assert item.status == VideoStatus.HANDED_OVER and item.retention_until == retention
    actions = list(AuditEvent.objects.filter(record_id=str(item.pk)).values_list("action", flat=True))
    assert {"create", "vr_decide", "vr_give"} <= set(actions)


def test_decision_happens_once_and_refusal_needs_a_reason(small_registry, officer):
    item = _police(officer)
    actor = Actor.for_user(officer)
    with pytest.raises(RecordInvalid) as exc:
        services.video_request_decide(
            request=item, approve=False, masking_required=True, note="", retention_until=None, actor=actor
        )
    assert "decision_note" in exc.value.errors
    services.video_request_decide(
        request=item,
        approve=False,
        masking_required=True,
        note="근거 부족",
        retention_until=None,
        actor=actor,
    )
    with pytest.raises(RecordInvalid, match="이미 결정된"):
        services.video_request_decide(
            request=item,
            approve=True,
            masking_required=True,
            note="",
            retention_until=date(2099, 1, 1),
            actor=actor,
        )
    with pytest.raises(RecordInvalid, match="승인된 요청만"):
        services.video_request_hand_over(
            request=item, method="viewing", recipient="김수사", masked=False, actor=actor
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_basis": "art35"}, "legal_basis"),  # the police cannot use the data subject's right
        ({"requester_kind": "subject", "legal_basis": "art18_2_7"}, "legal_basis"),
        ({"legal_basis": "nope"}, "legal_basis"),
        ({"camera": "CAM-NONE"}, "camera"),
        ({"requester_name": "  "}, "requester_name"),
        ({"requester_org": ""}, "requester_org"),
        ({"purpose": "x" * 600}, "purpose"),
    ],
)
def test_bad_requests_say_what_and_where(small_registry, officer, overrides, field):
    with pytest.raises(RecordInvalid) as exc:
        _police(officer, **overrides)
    assert field in exc.value.errors
    assert not VideoRequest.objects.exists()


def test_periods_must_exist_in_the_vms():
    now = timezone.now()
    assert "period_end" in video.check_period(now - timedelta(hours=1), now - timedelta(hours=2), now)
    assert "period_end" in video.check_period(now - timedelta(hours=30), now - timedelta(hours=1), now)
    assert "period_end" in video.check_period(now - timedelta(minutes=5), now + timedelta(minutes=5), now)
    old = now - timedelta(days=video.VMS_RETENTION_DAYS + 1)
    assert "period_start" in video.check_period(old, old + timedelta(hours=1), now)
    assert video.check_period(now - timedelta(hours=2), now - timedelta(hours=1), now) == {}


def test_viewers_and_other_departments_may_not(small_registry, make_user):
    for role, dept in [(Role.VIEWER, "smart-city"), (Role.EDITOR, "policy-planning")]:
        with pytest.raises(PermissionDenied):
            _police(make_user(f"x-{role}-{dept}", role, dept))


def test_api_create_decide_and_errors(small_registry, client_for):
    client = client_for(Role.EDITOR)
    now = timezone.now()
    body = {
        "camera": "CAM-A",
        "requester_kind": "subject",
        "requester_name": "홍길동",
        "period_start": (now - timedelta(hours=2)).isoformat(),
        "period_end": (now - timedelta(hours=1)).isoformat(),
        "purpose": "본인 차량 파손 확인",
        "legal_basis": "art35",
    }
    url = "/api/v1/cctv/video-requests"
    created = client.post(url, data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    bad = client.post(
        url, data=json.dumps(body | {"legal_basis": "art18_2_7"}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert any(d["loc"][-1] == "legal_basis" for d in bad.json()["detail"])
    assert VideoRequest.objects.count() == 1
    decide = f"{url}/{number}/decide"
    # A data subject's viewing is masked unless a reason says why not.
    unmasked = {"approve": True, "masking_required": False, "retention_until": "2099-01-01"}
    assert client.post(decide, data=json.dumps(unmasked), content_type="application/json").status_code == 422
    ok = client.post(
        decide, data=json.dumps(unmasked | {"masking_required": True}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    viewer = client_for(Role.VIEWER)
    assert viewer.get(url).status_code == 403
    assert viewer.get(f"{url}/{number}").status_code == 403
    assert client.get(f"{url}/VR-0000-00000").status_code == 404


def test_pages_create_with_errors_and_permission(small_registry, client_for):
    client = client_for(Role.EDITOR)
    assert client.get("/cctv/video-requests/").status_code == 200
    bad = client.post("/cctv/video-requests/", {"camera": "CAM-A", "requester_kind": "police"})
    assert bad.status_code == 422
    assert "요청자을(를) 적어 주세요" in bad.content.decode()
    assert not VideoRequest.objects.exists()
    now = timezone.localtime()
    good = client.post(
        "/cctv/video-requests/",
        {
            "camera": "CAM-A",
            "requester_kind": "police",
            "requester_name": "<script>alert(1)</script>",
            "requester_org": "김포경찰서",
            "period_start": (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "period_end": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "legal_basis": "art18_2_7",
            "purpose": "수사",
        },
    )
    assert good.status_code == 302
    page = client.get(good["Location"])
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert client_for(Role.VIEWER).get("/cctv/video-requests/").status_code == 403


def test_site_ranking_page_and_api(small_registry, client_for):
    services.candidates_build_samples(actor=Actor.system("test"))
    client = client_for(Role.VIEWER)  # any role may read the ranking
    page = client.get("/cctv/sites/ranking/")
    assert page.status_code == 200 and page.content.decode().count('data-testid="candidate"') == 12
    ranked = client.get("/api/v1/cctv/sites/ranking").json()
    assert [r["rank"] for r in ranked] == list(range(1, 13))
    assert all(len(r["factors"]) == 5 for r in ranked)
    assert ranked[0]["score"] >= ranked[-1]["score"]


# --- Retention ---------------------------------------------------------------------------------------


def test_requesters_are_erased_after_the_retention_and_the_request_stays(small_registry, officer, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cityhall.core.personal_data import retention_jobs

    settings.CITYHALL_CCTV_REJECTED_RETENTION_DAYS = 365
    actor = Actor.for_user(officer)
    seoul = ZoneInfo("Asia/Seoul")
    given = _police(officer)
    services.video_request_decide(
        request=given,
        approve=True,
        masking_required=True,
        note="",
        retention_until=timezone.localdate() + timedelta(days=30),
        actor=actor,
    )
    services.video_request_hand_over(
        request=given, method="copy", recipient="김수사", masked=True, actor=actor
    )
    kept = _police(officer, requester_name="박형사")
    services.video_request_decide(
        request=kept,
        approve=True,
        masking_required=True,
        note="",
        retention_until=timezone.localdate() + timedelta(days=30),
        actor=actor,
    )
    refused = _police(officer, requester_name="이거부")
    services.video_request_decide(
        request=refused,
        approve=False,
        masking_required=True,
        note="근거 부족",
        retention_until=None,
        actor=actor,
    )
    undecided = _police(officer, requester_name="최대기")
    # Exact dates: kept until 2026-12-02 (erased from 2026-12-03), until 2026-12-03 (kept on the 3rd),
    # refused on 2025-12-02 23:30 Korean time (365 days: erased from 2026-12-03).
    VideoRequest.objects.filter(pk=given.pk).update(retention_until=date(2026, 12, 2))
    VideoRequest.objects.filter(pk=kept.pk).update(retention_until=date(2026, 12, 3))
    VideoRequest.objects.filter(pk=refused.pk).update(decided_at=datetime(2025, 12, 2, 23, 30, tzinfo=seoul))
    VideoRequest.objects.filter(pk=undecided.pk).update(received_at=datetime(2020, 1, 1, tzinfo=seoul))
    job = retention_jobs()["cctv.video_requests"]

    assert job(Actor.system("test:purge"), date(2026, 12, 2)) == 0
    assert job(Actor.system("test:purge"), date(2026, 12, 3)) == 2
    rows = {r.pk: r for r in VideoRequest.objects.all()}
    for pk in (given.pk, refused.pk):
        row = rows[pk]
        assert (row.requester_name, row.purpose, row.purged) == ("(파기됨)", "(파기됨)", True)
    # The request itself stays: number, institution, camera, period, basis, decision.
    assert rows[given.pk].number == given.number and rows[given.pk].requester_org == "김포경찰서"
    assert rows[given.pk].status == VideoStatus.HANDED_OVER and rows[given.pk].camera.code == "CAM-A"
    assert rows[refused.pk].decision_note == "근거 부족"
    handover = VideoHandover.objects.get(request=given)
    assert (handover.recipient, handover.note, handover.method) == ("(파기됨)", "", "copy")
    assert rows[kept.pk].requester_name == "박형사" and not rows[kept.pk].purged
    assert rows[undecided.pk].requester_name == "최대기"
    # The hand-over's audit names its request by number (the registry's key for requests).
    erased = AuditEvent.objects.filter(record_type="cctv_video_handovers", record_id=handover.pk).latest("id")
    assert erased.after["request"] == given.number and erased.after["method"] == "copy"
    # Audited by the job, masked.
    event = AuditEvent.objects.filter(record_type="cctv_video_requests", record_id=given.pk).latest("id")
    assert event.actor == "test:purge" and event.action == "update"
    assert event.after["requester_name"] != "김수사" and event.before["requester_name"] != "김수사"
    # Idempotent; the next day the second approved one goes.
    assert job(Actor.system("test:purge"), date(2026, 12, 3)) == 0
    assert job(Actor.system("test:purge"), date(2026, 12, 4)) == 1
