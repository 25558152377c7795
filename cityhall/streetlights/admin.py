from cityhall.core.admin import register_audited

from .models import BaseStation, Streetlight, StreetlightSite

register_audited(StreetlightSite, list_display=("code", "name", "installed", "org_unit"))
register_audited(BaseStation, list_display=("code", "site", "state"), list_filter=("state",))
register_audited(
    Streetlight,
    list_display=("code", "site", "base_station", "state", "rated_power_w"),
    list_filter=("state",),
)
