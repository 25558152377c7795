"""The gates of a project's life, worked by hand: what each phase needs before the project leaves it."""

from cityhall.it import gates
from cityhall.it.models import Phase, ReviewKind, ReviewResult

P, C, F, IMPROVE = ReviewResult.PASSED, ReviewResult.CONDITIONAL, ReviewResult.FAILED, ReviewResult.IMPROVE


def facts(phase, latest=None, *, software=True, prior=False):
    return gates.ProjectFacts(phase, software, prior, latest or {})


def test_planning_needs_feasibility_task_review_and_security_review():
    assert gates.missing(facts(Phase.PLAN)) == [
        ReviewKind.FEASIBILITY,
        ReviewKind.TASK_REVIEW,
        ReviewKind.SECURITY_REVIEW,
    ]


def test_prior_consultation_only_where_the_project_is_subject_to_it_and_task_review_only_for_software():
    assert gates.required_to_leave(facts(Phase.PLAN, software=False, prior=True)) == [
        ReviewKind.FEASIBILITY,
        ReviewKind.PRIOR_CONSULTATION,
        ReviewKind.SECURITY_REVIEW,
    ]


def test_a_conditional_pass_counts_a_failure_does_not():
    latest = {ReviewKind.FEASIBILITY: C, ReviewKind.TASK_REVIEW: P, ReviewKind.SECURITY_REVIEW: F}
    assert gates.missing(facts(Phase.PLAN, latest)) == [ReviewKind.SECURITY_REVIEW]


def test_the_latest_decision_of_a_kind_counts():
    rows = [
        (ReviewKind.SECURITY_REVIEW, "2024-03-01", F),
        (ReviewKind.SECURITY_REVIEW, "2024-05-02", P),
        (ReviewKind.SECURITY_REVIEW, None, ReviewResult.PENDING),  # a new request, not decided
        (ReviewKind.FEASIBILITY, "2024-06-01", P),
        (ReviewKind.FEASIBILITY, "2024-07-01", F),
    ]
    assert gates.latest_results(rows) == {ReviewKind.SECURITY_REVIEW: P, ReviewKind.FEASIBILITY: F}


def test_building_needs_quality_management_operating_needs_nothing():
    assert gates.required_to_leave(facts(Phase.BUILD)) == [ReviewKind.QUALITY]
    assert gates.required_to_leave(facts(Phase.OPERATE)) == []
    assert gates.required_to_leave(facts(Phase.DISPOSE)) == []


def test_a_measurement_asking_for_improvement_adds_the_improvement_plan():
    measured = facts(Phase.MEASURE, {ReviewKind.PERFORMANCE: IMPROVE, ReviewKind.DISPOSAL: P})
    assert gates.missing(measured) == [ReviewKind.IMPROVEMENT]
    done = facts(
        Phase.MEASURE, {ReviewKind.PERFORMANCE: IMPROVE, ReviewKind.IMPROVEMENT: P, ReviewKind.DISPOSAL: P}
    )
    assert gates.missing(done) == []
    assert gates.missing(facts(Phase.MEASURE, {ReviewKind.PERFORMANCE: P})) == [ReviewKind.DISPOSAL]


def test_phase_changes_one_step_forward_past_the_gate_or_one_step_back():
    complete = {ReviewKind.FEASIBILITY: P, ReviewKind.TASK_REVIEW: P, ReviewKind.SECURITY_REVIEW: P}
    assert gates.phase_change_error(Phase.PLAN, Phase.BUILD, facts(Phase.PLAN, complete)) == ""
    assert gates.phase_change_error(Phase.BUILD, Phase.PLAN, facts(Phase.BUILD)) == ""
    assert gates.phase_change_error(Phase.PLAN, Phase.PLAN, facts(Phase.PLAN)) == ""
    assert gates.phase_change_error(Phase.PLAN, Phase.BUILD, facts(Phase.PLAN)) == (
        "계획 단계를 마치려면 타당성심사, 과업심의, 보안성검토을(를) 통과해야 합니다."
    )
    assert gates.phase_change_error(Phase.PLAN, Phase.OPERATE, facts(Phase.PLAN, complete)) == (
        "단계는 한 번에 한 단계씩만 옮길 수 있습니다 (계획 → 운영)."
    )
    assert gates.next_phase(Phase.MEASURE) == Phase.DISPOSE
    assert gates.next_phase(Phase.DISPOSE) is None
