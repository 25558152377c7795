from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Status


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("분기"), choices=[(q, f"{q}분기") for q in range(1, 5)], coerce=int
    )
    closes_on = forms.DateField(label=_("제출기한"), widget=forms.DateInput(attrs={"type": "date"}))


class CheckinForm(forms.Form):
    status = forms.ChoiceField(label=_("추진상황"), choices=Status.choices)
    progress = forms.IntegerField(label=_("진척률(%)"), min_value=0, max_value=100)
    evidence = forms.CharField(label=_("추진실적·근거"), widget=forms.Textarea(attrs={"rows": 2}))
    status_reason = forms.CharField(label=_("사유(부진·보류·폐기)"), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("확인")), ("return", _("보완요청"))])
    comment = forms.CharField(label=_("검토 의견"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("공약 목록 XLSX"))
