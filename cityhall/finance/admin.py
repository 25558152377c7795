from cityhall.core.admin import register_audited

from . import models as m

register_audited(m.BudgetLine, list_display=("code", "year", "program", "source", "nature", "current_budget"))
register_audited(m.ExecutionMonth, list_display=("code", "state", "rows", "current_budget", "executed"))
register_audited(m.LargeProject, list_display=("code", "number", "name", "department", "total_cost"))
register_audited(m.Grant, list_display=("code", "year", "kind", "name", "status", "amount", "matching"))
register_audited(m.ProgramEvaluation, list_display=("code", "year", "name", "score", "next_budget"))
register_audited(m.SavingsClaim, list_display=("code", "fiscal_year", "title", "state", "reward"))
