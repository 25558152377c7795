from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReviewKind, ReviewResult


class ReviewRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("검토 구분"), choices=ReviewKind.choices)
    requested_on = forms.DateField(
        label=_("요청일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewDecideForm(forms.Form):
    result = forms.ChoiceField(
        label=_("결과"), choices=[(r.value, r.label) for r in ReviewResult if r != ReviewResult.PENDING]
    )
    findings = forms.CharField(
        label=_("검토 의견"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(
        label=_("결정일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
