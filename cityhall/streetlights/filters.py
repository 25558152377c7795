"""Query parameters of the streetlight pages and API (parsed by ``cityhall.core.params``): the
repair-order list's filters and the live lights' filters, each defined once for page and API."""

from django.utils.translation import gettext_lazy

from cityhall.core import params

from .choices import FaultKind
from .models import BaseStation, StreetlightSite
from .operations.selectors import STATE_FILTERS
from .repairs.services import STATUS_FILTERS


def _site_codes() -> list[str]:
    return list(StreetlightSite.objects.order_by("code").values_list("code", flat=True))


def _station_codes() -> list[str]:
    return list(BaseStation.objects.order_by("code").values_list("code", flat=True))


SITE = params.Choice(label=gettext_lazy("설치 지역"), choices=_site_codes)
STATE = params.Choice(label=gettext_lazy("상태"), choices=tuple(STATE_FILTERS))

# The repair-order list: page, XLSX and API.
REPAIR_LIST = {
    "status": params.Choice(
        label=gettext_lazy("상태"), default="active", choices=tuple(str(s) for s in STATUS_FILTERS)
    ),
    "kind": params.Choice(label=gettext_lazy("유형"), default="", choices=tuple(FaultKind.values)),
    "site": params.Choice(label=gettext_lazy("설치 지역"), default="", choices=_site_codes),
    "overdue": params.Bool(label=gettext_lazy("기한 초과만"), default=False),
}

# A site's lights on its page (the site is in the path).
SITE_LIGHTS = {
    "state": STATE,
    "station": params.Choice(label=gettext_lazy("기지국"), choices=_station_codes),
    "page": params.PAGE,
}

# The live lights in the API.
LIVE_LIGHTS = {"site": SITE, "state": STATE}
