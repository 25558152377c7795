from cityhall.core.records import register

from .models import Equipment, Facility

register("facilities", Facility, owner="org_unit", search=("name", "equipment"), filters=("org_unit",))
register(
    "equipment",
    Equipment,
    owner="org_unit",
    search=("kind", "location"),
    filters=("org_unit", "system", "kind"),
)
