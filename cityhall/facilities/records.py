from cityhall.core.records import register

from .models import Equipment, Facility, Service

register("facilities", Facility, owner="org_unit", search=("name", "equipment"), filters=("org_unit",))
register(
    "equipment",
    Equipment,
    owner="org_unit",
    search=("kind", "location"),
    filters=("org_unit", "system", "kind"),
)
register(
    "services",
    Service,
    owner="org_unit",
    search=("name", "place"),
    filters=("org_unit", "weekday"),
    columns=("name", "org_unit", "place", "weekday", "start_time", "end_time"),
)
