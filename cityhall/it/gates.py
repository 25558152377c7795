"""The gates of an informatization project's life (정보화사업 전 단계 관리, seed II.3 line 298): which
reviews must have passed before a project leaves a phase. Pure functions: no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Phase, ReviewKind, ReviewResult

ORDER = [Phase.PLAN, Phase.BUILD, Phase.OPERATE, Phase.MEASURE, Phase.DISPOSE]
PASSING = {ReviewResult.PASSED, ReviewResult.CONDITIONAL}


@dataclass(frozen=True)
class ProjectFacts:
    """What the gates look at: the phase, what kind of project it is and each review kind's latest
    decided result."""

    phase: str
    software: bool
    needs_prior_consultation: bool
    latest: Mapping[str, str]  # review kind → result of its latest decided review


def next_phase(phase: str) -> str | None:
    index = ORDER.index(Phase(phase))
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def required_to_leave(facts: ProjectFacts) -> list[ReviewKind]:
    """The reviews that must have passed before the project leaves its phase.

    - 계획 → 구축: 타당성심사 and 보안성검토; 과업심의 for a software project (소프트웨어사업 과업심의위원회);
      사전협의 where the project is subject to it;
    - 구축 → 운영: 품질관리;
    - 성과 → 폐기: 성과측정 (and a 개선계획 when the measurement asked for improvement) and the 폐기심의.
    """
    phase = Phase(facts.phase)
    if phase == Phase.PLAN:
        kinds = [ReviewKind.FEASIBILITY]
        if facts.software:
            kinds.append(ReviewKind.TASK_REVIEW)
        if facts.needs_prior_consultation:
            kinds.append(ReviewKind.PRIOR_CONSULTATION)
        kinds.append(ReviewKind.SECURITY_REVIEW)
        return kinds
    if phase == Phase.BUILD:
        return [ReviewKind.QUALITY]
    if phase == Phase.MEASURE:
        kinds = [ReviewKind.PERFORMANCE]
        if facts.latest.get(ReviewKind.PERFORMANCE) == ReviewResult.IMPROVE:
            kinds.append(ReviewKind.IMPROVEMENT)
        kinds.append(ReviewKind.DISPOSAL)
        return kinds
    return []


def _passed(kind: ReviewKind, facts: ProjectFacts) -> bool:
    result = facts.latest.get(kind)
    if kind == ReviewKind.PERFORMANCE:
        # A measurement that asked for improvement is done; the improvement plan is its own gate.
        return result in PASSING or result == ReviewResult.IMPROVE
    return result in PASSING


def missing(facts: ProjectFacts) -> list[ReviewKind]:
    """Required reviews that have not (or not yet) passed, in gate order."""
    return [kind for kind in required_to_leave(facts) if not _passed(kind, facts)]


def phase_change_error(before: str, after: str, facts: ProjectFacts) -> str:
    """Why a project may not go from ``before`` to ``after`` (empty when it may): one phase forward
    past a complete gate, or back one phase (a project returned for rework)."""
    if before == after:
        return ""
    b, a = ORDER.index(Phase(before)), ORDER.index(Phase(after))
    if a == b - 1:
        return ""
    if a != b + 1:
        return _("단계는 한 번에 한 단계씩만 옮길 수 있습니다 (%(before)s → %(after)s).") % {
            "before": Phase(before).label,
            "after": Phase(after).label,
        }
    gaps = missing(ProjectFacts(before, facts.software, facts.needs_prior_consultation, facts.latest))
    if gaps:
        names = ", ".join(str(kind.label) for kind in gaps)
        return _("%(phase)s 단계를 마치려면 %(reviews)s을(를) 통과해야 합니다.") % {
            "phase": Phase(before).label,
            "reviews": names,
        }
    return ""


def latest_results(reviews: Iterable[tuple[str, str | None, str]]) -> dict[str, str]:
    """Each kind's latest decided result from (kind, decided_on ISO date or None, result) rows."""
    latest: dict[str, tuple[str, str]] = {}
    for kind, decided_on, result in reviews:
        if decided_on is None or result == ReviewResult.PENDING:
            continue
        if kind not in latest or decided_on >= latest[kind][0]:
            latest[kind] = (decided_on, result)
    return {kind: result for kind, (_, result) in latest.items()}
