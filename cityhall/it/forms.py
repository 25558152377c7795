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


class InspectionReceiveForm(forms.Form):
    building = forms.CharField(label=_("건축물"), max_length=120)
    address = forms.CharField(label=_("소재지"), max_length=200)
    applicant = forms.CharField(label=_("신청인(공사업체)"), max_length=120)
    applicant_contact = forms.CharField(label=_("신청인 연락처"), max_length=40, required=False)
    received_on = forms.DateField(
        label=_("접수일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class InspectionStepForm(forms.Form):
    """One step of a case: the day it happened; for the decision also the result and findings."""

    day = forms.DateField(label=_("일자"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    passed = forms.TypedChoiceField(
        label=_("결과"),
        required=False,
        choices=[("1", _("합격")), ("0", _("불합격"))],
        coerce=lambda v: v == "1",
    )
    findings = forms.CharField(
        label=_("검사 의견"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
