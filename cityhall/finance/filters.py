"""Query parameters of the finance pages and API (parsed by ``core.params``)."""

from django.utils.translation import gettext_lazy as _

from cityhall.core import params

MAX_CRITERIA = 8  # what-if weights come as w1…w8, in the criteria's order

MONTH = params.Int(label=_("월"), min=1, max=12)
EXECUTION = {"year": params.Year(label=_("회계연도")), "month": MONTH}
EXECUTION_API = {"year": params.Year(label=_("회계연도")), "month": MONTH}
RANKING_API = {
    "plan": params.Text(label=_("정책가계부"), max_length=64),
    "weights": params.Text(label=_("가중치"), max_length=400),
}
PRIORITIES = {
    "plan": params.Text(label=_("정책가계부"), max_length=64),
    **{
        f"w{i}": params.Int(label=_("가중치 %(n)d") % {"n": i}, min=0, max=100)
        for i in range(1, MAX_CRITERIA + 1)
    },
}
YEAR = {"year": params.Year(label=_("연도"))}
EVALUATIONS = {"year": params.Year(label=_("연도")), "cut": params.Bool(label=_("감액·일몰만"))}
