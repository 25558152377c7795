from django.urls import path

from .analysis import views as analysis
from .budget_proposal import views as budget_proposal
from .evaluation import views as evaluation
from .execution import views as execution
from .grants import views as grants
from .institutions import views as institutions
from .priorities import views as priorities
from .rewards import views as rewards

app_name = "finance"

urlpatterns = [
    path("finance/", execution.execution_dashboard, name="execution"),
    path("finance/execution/import/", execution.execution_import_page, name="execution_import"),
    path("finance/execution/close/", execution.execution_close, name="execution_close"),
    path("finance/execution/<int:year>/programs/<slug:code>/", execution.program_detail, name="program"),
    path("finance/execution/<int:year>.xlsx", execution.execution_xlsx, name="execution_xlsx"),
    path("finance/execution/<int:year>.hwpx", execution.execution_hwpx, name="execution_hwpx"),
    path("finance/budget-proposal/", budget_proposal.budget_proposal_page, name="budget_proposal"),
    path("finance/priorities/", priorities.priorities_page, name="priorities"),
    path("finance/priorities/<slug:code>.xlsx", priorities.priorities_xlsx, name="priorities_xlsx"),
    path("finance/grants/", grants.grants_page, name="grants"),
    path("finance/evaluations/", evaluation.evaluations_page, name="evaluations"),
    path("finance/evaluations/<int:year>.xlsx", evaluation.evaluations_xlsx, name="evaluations_xlsx"),
    path("finance/rewards/", rewards.rewards_page, name="rewards"),
    path("finance/rewards/<slug:code>/review/", rewards.claim_review, name="claim_review"),
    path("finance/rewards/<slug:code>/pay/", rewards.claim_pay, name="claim_pay"),
    path("finance/analysis/", analysis.analysis_page, name="analysis"),
    path("finance/analysis/import/", analysis.peer_import_page, name="peer_import"),
    path("finance/institutions/", institutions.institutions_page, name="institutions"),
    path(
        "finance/institutions/disclosures/<slug:code>/",
        institutions.disclosure_record,
        name="disclosure_record",
    ),
    path(
        "finance/institutions/entrusted/<slug:code>/score/",
        institutions.entrusted_score,
        name="entrusted_score",
    ),
]
