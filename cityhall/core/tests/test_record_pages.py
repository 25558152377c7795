"""The generic record pages: list (filters, search, XLSX), detail with its source lines, edit forms with
Korean errors, delete and history — guarded by the same permissions as the API."""

import html
from io import BytesIO

import pytest
from openpyxl import load_workbook

from cityhall.budget.models import Program
from cityhall.core.models import AuditEvent
from cityhall.organisation.models import OrgUnit

P1 = "smart-city-p1"


@pytest.fixture
def program(db):
    return Program.objects.get(code=P1)


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/records/programs/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/records/programs/")


def test_a_user_without_a_role_is_refused(client, roles):
    assert login(client, roles["norole"]).get("/records/programs/").status_code == 403


def test_index_lists_every_record_type(client, roles):
    html = login(client, roles["viewer"]).get("/records/").content.decode()
    assert '<a href="/records/programs/">사업</a>' in html
    assert '<a href="/records/work-plan-tasks/">업무계획 과제</a>' in html


def test_list_filters_and_searches(client, roles):
    c = login(client, roles["viewer"])
    html = c.get("/records/programs/", {"org_unit": "smart-city", "group": "main"}).content.decode()
    assert (
        "14건" in html
        and "<td>스마트가로등 운영</td>" in html
        and "<td>성과관리 만족도 조사 용역</td>" not in html
    )
    html = c.get("/records/programs/", {"q": "가로등"}).content.decode()
    assert "1건" in html and "18,054천원" in html


def test_a_bad_filter_value_is_a_korean_message_not_an_error(client, roles):
    response = login(client, roles["viewer"]).get("/records/programs/", {"year": "이천이십오"})
    assert response.status_code == 400
    assert "연도(year): '이천이십오'은(는) 정수가 아닙니다." in html.unescape(response.content.decode())


def test_unknown_type_and_record_are_404(client, roles):
    c = login(client, roles["viewer"])
    assert c.get("/records/unicorns/").status_code == 404
    assert c.get("/records/programs/999999/").status_code == 404


def test_htmx_filtering_returns_only_the_table(client, roles):
    html = (
        login(client, roles["viewer"])
        .get("/records/programs/", {"org_unit": "info-comm"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "<html" not in html and "김포시 지능정보사회 종합계획 수립" in html


def test_list_downloads_as_xlsx_with_exact_values(client, roles):
    response = login(client, roles["viewer"]).get(
        "/records/programs/", {"org_unit": "smart-city", "format": "xlsx"}
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''%EC%82%AC%EC%97%85.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[2]]
    rows = [dict(zip(headers, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == Program.objects.filter(org_unit__code="smart-city").count()
    lights = next(r for r in rows if r["코드"] == P1)
    assert (lights["사업명"], lights["사업비"], lights["사업기간"]) == (
        "스마트가로등 운영",
        18_054_000,
        "연 중",
    )


def test_detail_shows_fields_and_source_lines(client, roles, program):
    html = login(client, roles["viewer"]).get(f"/records/programs/{program.pk}/").content.decode()
    assert "18,054천원" in html
    assert f"{program.line}: " in html and "스마트가로등 운영" in html
    assert "수정</a>" not in html  # a viewer may not edit


def test_editor_edits_with_units_and_the_change_is_audited(client, roles, program):
    c = login(client, roles["editor"])
    form = c.get(f"/records/programs/{program.pk}/edit/")
    assert form.status_code == 200 and 'value="18,054천원"' in form.content.decode()
    data = form.context["form"].initial | {"budget": "2억원", "scale": "스마트가로등 638대 유지관리 및 교체"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.pop("non_budget")
    response = c.post(f"/records/programs/{program.pk}/edit/", data)
    assert (response.status_code, response["Location"]) == (302, f"/records/programs/{program.pk}/")
    program.refresh_from_db()
    assert (program.budget, program.scale) == (200_000_000, "스마트가로등 638대 유지관리 및 교체")
    event = AuditEvent.objects.get(record_type="programs", record_id=program.pk, action="update")
    assert event.actor == "sc-editor" and event.changed_fields == ["budget", "scale"]
    history = c.get(f"/records/programs/{program.pk}/history/").content.decode()
    assert "sc-editor" in history and "200,000천원" in history and "18,054천원" in history


def _post_edit(client, program, **changes):
    form = client.get(f"/records/programs/{program.pk}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()} | changes
    data.pop("non_budget")
    return client.post(f"/records/programs/{program.pk}/edit/", data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"budget": "많이"}, "budget", "금액 '많이'을(를) 읽을 수 없습니다."),
        ({"budget": "-5천원"}, "budget", "0 이상"),
        ({"period": "2025. 13."}, "period", "기간 '2025. 13.'의 날짜가 올바르지 않습니다"),
        ({"name": ""}, "name", "필수 항목입니다."),
        ({"code": "smart-city-p2"}, "code", "이미 존재합니다"),
    ],
)
def test_bad_input_gets_a_korean_error_and_changes_nothing(client, roles, program, changes, field, message):
    response = _post_edit(login(client, roles["editor"]), program, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert "입력을 확인해 주세요." in response.content.decode()
    program.refresh_from_db()
    assert (program.budget, program.name, program.period, program.code) == (
        18_054_000,
        "스마트가로등 운영",
        "연 중",
        P1,
    )
    assert not AuditEvent.objects.filter(record_type="programs", action="update").exists()


def test_editor_of_another_department_may_not_edit(client, roles, program):
    c = login(client, roles["other_editor"])
    assert c.get(f"/records/programs/{program.pk}/edit/").status_code == 403
    assert c.post(f"/records/programs/{program.pk}/edit/", {"name": "x"}).status_code == 403
    program.refresh_from_db()
    assert program.name == "스마트가로등 운영"


def test_editor_may_not_move_a_program_to_another_department(client, roles, program):
    response = _post_edit(login(client, roles["editor"]), program, org_unit="policy-planning")
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.org_unit.code == "smart-city"


def test_create_a_program(client, roles):
    c = login(client, roles["editor"])
    response = c.post(
        "/records/programs/new/",
        {
            "code": "smart-city-new",
            "name": "스마트 횡단보도",
            "org_unit": "traffic-info",
            "group": "main",
            "year": "2025",
            "budget": "1.5억원",
            "period": "'25. 3. ~ 9.",
        },
    )
    created = Program.objects.get(code="smart-city-new")
    assert response["Location"] == f"/records/programs/{created.pk}/"
    assert (created.budget, str(created.period_start), created.org_unit.code) == (
        150_000_000,
        "2025-03-01",
        "traffic-info",
    )
    assert AuditEvent.objects.filter(
        record_type="programs", record_id=created.pk, action="create", actor="sc-editor"
    ).exists()


def test_manager_deletes_and_a_record_in_use_is_kept(client, roles):
    c = login(client, roles["manager"])
    unit = OrgUnit.objects.get(code="smart-city-team")
    response = c.post(f"/records/org-units/{unit.pk}/delete/", follow=True)
    assert "다른 기록이 이 기록을 참조하고 있어 지울 수 없습니다." in response.content.decode()
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    share = Program.objects.get(code="smart-city-p9").shares.first()
    response = c.post(f"/records/funding-shares/{share.pk}/delete/")
    assert response["Location"] == "/records/funding-shares/"
    assert AuditEvent.objects.filter(
        record_type="funding_shares", record_id=share.pk, action="delete"
    ).exists()


def test_editor_may_not_delete(client, roles, program):
    assert login(client, roles["editor"]).post(f"/records/programs/{program.pk}/delete/").status_code == 403
    assert Program.objects.filter(pk=program.pk).exists()


def test_personal_names_are_masked_on_lists(client, roles, db):
    from cityhall.committees.models import Committee, CommitteeMember

    committee = Committee.objects.get(code="smart-city-c1")
    CommitteeMember.objects.create(committee=committee, name="홍길동", affiliation="시민위원")
    c = login(client, roles["viewer"])
    html = c.get("/records/committee-members/").content.decode()
    assert "홍*동" in html and "홍길동" not in html


def test_detail_shows_every_line_the_values_cite(client, roles):
    unit = OrgUnit.objects.get(code="policy-planning")
    html = login(client, roles["viewer"]).get(f"/records/org-units/{unit.pk}/").content.decode()
    # its own line with context, then the staffing row and the duties-and-budget row it cites
    assert '<span class="cited">21: 정책기획과 (5팀)' in html
    assert '<span class="cited">29: 정책기획과\t26/17' in html and "← 정원외 인력, 비고</span>" in html
    assert (
        '<span class="cited">37: 정책기획과\t' in html
        and "750,548천원 ← 주요업무, 2025년 예산</span>" in html
    )
    assert "<span>22: " in html  # context, not cited: not bold
    assert "<td>주요업무 37행 · 2025년 예산 37행 · 정원외 인력 29행 · 비고 29행</td>" in html


def test_detail_shows_derived_values_with_their_rule(client, roles):
    program = Program.objects.get(code="policy-planning-mas-2")
    html = login(client, roles["viewer"]).get(f"/records/programs/{program.pk}/").content.decode()
    assert "<h2>추론한 값</h2>" in html and "<td>시행 부서</td>" in html
    assert "<dt>시행 부서</dt><dd>병합 셀: 부서는 587행에 한 번 적혀 아래 행에 걸칩니다</dd>" in html
    assert '<span class="cited">587: 1\t월곶면\t보구곶리 마을회관 정비 사업' in html


def test_detail_shows_an_approximate_amount_with_its_mark(client, roles):
    program = Program.objects.get(code="policy-planning-noise-compensation")
    html = login(client, roles["viewer"]).get(f"/records/programs/{program.pk}/").content.decode()
    assert "<td>약 40,000천원</td>" in html
    assert '<span class="cited">565: - 소요예산 : 약 40,000천원 (국비 100%) ← 사업비</span>' in html
