"""Finance record types. Execution rows and months change only through the ledger import
(``execution/importer.py``), claims and evaluations through their workflows; settings (targets,
rules, criteria) are kept by 예산법무과 (``keeper``); departments change their own projects, grants
and claims."""

from cityhall.core.records import register

from .evaluation.rules import evaluation_rules
from .institutions.scoring import entrusted_criterion_rules
from .models import (
    Account,
    BudgetLine,
    BudgetProgram,
    DisclosureItem,
    EntrustedCriterion,
    EntrustedEvaluation,
    EntrustedScore,
    EntrustedTask,
    Execution,
    ExecutionMonth,
    ExecutionTarget,
    FiscalIndicator,
    FiscalRoom,
    GradeRule,
    Grant,
    InstitutionReview,
    LargeProject,
    PeerRanking,
    PeerValue,
    PriorityCriterion,
    PriorityPlan,
    ProgramEvaluation,
    ProjectScore,
    ProposedItem,
    PublicInstitution,
    RewardRule,
    SavingsClaim,
    Sector,
)
from .priorities.ranking import criterion_rules
from .rewards.rules import claim_rules

IMPORT = "finance:execution_import"

register("accounts", Account, owner=None, search=("name", "code"), filters=("kind",), managed_at=IMPORT)
register("sectors", Sector, owner=None, search=("name",), filters=("parent",), managed_at=IMPORT)
register(
    "budget_programs",
    BudgetProgram,
    owner="department",
    search=("name", "code", "department_name"),
    filters=("level", "account", "sector", "department", "sample"),
    columns=("name", "level", "parent", "department_name", "account", "sector"),
    managed_at=IMPORT,
)
register(
    "budget_lines",
    BudgetLine,
    owner="program__department",
    search=("ledger_code", "program__name"),
    filters=("year", "source", "nature", "program", "sample"),
    columns=("ledger_code", "year", "program", "source", "nature", "current_budget"),
    managed_at=IMPORT,
)
register(
    "execution_months",
    ExecutionMonth,
    owner=None,
    filters=("year", "state", "sample"),
    columns=("code", "state", "rows", "current_budget", "executed", "imported_at", "imported_by"),
    managed_at=IMPORT,
)
register(
    "executions",
    Execution,
    owner="line__program__department",
    search=("line__ledger_code",),
    filters=("month", "line"),
    columns=("month", "line", "current_budget", "executed", "row"),
    managed_at=IMPORT,
)
register("execution_targets", ExecutionTarget, owner="keeper", filters=("year", "scope", "quarter", "sample"))
register("peer_rankings", PeerRanking, owner="keeper", search=("title", "group"), filters=("year",))

register("priority_plans", PriorityPlan, owner="keeper", search=("title",), filters=("year", "sample"))
register(
    "priority_criteria",
    PriorityCriterion,
    owner="plan__keeper",
    search=("name",),
    filters=("plan",),
    columns=("plan", "order", "name", "weight", "description"),
    rules=criterion_rules,
)
register(
    "large_projects",
    LargeProject,
    owner="department",
    search=("name", "code"),
    filters=("plan", "department", "review_status", "pledge", "sample"),
    columns=("number", "name", "department", "total_cost", "start_year", "end_year", "review_status"),
)
register("project_scores", ProjectScore, owner="criterion__plan__keeper", filters=("project", "criterion"))
register("fiscal_rooms", FiscalRoom, owner="plan__keeper", filters=("plan", "year"))

register(
    "grants",
    Grant,
    owner="department",
    search=("name", "agency", "code"),
    filters=("year", "kind", "status", "department", "sample"),
    columns=("year", "kind", "name", "department", "status", "amount", "matching"),
)

register("grade_rules", GradeRule, owner="keeper", filters=("grade", "consequence"))
register(
    "program_evaluations",
    ProgramEvaluation,
    owner="department",
    search=("name", "code"),
    filters=("year", "category", "department", "sample"),
    columns=("code", "year", "name", "department", "category", "budget", "score", "next_budget"),
    rules=evaluation_rules,
)

register("reward_rules", RewardRule, owner="keeper", filters=("kind",))
register(
    "savings_claims",
    SavingsClaim,
    owner="department",
    search=("title", "code"),
    filters=("fiscal_year", "kind", "state", "department", "sample"),
    columns=("fiscal_year", "title", "department", "kind", "amount", "state", "reward", "paid_on"),
    rules=claim_rules,
    managed_at="finance:rewards",
)

register(
    "fiscal_indicators",
    FiscalIndicator,
    owner="keeper",
    search=("name", "code"),
    filters=("year", "area", "sample"),
    columns=("year", "area", "name", "city_value", "peer_value", "improvement"),
)
register(
    "public_institutions",
    PublicInstitution,
    owner="department",
    search=("name", "code"),
    filters=("kind", "department"),
)
register(
    "institution_reviews", InstitutionReview, owner="institution__department", filters=("institution", "year")
)
register(
    "disclosure_items",
    DisclosureItem,
    owner="institution__department",
    search=("title", "code"),
    filters=("institution", "year", "sample"),
    columns=("institution", "year", "title", "due_on", "disclosed_on"),
)
register(
    "entrusted_tasks",
    EntrustedTask,
    owner="department",
    search=("name", "code"),
    filters=("institution", "department", "sample"),
    columns=("name", "institution", "department", "budget"),
)
register(
    "entrusted_criteria",
    EntrustedCriterion,
    owner="keeper",
    search=("name",),
    columns=("order", "name", "points"),
    rules=entrusted_criterion_rules,
)
register(
    "entrusted_evaluations",
    EntrustedEvaluation,
    owner="task__department",
    filters=("task", "year", "sample"),
    columns=("task", "year", "improvement"),
)
# Scores change only on the scoring screen (all criteria of one evaluator at once); peer values only
# through the all-or-nothing import.
register("entrusted_scores", EntrustedScore, owner=None, managed_at="finance:institutions")
register("peer_values", PeerValue, owner=None, filters=("indicator",), managed_at="finance:peer_import")
# Budget-proposal items come only from their source's decision (주민참여예산: the count).
register(
    "proposed_items",
    ProposedItem,
    owner="department",
    search=("name", "source_code"),
    filters=("year", "source", "department", "sample"),
    columns=("year", "name", "amount", "department", "source", "source_code", "source_number"),
    managed_at="finance:budget_proposal",
)
