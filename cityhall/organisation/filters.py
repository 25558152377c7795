"""Query parameters of the organisation's pages and API (parsed by ``cityhall.core.params``)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy

from cityhall.core import params

# The workload analysis's settings: the diagnosis page, its XLSX and the API read the same ones.
WORKLOAD_PARAMS = {
    "hours": params.Int(label=gettext_lazy("1인 연간 근무시간"), min=1, max=8784, commas=True),
    "over": params.Decimal(label=gettext_lazy("과부하 기준"), min=Decimal("0.01"), max=Decimal(10)),
    "under": params.Decimal(label=gettext_lazy("여유 기준"), min=Decimal("0.01"), max=Decimal(10)),
}
