"""Writes for 정보통신과: projects move through their phases only past their gates (a rule every
write runs — the record pages, the API and these services), reviews are requested and decided by
정보통신과 (``it_staff``), and the sample data for what the seed only counts. Each write validates
first, runs in one transaction and is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.core import audit, clock, deadlines
from cityhall.core.records import Errors, record_type_for
from cityhall.core.services import RecordInvalid, record_update

from . import gates
from .models import InformatizationProject, Phase, ProjectReview, ReviewKind, ReviewResult
from .writes import IT_DEPARTMENT, require_it_staff, save_audited

REVIEWS_STAFF_ONLY = gettext_lazy(
    "정보화사업 검토는 정보통신과(편집자·관리자)나 실장·관리자만 기록할 수 있습니다."
)


def project_facts(project: InformatizationProject, *, phase: str | None = None) -> gates.ProjectFacts:
    rows = project.reviews.values_list("kind", "decided_on", "result") if project.pk else []
    latest = gates.latest_results((kind, d.isoformat() if d else None, result) for kind, d, result in rows)
    return gates.ProjectFacts(
        phase=phase or project.phase,
        software=project.software,
        needs_prior_consultation=project.needs_prior_consultation,
        latest=latest,
    )


def project_rules(project: InformatizationProject, before: dict[str, Any] | None) -> Errors:
    """Run on every write of a project: a new project starts in 계획; the phase moves one step
    forward only past its gate (or one step back, for rework)."""
    if before is None:
        if project.phase != Phase.PLAN:
            return {"phase": [_("새 정보화사업은 계획 단계에서 시작합니다.")]}
        return {}
    message = gates.phase_change_error(before["phase"], project.phase, project_facts(project))
    return {"phase": [message]} if message else {}


def asset_rules(asset, before: dict[str, Any] | None) -> Errors:
    """Run on every write of an asset: its room is one of its department's facilities (전산실, 통신실 …
    as the dataset lists them), so the machine-room inventory and the facility registry agree."""
    from cityhall.facilities.selectors import facilities_of

    if not asset.room:
        return {}
    rooms = [f.name for f in facilities_of([asset.department])]
    if asset.room not in rooms:
        listed = ", ".join(rooms) or _("(등록된 시설 없음)")
        return {"room": [_("설치 장소는 관리부서의 시설 중 하나여야 합니다: %(rooms)s") % {"rooms": listed}]}
    return {}


@transaction.atomic
def project_advance(*, project: InformatizationProject, actor: audit.Actor) -> InformatizationProject:
    """다음 단계로: the project's department moves it on once its gate is complete (record permission:
    the department's editors and managers, office-wide roles)."""
    project = InformatizationProject.objects.select_for_update().get(pk=project.pk)
    target = gates.next_phase(project.phase)
    if target is None:
        raise RecordInvalid({"phase": [_("폐기 단계가 마지막 단계입니다.")]})
    updated = record_update(
        rtype=record_type_for(InformatizationProject), obj=project, data={"phase": target}, actor=actor
    )
    assert isinstance(updated, InformatizationProject)
    return updated


@transaction.atomic
def review_request(
    *,
    project: InformatizationProject,
    kind: str,
    actor: audit.Actor,
    requested_on: date | None = None,
) -> ProjectReview:
    """Record that a review was requested (검토 요청). One open request per kind at a time."""
    require_it_staff(actor, REVIEWS_STAFF_ONLY)
    project = InformatizationProject.objects.select_for_update().get(pk=project.pk)
    if kind not in ReviewKind.values:
        raise RecordInvalid({"kind": [_("검토 구분 '%(kind)s'은(는) 없습니다.") % {"kind": kind}]})
    if project.reviews.filter(kind=kind, result=ReviewResult.PENDING).exists():
        raise RecordInvalid(
            {"kind": [_("%(kind)s 요청이 이미 검토 중입니다.") % {"kind": ReviewKind(kind).label}]}
        )
    requested_on = requested_on or clock.today()
    if requested_on > clock.today():
        raise RecordInvalid({"requested_on": [_("요청일이 미래입니다.")]})
    review = ProjectReview(project=project, kind=kind, requested_on=requested_on)
    save_audited(actor, review, None)
    return review


@transaction.atomic
def review_decide(
    *,
    review: ProjectReview,
    result: str,
    actor: audit.Actor,
    findings: str = "",
    decided_on: date | None = None,
) -> ProjectReview:
    """Decide a pending review: 적합, 조건부 적합 (with its conditions), 부적합 (with the reasons), or —
    for 성과측정 — 개선 필요, which makes a 개선계획 part of the project's last gate."""
    require_it_staff(actor, REVIEWS_STAFF_ONLY)
    review = ProjectReview.objects.select_for_update().select_related("project").get(pk=review.pk)
    rtype = record_type_for(ProjectReview)
    before = rtype.to_data(review)
    errors: Errors = {}
    if review.result != ReviewResult.PENDING:
        errors["result"] = [_("이미 결정된 검토입니다. 다시 검토하려면 새로 요청하세요.")]
    allowed_results = [ReviewResult.PASSED, ReviewResult.CONDITIONAL, ReviewResult.FAILED]
    if review.kind == ReviewKind.PERFORMANCE:
        allowed_results.append(ReviewResult.IMPROVE)
    if result not in allowed_results:
        labels = ", ".join(str(r.label) for r in allowed_results)
        errors.setdefault("result", []).append(
            _("결과는 다음 중 하나여야 합니다: %(results)s") % {"results": labels}
        )
    if decided_on is not None and decided_on > clock.today():
        errors["decided_on"] = [_("결정일이 미래입니다.")]
    findings = (findings or "").strip()
    if result in (ReviewResult.CONDITIONAL, ReviewResult.FAILED, ReviewResult.IMPROVE) and not findings:
        errors["findings"] = [_("조건부 적합·부적합·개선 필요에는 검토 의견(조건이나 사유)을 적어야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    review.result = result
    review.findings = findings
    review.decided_on = decided_on or clock.today()
    save_audited(actor, review, before)
    return review


# -- sample data --------------------------------------------------------------------------------


def _bulk_create_audited(actor: audit.Actor, objs: list) -> None:
    if not objs:
        return
    model = type(objs[0])
    rtype = record_type_for(model)
    model._default_manager.bulk_create(objs, batch_size=500)
    audit.record_many(audit.event(actor, "create", rtype, obj, after=rtype.to_data(obj)) for obj in objs)


@transaction.atomic
def it_load_sample(*, actor: audit.Actor | None = None) -> dict[str, int]:
    """Load the sample projects with their reviews, PCs and machine-room assets, and Wi-Fi sites
    (예시) once; a second call adds nothing. Returns how many records of each it wrote."""
    from cityhall.organisation.models import OrgUnit

    from .inspections.services import processing_deadline
    from .models import Asset, TelecomInspection, WifiSite
    from .samples import sample_assets, sample_inspections, sample_projects, sample_wifi_sites

    actor = actor or audit.Actor.system("it:load-sample")
    written = {"projects": 0, "reviews": 0, "assets": 0, "wifi_sites": 0, "inspections": 0, "graduates": 0}
    departments = list(OrgUnit.objects.departments().order_by("order", "code"))
    it_department = OrgUnit.objects.get(code=IT_DEPARTMENT)
    if not InformatizationProject.objects.filter(sample=True).exists():
        plans = sample_projects()
        projects = [
            InformatizationProject(
                code=p.code,
                name=p.name,
                year=p.year,
                phase=p.phase,
                software=p.software,
                needs_prior_consultation=p.needs_prior_consultation,
                department=departments[i % len(departments)],
                budget=(50 + (i * 37) % 450) * 1_000_000,
                description="예시 자료입니다. 실제 정보화사업이 아닙니다.",
                sample=True,
            )
            for i, p in enumerate(plans)
        ]
        _bulk_create_audited(actor, projects)
        reviews = [
            ProjectReview(
                project=project,
                kind=kind,
                requested_on=decided.replace(day=1),
                decided_on=decided,
                result=result,
                findings=findings,
            )
            for project, plan in zip(projects, plans, strict=True)
            for kind, decided, result, findings in plan.reviews
        ]
        _bulk_create_audited(actor, reviews)
        written["projects"], written["reviews"] = len(projects), len(reviews)
    if not Asset.objects.filter(sample=True).exists():
        assets = [Asset(department=it_department, sample=True, **row) for row in sample_assets()]
        _bulk_create_audited(actor, assets)
        written["assets"] = len(assets)
    if not WifiSite.objects.filter(sample=True).exists():
        sites = [WifiSite(department=it_department, sample=True, **row) for row in sample_wifi_sites()]
        _bulk_create_audited(actor, sites)
        written["wifi_sites"] = len(sites)
    if not TelecomInspection.objects.filter(sample=True).exists():
        cases = [
            TelecomInspection(sample=True, due_on=processing_deadline(row["received_on"]).due_date, **row)
            for row in sample_inspections()
        ]
        _bulk_create_audited(actor, cases)
        written["inspections"] = len(cases)
    from .models import EducationVenue

    if not EducationVenue.objects.filter(sample=True).exists():
        written["graduates"] = _load_sample_education(actor)
        _open_sample_dropoff(actor)
    return written


def _load_sample_education(actor: audit.Actor) -> int:
    """The 2024 classes were held before the booking service: their enrolments have no booking."""
    from cityhall.organisation.models import OrgUnit

    from .models import Course, CourseSession, EducationVenue, Enrolment, ZoneVisitDay
    from .samples import sample_education

    data = sample_education()
    it = OrgUnit.objects.get(code=IT_DEPARTMENT)
    venues = {row["code"]: EducationVenue(department=it, sample=True, **row) for row in data["venues"]}
    _bulk_create_audited(actor, list(venues.values()))
    courses = {row["code"]: Course(department=it, sample=True, **row) for row in data["courses"]}
    _bulk_create_audited(actor, list(courses.values()))
    sessions = {
        row["code"]: CourseSession(
            sample=True, **{**row, "course": courses[row["course"]], "venue": venues[row["venue"]]}
        )
        for row in data["sessions"]
    }
    _bulk_create_audited(actor, list(sessions.values()))
    enrolments = [
        Enrolment(sample=True, attended=True, completed=True, **{**row, "session": sessions[row["session"]]})
        for row in data["enrolments"]
    ]
    _bulk_create_audited(actor, enrolments)
    zone = venues["sample-zone"]
    _bulk_create_audited(actor, [ZoneVisitDay(venue=zone, sample=True, **row) for row in data["visits"]])
    _open_sample_sessions(actor, list(courses.values()), [v for v in venues.values() if v.kind == "main"])
    return len(enrolments)


def _open_sample_sessions(actor: audit.Actor, courses: list, venues: list) -> None:
    """Three classes opening in the coming weeks (by the real calendar, as bookings are), so a citizen
    can enrol in the demo at once."""
    import datetime as dt

    from django.utils import timezone

    from .education.services import session_open
    from .models import CourseSession

    for n in range(3):
        starts = timezone.localdate() + dt.timedelta(days=14 + 7 * n)
        session = session_open(
            course=courses[n % len(courses)],
            venue=venues[n % len(venues)],
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=4),
            capacity=(20, 15, 2)[n],
            actor=actor,
        )
        CourseSession.objects.filter(pk=session.pk).update(sample=True)


def _open_sample_dropoff(actor: audit.Actor) -> None:
    """Drop-off hours on the next five working days, so a citizen can apply in the demo at once."""
    import datetime as dt

    from django.utils import timezone

    from .destruction.services import dropoff_slots_open

    day, opened = timezone.localdate(), 0
    while opened < 5:
        day += dt.timedelta(days=1)
        if deadlines.is_working_day(day):
            dropoff_slots_open(day=day, hours=[10, 11, 14, 15, 16], capacity=4, actor=actor)
            opened += 1
