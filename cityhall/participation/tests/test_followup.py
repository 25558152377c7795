"""Follow-up in public: the responsible department reports a selected project's progress; nobody
else may, nothing unselected is followed up, bad input changes nothing."""

import pytest

from cityhall.core.models import AuditEvent
from cityhall.participation.choices import PhaseKind, ProposalStatus
from cityhall.participation.models import ProgressReport, Proposal

from .factories import process

pytestmark = pytest.mark.django_db


def test_the_department_reports_progress_on_the_public_page(client, make_user):
    proc = process(code="pb-follow", phase=PhaseKind.FINISHED)
    Proposal.objects.filter(process=proc, number=1).update(status=ProposalStatus.SELECTED)
    base = f"/participation/{proc.code}/proposals"
    client.force_login(make_user("citizen"))
    assert client.post(f"{base}/1/progress/", {"percent": "10", "note": "착수"}).status_code == 403
    client.force_login(make_user("bl-editor", "editor", "budget-legal"))
    assert "추진 상황 보고" in client.get(f"{base}/1/").content.decode()
    response = client.post(f"{base}/1/progress/", {"percent": "140", "note": ""}, follow=True)
    page = response.content.decode()
    assert "추진율은 0~100 사이의 정수로 적으세요." in page and "추진 내용을 적으세요." in page
    response = client.post(f"{base}/2/progress/", {"percent": "10", "note": "착수"}, follow=True)
    assert "선정된 사업(채택된 제안)만 추진 상황을 보고합니다." in response.content.decode()
    assert not ProgressReport.objects.exists()
    client.post(f"{base}/1/progress/", {"percent": "40%", "note": "실시설계 완료 <b>x</b>"})
    report = ProgressReport.objects.get()
    assert (report.percent, report.note) == (40, "실시설계 완료 <b>x</b>")
    assert AuditEvent.objects.filter(record_type="participation_progress", after={"percent": 40}).exists()
    client.logout()
    public = client.get(f"{base}/1/").content.decode()
    assert "40% · 실시설계 완료 &lt;b&gt;x&lt;/b&gt;" in public and "추진 상황 보고" not in public
