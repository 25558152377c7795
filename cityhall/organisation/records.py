from cityhall.core.records import register

from .models import OrgUnit, Person, Position

register("org_units", OrgUnit, owner="", search=("name", "code"), filters=("kind", "parent"))
register("positions", Position, owner="org_unit", search=("org_unit__name",), filters=("org_unit", "grade"))
register("people", Person, owner="org_unit", search=("name", "title"), filters=("org_unit",))
