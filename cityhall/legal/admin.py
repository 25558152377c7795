from cityhall.core.admin import register_audited

from . import models as m

register_audited(m.Regulation, list_display=("title", "kind", "department", "repealed"))
register_audited(m.RegulationVersion)
register_audited(m.Revision, list_display=("code", "title", "kind", "stage", "year"))
register_audited(m.BulkRevision)
register_audited(m.CouncilSession)
register_audited(m.DataRequest, list_display=("subject", "member", "department", "due_on", "status"))
register_audited(m.Bill)
register_audited(m.Case, list_display=("code", "title", "kind", "department", "status"))
register_audited(m.CaseEvent)
