"""지방공공기관 writes: the seed's corporation and the 예시 funded bodies with 예시 2024 reviews, the
경영공시 calendar (an item recorded as disclosed), and the 위수탁 evaluations scored on the scoring
screen (one evaluator's scores on every criterion at once, all or nothing). Each write is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit, clock
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from ..models import (
    DisclosureItem,
    EntrustedCriterion,
    EntrustedEvaluation,
    EntrustedScore,
    EntrustedTask,
    InstitutionReview,
    PublicInstitution,
)
from ..services import require_budget_staff, save_audited
from . import samples, scoring

TEAM = "public-institutions"  # 공공기관팀 (예산법무과)


@transaction.atomic
def disclosure_record(*, item: DisclosureItem, disclosed_on: date, actor: Actor) -> DisclosureItem:
    """Record that an item was published on ``disclosed_on`` (not in the future, not before its year)."""
    require_budget_staff(actor, _("경영공시 기록"))
    item = DisclosureItem.objects.select_for_update().get(pk=item.pk)
    if disclosed_on > clock.today():
        raise RecordInvalid(
            _("공시일(%(on)s)이 오늘보다 늦습니다.") % {"on": disclosed_on}, field="disclosed_on"
        )
    if disclosed_on.year < item.year:
        raise RecordInvalid(
            _("공시일(%(on)s)이 공시 연도(%(year)d년)보다 이릅니다.")
            % {"on": disclosed_on, "year": item.year},
            field="disclosed_on",
        )
    before = REGISTRY["disclosure_items"].to_data(item)
    item.disclosed_on = disclosed_on
    save_audited(actor, "disclosure_items", item, before)
    return item


def criteria() -> list[scoring.Criterion]:
    return [
        scoring.Criterion(c.code, c.name, c.points)
        for c in EntrustedCriterion.objects.order_by("order", "code")
    ]


@transaction.atomic
def entrusted_scores_submit(
    *, evaluation: EntrustedEvaluation, evaluator: str, scores: dict[str, str], actor: Actor
) -> scoring.Result:
    """One evaluator's scores on every criterion (criterion code → score as typed, 0–100 % of its
    points). Every criterion must be scored; any bad value refuses the whole sheet, naming the
    criterion. Scoring again replaces that evaluator's sheet. Returns the evaluation's new result."""
    require_budget_staff(actor, _("위수탁 평가 채점"))
    evaluation = EntrustedEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    evaluator = (evaluator or "").strip()
    published = criteria()
    errors: dict[str, list[str]] = {}
    if not evaluator:
        errors["evaluator"] = [_("평가위원 이름을 입력하세요.")]
    elif len(evaluator) > 50:
        errors["evaluator"] = [_("평가위원 이름은 50자 이하입니다.")]
    points = sum(c.points for c in published)
    if points != scoring.TOTAL_POINTS:
        errors["__all__"] = [
            _("평가 항목의 배점 합이 %(points)d점입니다. 100점이 되도록 항목을 고친 뒤 채점하세요.")
            % {"points": points}
        ]
    parsed: dict[str, Decimal] = {}
    for criterion in published:
        raw = (scores.get(criterion.code) or "").strip()
        if not raw:
            errors.setdefault("scores", []).append(
                _("%(name)s: 점수를 입력하세요.") % {"name": criterion.name}
            )
            continue
        try:
            parsed[criterion.code] = scoring.parse_score(raw)
        except ValueError as exc:
            errors.setdefault("scores", []).append(
                _("%(name)s: '%(raw)s' — %(why)s.") % {"name": criterion.name, "raw": raw[:20], "why": exc}
            )
    unknown = sorted(set(scores) - {c.code for c in published})
    if unknown:
        errors.setdefault("scores", []).append(
            _("없는 평가 항목입니다: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    if errors:
        raise RecordInvalid(errors)
    rtype = REGISTRY["entrusted_evaluations"]
    previous = {
        s.criterion.code: str(s.score)
        for s in evaluation.scores.filter(evaluator=evaluator).select_related("criterion")
    }
    evaluation.scores.filter(evaluator=evaluator).delete()
    by_code = {c.code: c for c in EntrustedCriterion.objects.all()}
    EntrustedScore.objects.bulk_create(
        [
            EntrustedScore(evaluation=evaluation, evaluator=evaluator, criterion=by_code[code], score=value)
            for code, value in parsed.items()
        ]
    )
    total = scoring.evaluator_total(published, parsed)
    audit.record(
        actor,
        "update",
        rtype,
        evaluation,
        before={"evaluator": evaluator, "scores": previous} if previous else None,
        after={"evaluator": evaluator, "scores": {k: str(v) for k, v in parsed.items()}, "total": str(total)},
    )
    return entrusted_result(evaluation)


def entrusted_result(evaluation: EntrustedEvaluation) -> scoring.Result:
    rows = evaluation.scores.values_list("evaluator", "criterion__code", "score")
    return scoring.result(criteria(), rows)


@transaction.atomic
def institutions_load_sample(*, actor: Actor) -> int:
    team = OrgUnit.objects.get(code=TEAM)
    written = 0
    for code, name, kind, budget, line, _sample in samples.INSTITUTIONS:
        if PublicInstitution.objects.filter(code=code).exists():
            continue
        obj = PublicInstitution(code=code, name=name, kind=kind, department=team, budget=budget)
        if line:
            obj.section, obj.line = "I.3", line
        save_audited(actor, "public_institutions", obj, None)
        written += 1
    by_code = {i.code: i for i in PublicInstitution.objects.all()}
    for code, grade, satisfaction, due, done, entrusted in samples.REVIEWS:
        if InstitutionReview.objects.filter(institution=by_code[code], year=2024).exists():
            continue
        review = InstitutionReview(
            institution=by_code[code],
            year=2024,
            management_grade=grade,
            satisfaction=satisfaction,
            disclosures_due=due,
            disclosures_done=done,
            entrusted_score=entrusted,
            improvement="예시 자료입니다: 경영평가·고객만족도 결과 환류 계획",
        )
        save_audited(actor, "institution_reviews", review, None)
    _load_sample_disclosures(by_code, actor)
    _load_sample_entrusted(by_code, team, actor)
    return written


def _load_sample_disclosures(by_code: dict, actor: Actor) -> None:
    for n, (code, title, due, disclosed) in enumerate(samples.disclosures(), start=1):
        if DisclosureItem.objects.filter(institution=by_code[code], year=due.year, title=title).exists():
            continue
        item = DisclosureItem(
            code=f"sample-disclosure-{n:03d}",
            institution=by_code[code],
            year=due.year,
            title=title,
            due_on=due,
            disclosed_on=disclosed,
            sample=True,
            section="IV.6",
            line=samples.DISCLOSURE_LINE,
        )
        save_audited(actor, "disclosure_items", item, None)


def _load_sample_entrusted(by_code: dict, team: OrgUnit, actor: Actor) -> None:
    for order, (code, name, points) in enumerate(samples.CRITERIA, start=1):
        if not EntrustedCriterion.objects.filter(code=code).exists():
            criterion = EntrustedCriterion(
                code=code, name=name, points=points, order=order, keeper=team, sample=True
            )
            criterion.section, criterion.line = "IV.6", samples.ENTRUSTED_LINE
            save_audited(actor, "entrusted_criteria", criterion, None)
    for code, institution, name, budget, sheets in samples.ENTRUSTED:
        if EntrustedTask.objects.filter(code=code).exists():
            continue
        task = EntrustedTask(
            code=code,
            institution=by_code[institution],
            name=name,
            department=team,
            budget=budget,
            sample=True,
            section="II.2",
            line=samples.ENTRUSTED_TASK_LINE,
        )
        save_audited(actor, "entrusted_tasks", task, None)
        evaluation = EntrustedEvaluation(
            code=f"{code}-2024",
            task=task,
            year=2024,
            sample=True,
            section="IV.6",
            line=samples.ENTRUSTED_LINE,
        )
        save_audited(actor, "entrusted_evaluations", evaluation, None)
        for evaluator, scores in sheets:
            entrusted_scores_submit(evaluation=evaluation, evaluator=evaluator, scores=scores, actor=actor)
