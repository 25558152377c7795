from cityhall.core.admin import register_audited

from . import models as m

register_audited(
    m.Pledge, list_display=("number", "title", "category", "lead_department", "status", "progress")
)
register_audited(m.PledgeMilestone)
register_audited(m.CheckinRound, list_display=("code", "year", "quarter", "state"))
register_audited(m.PledgeCheckin, list_display=("round", "pledge", "status", "progress", "review"))
