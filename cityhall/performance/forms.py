from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IndicatorActual


class ActualForm(forms.Form):
    """실적 입력: a quarter's cumulative actual with its evidence."""

    quarter = forms.TypedChoiceField(label=_("분기"), choices=IndicatorActual.Quarter.choices, coerce=int)
    value = forms.DecimalField(
        label=_("실적"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages={"min_value": _("실적은 음수일 수 없습니다.")},
    )
    evidence = forms.CharField(label=_("증빙"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
