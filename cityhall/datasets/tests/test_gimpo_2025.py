"""The Gimpo 2025 dataset against its source: every record traced to its line, nothing left out, and
the seed's own figures pinned so that a wrong transcription fails."""

import re

from django.db.models import Sum

from cityhall.budget.models import FundingShare, Program
from cityhall.committees.models import Committee
from cityhall.core.transfer import read_dataset, source_text
from cityhall.facilities.models import Equipment
from cityhall.organisation.models import OrgUnit, Person, Position
from cityhall.plans.models import Achievement, Figure, Milestone, TaskOwner, WorkPlanTask

DATASET = "gimpo-2025"
SOURCE = source_text(DATASET)
DOC = read_dataset(DATASET)


def norm(text: str) -> str:
    return re.sub(r"[\s*•·\-–—:'‘’“”\"()\[\]]", "", text)


def test_every_record_has_a_source_line_within_the_document():
    for type_name, records in DOC.items():
        if type_name in {"format", "document", "committee_members"}:
            continue
        for record in records:
            assert 1 <= record["line"] <= len(SOURCE), (type_name, record)
            assert record["section"], (type_name, record)


def cited_elsewhere(record: dict) -> list[int]:
    """The lines a record cites for its values (``lines``) and its derived values' rules."""
    out = []
    for cited in (record.get("lines") or {}).values():
        out += cited if isinstance(cited, list) else [cited]
    out += [rule["line"] for rule in (record.get("derived") or {}).values() if "line" in rule]
    return out


STRUCTURE = re.compile(
    r"^(I|II|III|IV)\.\s|^\d\.\s"
    r"|^[□○]\s*(정책기획과|예산법무과|정보통신과|스마트도시과|주요사업|위원회|주요 시설물)"
    r"|^\(단위|^-{3,}|^[-\s]*(스마트가로등|ITS, BIS|ITS 현장|BIT 설치|공간정보시스템|CCTV 통합관제시스템)"
    r"|^(정 ?책 ?기 ?획 ?과|예산법무과|정 보 통 신 과|스 마 트 도 시 과|주 ?요 ?업 ?무)$"
)
HEADER_WORDS = ("연번", "구분", "구 분", "설치연도", "부서", "사업명", "3급", "국도비", "사전심의")
PICTURES_ONLY = {916: "□ 서비스 절차", 1077: "□ 긴급차량 우선신호시스템 운영사례"}  # headings over images


def test_nothing_in_the_source_is_left_out():
    """Every line from section I on is a record's line, a heading kept on the records under it
    (□ headings, ❖ goals), or structure (numbered headings, table headers, units)."""
    lines = {
        n
        for records in DOC.values()
        if isinstance(records, list)
        for r in records
        if "line" in r
        for n in [r["line"], *cited_elsewhere(r)]
    }
    kept_text = norm(
        " ".join(
            [item["heading"] for item in DOC["task_items"]]
            + [goal for task in DOC["work_plan_tasks"] for goal in task["goals"]]
            + [duty for unit in DOC["org_units"] for duty in unit.get("duties", [])]
            + [unit["name"] for unit in DOC["org_units"]]
            + [record.get("note", "") for record in DOC["equipment"]]
            + [figure["label"] for figure in DOC["figures"]]
        )
    )
    budgets = {unit["budget"] for unit in DOC["org_units"] if unit.get("budget")}
    missing = []
    for number, raw in enumerate(SOURCE, start=1):
        text = raw.strip()
        if number < 14 or not text or number in lines or STRUCTURE.search(text):
            continue
        if text.startswith(HEADER_WORDS) or PICTURES_ONLY.get(number) == text:
            continue
        if "<ul" in text:  # a 주요업무 row: department, its duties, its budget
            cells = re.split(r"[•\t]", re.sub(r"<[^>]+>", "", text))
            if all(not norm(c) or norm(c) in kept_text or c.strip() in budgets for c in cells):
                continue
        if text.lstrip("-□❖ ").startswith(("추진", "기대효과", "사업개요", "운영개요", "서비스 절차")):
            continue
        body = norm(re.sub(r"^[-□❖※\s]+", "", text))
        if body and body in kept_text:
            continue
        missing.append((number, text[:60]))
    assert missing == [], missing


# -- the seed's own figures -----------------------------------------------------------------


def test_organisation_4_departments_18_teams(db):
    assert OrgUnit.objects.get(kind="office").name == "기획조정실"
    departments = OrgUnit.objects.filter(kind="department").order_by("order")
    assert [d.name for d in departments] == ["정책기획과", "예산법무과", "정보통신과", "스마트도시과"]
    assert [d.children.count() for d in departments] == [5, 5, 4, 4]
    assert OrgUnit.objects.filter(kind="team").count() == 18
    assert list(
        OrgUnit.objects.get(code="smart-city").children.order_by("order").values_list("name", flat=True)
    ) == [
        "스마트도시팀",
        "교통정보팀",
        "공간정보팀",
        "도시안전정보센터",
    ]


def test_staffing_quota_82_current_71_supernumerary_6(db):
    totals = Position.objects.aggregate(quota=Sum("quota"), current=Sum("current"))
    assert totals == {"quota": 82, "current": 71}
    by_department = {
        d.name: (sum(p.quota for p in d.positions.all()), sum(p.current for p in d.positions.all()))
        for d in OrgUnit.objects.filter(kind="department")
    }
    assert by_department == {
        "정책기획과": (26, 17),
        "예산법무과": (20, 20),
        "정보통신과": (20, 19),
        "스마트도시과": (16, 15),
    }
    assert OrgUnit.objects.aggregate(s=Sum("supernumerary"))["s"] == 6
    g7 = Position.objects.filter(grade="g7").aggregate(quota=Sum("quota"), current=Sum("current"))
    assert g7 == {"quota": 34, "current": 26}
    assert (
        Position.objects.get(org_unit__code="info-comm", grade="g6").current == 5
    )  # over quota (4/5), as written


def test_department_budgets_total_64_4_billion_won(db):
    budgets = dict(OrgUnit.objects.filter(kind="department").values_list("code", "budget"))
    assert budgets == {
        "policy-planning": 750_548_000,
        "budget-legal": 52_150_673_000,
        "info-comm": 3_570_933_000,
        "smart-city": 7_943_267_000,
    }
    assert sum(budgets.values()) == 64_415_421_000


def test_main_programs_of_section_I(db):
    main = Program.objects.filter(group="main")
    counts = {
        code: main.filter(org_unit__code=code).count()
        for code in ("policy-planning", "budget-legal", "info-comm", "smart-city")
    }
    assert counts == {"policy-planning": 4, "budget-legal": 7, "info-comm": 8, "smart-city": 14}
    sums = {code: main.filter(org_unit__code=code).aggregate(s=Sum("budget"))["s"] for code in counts}
    assert sums == {
        "policy-planning": 169_848_000,
        "budget-legal": 22_422_859_000,
        "info-comm": 2_595_636_000,
        "smart-city": 7_792_439_000,
    }
    evaluation = Program.objects.get(code="policy-planning-p1")
    assert (evaluation.name, evaluation.budget, evaluation.period) == (
        "성과관리 만족도 조사 용역",
        50_000_000,
        "'25. 4. ~ 11.",
    )
    assert (str(evaluation.period_start), str(evaluation.period_end)) == ("2025-04-01", "2025-11-30")
    yearlong = Program.objects.get(code="policy-planning-p2")
    assert (yearlong.period, str(yearlong.period_start), str(yearlong.period_end)) == (
        "연 중",
        "2025-01-01",
        "2025-12-31",
    )


def test_19_committees(db):
    committees = Committee.objects.filter(kind="committee")
    assert committees.count() == 19
    per_department = [
        committees.filter(org_unit__code=c).count()
        for c in ("policy-planning", "budget-legal", "info-comm", "smart-city")
    ]
    assert per_department == [7, 9, 2, 1]
    participatory = committees.get(name="주민참여예산 위원회")
    assert (participatory.member_count, participatory.chair) == (45, "위창수 (위촉위원)")
    assert Committee.objects.filter(kind="council").count() == 3  # 군·관 협의체 tiers


def test_24_work_plan_tasks_with_owners(db):
    tasks = WorkPlanTask.objects.all()
    assert tasks.count() == 24
    assert [
        tasks.filter(department__code=c).count()
        for c in ("policy-planning", "budget-legal", "info-comm", "smart-city")
    ] == [6, 6, 7, 5]
    heads = set(TaskOwner.objects.filter(role="department_head").values_list("person__name", flat=True))
    assert heads == {"이금미", "조은정", "이관호", "이미화"}
    assert not tasks.exclude(owners__role="department_head").exists()
    lead = Person.objects.get(name="이민호")
    assert (lead.title, lead.extension, lead.org_unit.code) == ("기획팀장", "2051", "planning")


def test_milestones_are_dated(db):
    assert not Milestone.objects.filter(period_start__isnull=True).exists()
    preemption = Milestone.objects.get(task__code="smart-city-2", period="2025. 3. ~ 4.")
    assert (str(preemption.period_start), str(preemption.period_end)) == ("2025-03-01", "2025-04-30")


def test_equipment_inventories(db):
    lights = Equipment.objects.filter(system="streetlight")
    assert lights.filter(kind="가로등").aggregate(s=Sum("count"))["s"] == 638
    assert lights.filter(kind="기지국").aggregate(s=Sum("count"))["s"] == 25
    assert Equipment.objects.filter(system="cctv").aggregate(s=Sum("count"))["s"] == 703
    assert Equipment.objects.filter(system="gis").aggregate(s=Sum("count"))["s"] == 19
    bit = Equipment.objects.get(kind="BIT")
    assert (bit.sites, bit.count) == (472, 498)


def test_military_area_support_as_written(db):
    rows = Program.objects.filter(group="military-area-support")
    assert rows.count() == 8
    assert rows.aggregate(s=Sum("budget"))["s"] == 484_000_000
    provincial = FundingShare.objects.filter(program__group="military-area-support", source="provincial")
    assert provincial.aggregate(s=Sum("amount"))["s"] == 252_000_000  # the table's total says 242,000


def test_achievements_and_pledge_figures(db):
    assert Achievement.objects.filter(year=2024).count() == Achievement.objects.count() > 20
    pledges = {f.key: f.value for f in Figure.objects.filter(key__startswith="pledges.", line__lt=400)}
    assert pledges["pledges.total"] == 56
    assert (pledges["pledges.completed"], pledges["pledges.due-2025"], pledges["pledges.in-progress"]) == (
        27,
        9,
        20,
    )
