from cityhall.core.records import register

from .models import BaseStation, Streetlight, StreetlightSite

register(
    "streetlight_sites",
    StreetlightSite,
    owner="org_unit",
    search=("code", "name"),
    filters=("org_unit",),
    columns=("code", "name", "installed"),
)
register(
    "base_stations",
    BaseStation,
    owner="site__org_unit",
    search=("code", "note"),
    filters=("site", "state"),
    columns=("code", "site", "state"),
)
register(
    "streetlights",
    Streetlight,
    owner="site__org_unit",
    search=("code", "model"),
    filters=("site", "base_station", "state"),
    columns=("code", "site", "base_station", "state", "rated_power_w"),
)
