"""자치법규: the registry, the pipeline's refusals, the phrase search, bulk revisions and 2024's figures."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.legal import selectors, services
from cityhall.legal.models import Regulation, Revision, RevisionTransition, Stage
from cityhall.organisation.models import OrgUnit, Role

SYSTEM = Actor.system("test")
ARTICLES = [
    {"number": "제1조", "title": "목적", "text": "이 조례는 노인 교통비 지원에 관한 사항을 정한다."},
    {"number": "제3조", "title": "지원대상", "text": "시장은 만 65세 이상인 시민에게 교통비를 지원한다."},
]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-03-04")


@pytest.fixture
def staff(make_user):
    return make_user("legal-editor", Role.EDITOR, "budget-legal")


@pytest.fixture
def regulation(db):
    unit = OrgUnit.objects.get(code="policy-planning")
    return services.regulation_create(
        code="elderly-fare",
        kind="ordinance",
        title="김포시 노인 교통비 지원 조례",
        department=unit,
        articles=ARTICLES,
        actor=SYSTEM,
    )


def _open(regulation, actor=SYSTEM, **kw):
    return services.revision_open(
        code=kw.pop("code", "rev-1"),
        regulation=regulation,
        kind=kw.pop("kind", "amend"),
        title="일부개정",
        department=regulation.department,
        actor=actor,
        **kw,
    )


def test_a_regulation_starts_with_its_first_version(regulation):
    version = services.current_version(regulation)
    assert version.number == 1 and version.articles == ARTICLES
    assert AuditEvent.objects.filter(
        record_type="regulations", record_id=regulation.pk, action="create"
    ).exists()


def test_articles_are_checked_with_the_place_named(db):
    unit = OrgUnit.objects.get(code="policy-planning")
    with pytest.raises(services.RecordInvalid) as exc:
        services.regulation_create(
            code="bad",
            kind="ordinance",
            title="x",
            department=unit,
            actor=SYSTEM,
            articles=[{"number": "3조", "text": "a"}, {"number": "제4조", "text": ""}],
        )
    assert exc.value.errors["articles"] == [
        "1번째 조문: 조 번호 '3조'은(는) '제3조', '제3조의2' 꼴이어야 합니다.",
        "2번째 조문(제4조): 본문이 비어 있습니다.",
    ]
    assert not Regulation.objects.filter(code="bad").exists()  # nothing half-written


def test_parse_articles_text_reads_a_regulation_as_written():
    text = "제1조(목적) 이 조례는 …\n제2조의2(정의) ① 가\n② 나\n제3조 본문"
    assert services.parse_articles_text(text) == [
        {"number": "제1조", "title": "목적", "text": "이 조례는 …"},
        {"number": "제2조의2", "title": "정의", "text": "① 가\n② 나"},
        {"number": "제3조", "title": "", "text": "본문"},
    ]
    with pytest.raises(services.RecordInvalid):
        services.parse_articles_text("머리말\n제1조 본문")


def test_draft_comparison_and_the_early_stages(regulation, staff):
    revision = _open(regulation)
    draft = [dict(a) for a in ARTICLES]
    draft[1]["text"] = "시장은 65세 이상인 시민에게 교통비를 지원한다."
    services.revision_update_draft(revision=revision, draft=draft, actor=Actor.for_user(staff))
    rows = services.revision_comparison(Revision.objects.get(pk=revision.pk))
    assert [(r.number, r.change) for r in rows] == [("제3조", "changed")]
    assert [s.text for s in rows[0].old if s.marked] == ["만"]
    actor = Actor.for_user(staff)
    services.revision_advance(
        revision=revision, to_stage=Stage.CONSULTATION, on=date(2025, 3, 4), actor=actor
    )
    services.revision_advance(
        revision=revision, to_stage=Stage.LEGAL_REVIEW, on=date(2025, 3, 5), actor=actor
    )
    revision.refresh_from_db()
    assert revision.stage == Stage.LEGAL_REVIEW
    assert list(revision.transitions.values_list("from_stage", "to_stage")) == [
        ("drafting", "consultation"),
        ("consultation", "legal_review"),
    ]
    assert (
        AuditEvent.objects.filter(record_type="revisions", record_id=revision.pk, action="update").count()
        == 3
    )


def test_stages_cannot_be_skipped_or_go_back_in_time(regulation, staff):
    revision = _open(regulation)
    actor = Actor.for_user(staff)
    with pytest.raises(services.RecordInvalid) as exc:
        services.revision_advance(revision=revision, to_stage=Stage.COUNCIL, actor=actor)
    assert "가능한 단계: 사전협의, 철회" in str(exc.value)
    services.revision_advance(
        revision=revision, to_stage=Stage.CONSULTATION, on=date(2025, 3, 4), actor=actor
    )
    with pytest.raises(services.RecordInvalid) as exc:
        services.revision_advance(
            revision=revision, to_stage=Stage.LEGAL_REVIEW, on=date(2025, 3, 1), actor=actor
        )
    assert exc.value.errors["on"] == ["일자(2025-03-01)가 앞 단계 일자(2025-03-04)보다 이릅니다."]
    assert RevisionTransition.objects.filter(revision=revision).count() == 1


def test_directives_skip_the_council_and_the_deliberation(db):
    unit = OrgUnit.objects.get(code="policy-planning")
    directive = services.regulation_create(
        code="d1", kind="directive", title="훈령", department=unit, articles=ARTICLES, actor=SYSTEM
    )
    revision = _open(directive)
    revision.stage = Stage.NOTICE
    assert services.next_stages(revision) == [Stage.PROMULGATION, Stage.WITHDRAWN]


def test_only_the_legal_team_moves_a_revision(regulation, make_user):
    editor = make_user("pp-editor", Role.EDITOR, "policy-planning")
    revision = _open(regulation, actor=Actor.for_user(editor))  # the drafting department opens it
    with pytest.raises(PermissionDenied):
        services.revision_advance(
            revision=revision, to_stage=Stage.CONSULTATION, actor=Actor.for_user(editor)
        )
    other = make_user("sc-editor", Role.EDITOR, "smart-city")
    with pytest.raises(PermissionDenied):
        services.revision_update_draft(revision=revision, draft=ARTICLES, actor=Actor.for_user(other))
    assert Revision.objects.get(pk=revision.pk).stage == Stage.DRAFTING


def test_one_revision_at_a_time_per_regulation(regulation):
    _open(regulation)
    with pytest.raises(services.RecordInvalid, match="진행 중인 제·개정"):
        _open(regulation, code="rev-2")


def test_phrase_search_and_bulk_revision_across_regulations(regulation, staff):
    unit = OrgUnit.objects.get(code="smart-city")
    services.regulation_create(
        code="youth",
        kind="rule",
        title="청년 규칙",
        department=unit,
        actor=SYSTEM,
        articles=[
            {"number": "제2조", "title": "정의", "text": '"청년"이란 만19세 이상 39세 이하인 사람을 말한다.'}
        ],
    )
    services.regulation_create(
        code="other",
        kind="rule",
        title="무관한 규칙",
        department=unit,
        actor=SYSTEM,
        articles=[{"number": "제1조", "title": "목적", "text": "만원 단위로 적는다."}],
    )
    hits = selectors.regulations_containing(r"만\s?(\d+)세", regex=True)
    assert [(h.regulation.code, [m.number for m in h.matches]) for h in hits] == [
        ("elderly-fare", ["제3조"]),
        ("youth", ["제2조"]),
    ]
    bulk = services.bulk_revision_open(
        code="age",
        title="만 나이 일괄개정",
        phrase=r"만\s?(\d+)세",
        replacement=r"\1세",
        regex=True,
        actor=Actor.for_user(staff),
    )
    revisions = {r.regulation.code: r for r in bulk.revisions.select_related("regulation")}
    assert sorted(revisions) == ["elderly-fare", "youth"]
    youth = revisions["youth"]
    assert youth.department == unit and youth.stage == Stage.DRAFTING
    assert youth.draft[0]["text"] == '"청년"이란 19세 이상 39세 이하인 사람을 말한다.'
    # A second bulk revision refuses the regulations now under revision, naming them.
    with pytest.raises(services.RecordInvalid, match="진행 중인 제·개정이 있는 자치법규"):
        services.bulk_revision_open(
            code="age2", title="x", phrase="만", replacement="", actor=Actor.for_user(staff)
        )


def test_bulk_revision_bad_input(staff, regulation):
    actor = Actor.for_user(staff)
    with pytest.raises(services.RecordInvalid, match="정규식이 올바르지 않습니다"):
        services.bulk_revision_open(code="b", title="x", phrase="(", replacement="", regex=True, actor=actor)
    with pytest.raises(services.RecordInvalid, match="들어 있는 자치법규가 없습니다"):
        services.bulk_revision_open(code="b", title="x", phrase="없는문구", replacement="", actor=actor)


def test_the_2024_statistics_reproduce_the_seed(db):
    services.legal_load_sample(today=date(2025, 3, 4))
    stats = selectors.year_statistics(2024)
    assert stats.total == 120  # 행 275
    assert dict(stats.by_kind) == {"제정": 28, "개정": 90, "폐지": 2}  # 행 276
    assert dict(stats.by_regulation_kind) == {"조례": 88, "규칙": 23, "훈령": 8, "예규": 1}
    assert stats.meetings == 24  # 조례규칙심의회 24회 (행 275)
    assert stats.sample
    counts = dict(selectors.case_counts(2024).rows)
    assert (counts["민사소송"], counts["행정소송"], counts["법률자문"]) == (77, 114, 386)  # 행 282–283
    assert counts["행정심판"] + counts["청문"] == 455  # 행 284
    # The '만 나이' bulk revision of 2024 (행 277) left no '만 N세' in the regulations it revised.
    bulk = Revision.objects.filter(bulk__code="sample-2024-age")
    assert bulk.count() == 12
    assert all("만 65세" not in str(r.new_version.articles) for r in bulk.select_related("new_version"))
    # Loading again replaces the sample.
    services.legal_load_sample(today=date(2025, 3, 4))
    assert selectors.year_statistics(2024).total == 120


def test_the_whole_pipeline_writes_a_new_version(regulation, staff):
    actor = Actor.for_user(staff)
    revision = _open(regulation)
    draft = [dict(a) for a in ARTICLES]
    draft[1]["text"] = "시장은 65세 이상인 시민에게 교통비를 지원한다."
    services.revision_update_draft(revision=revision, draft=draft, actor=actor)
    steps = [
        (Stage.CONSULTATION, date(2025, 3, 4)),
        (Stage.LEGAL_REVIEW, date(2025, 3, 5)),
        (Stage.NOTICE, date(2025, 3, 10)),  # 20 days → Sun 3-30 → Mon 3-31 (민법 §161)
    ]
    for stage, on in steps:
        services.revision_advance(revision=revision, to_stage=stage, on=on, actor=actor)
    revision.refresh_from_db()
    assert (revision.notice_starts_on, revision.notice_ends_on) == (date(2025, 3, 10), date(2025, 3, 31))
    with pytest.raises(services.RecordInvalid, match=r"입법예고 기간\(2025-03-31까지\)"):
        services.revision_advance(
            revision=revision, to_stage=Stage.DELIBERATION, on=date(2025, 3, 31), actor=actor
        )
    for stage, on in [
        (Stage.DELIBERATION, date(2025, 4, 3)),
        (Stage.COUNCIL, date(2025, 4, 18)),
        (Stage.PROMULGATION, date(2025, 4, 25)),
        (Stage.IN_FORCE, date(2025, 5, 1)),
    ]:
        services.revision_advance(revision=revision, to_stage=stage, on=on, actor=actor)
    revision.refresh_from_db()
    assert revision.stage == Stage.IN_FORCE
    # The 심의회 met for it: a meeting of the shared committee, with the revision on its agenda.
    meeting = revision.deliberation_meeting
    assert (meeting.committee.code, meeting.held_on) == ("budget-legal-c8", date(2025, 4, 3))
    assert [i.title for i in meeting.agenda_items.all()] == ["일부개정"]
    version = services.current_version(regulation)
    assert (version.number, version.effective_on, version.articles) == (2, date(2025, 5, 1), draft)
    # Promulgated: the table now compares version 1 with version 2.
    rows = services.revision_comparison(revision)
    assert [s.text for s in rows[0].old if s.marked] == ["만"]
    assert services.next_stages(revision) == []
