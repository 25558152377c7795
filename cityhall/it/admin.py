from cityhall.core.admin import register_audited

from . import models as m

register_audited(m.InformatizationProject, list_display=("code", "name", "department", "year", "phase"))
register_audited(m.ProjectReview, list_display=("project", "kind", "requested_on", "decided_on", "result"))
register_audited(m.Asset, list_display=("code", "kind", "name", "department", "acquired_on", "status"))
register_audited(m.WifiSite, list_display=("code", "name", "district", "installed_year", "status"))
register_audited(m.FibreRoute, list_display=("code", "name", "length_km", "cores", "laid_year"))
