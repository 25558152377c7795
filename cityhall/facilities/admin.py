from cityhall.core.admin import register_audited

from .models import Equipment, Facility, Service

register_audited(Facility, list_display=("name", "org_unit"))
register_audited(
    Equipment, list_display=("system", "kind", "location", "count", "unit", "sites"), list_filter=("system",)
)
register_audited(Service, list_display=("name", "org_unit", "place", "weekday", "start_time", "end_time"))
