from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ClaimKind, CouncilDecision

MONTHS = [(m, f"{m}월") for m in range(1, 13)]


class ExecutionImportForm(forms.Form):
    year = forms.IntegerField(label=_("회계연도"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(label=_("월"), choices=MONTHS, coerce=int)
    file = forms.FileField(label=_("집행현황 파일 (XLSX 또는 CSV)"))


class MonthCloseForm(forms.Form):
    year = forms.IntegerField(label=_("회계연도"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(label=_("월"), choices=MONTHS, coerce=int)


class ClaimForm(forms.Form):
    department = forms.ChoiceField(label=_("부서"))
    fiscal_year = forms.IntegerField(label=_("회계연도"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("사업명"), max_length=200)
    kind = forms.ChoiceField(label=_("구분"), choices=ClaimKind.choices)
    amount = forms.IntegerField(label=_("절약·증대액(원)"), min_value=1)
    evidence = forms.CharField(label=_("근거"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("심사 결과"), choices=[("approve", _("채택")), ("reject", _("불채택"))]
    )
    reviewed_on = forms.DateField(label=_("심사일"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("심사 의견"), max_length=300, required=False)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("지급일"), widget=forms.DateInput(attrs={"type": "date"}))


class CouncilDecisionForm(forms.Form):
    """What the council decided on one item of the budget proposal (amounts in 천원, as on the page)."""

    item = forms.TypedChoiceField(label=_("사업"), coerce=int)
    council_decision = forms.ChoiceField(label=_("의결 결과"), choices=CouncilDecision.choices)
    decided_thousand = forms.IntegerField(
        label=_("의결액(천원)"),
        min_value=0,
        required=False,
        help_text=_("감액 가결일 때 적습니다. 원안 가결은 요구액, 전액 삭감은 0원이 됩니다."),
    )
    decided_on = forms.DateField(
        label=_("의결일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    council_note = forms.CharField(label=_("의결 내용"), max_length=300, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.source_code} {i.source_number}. {i.name}") for i in items]

    def clean(self):
        data = super().clean()
        if data.get("council_decision") not in (None, CouncilDecision.PENDING) and not data.get("decided_on"):
            self.add_error("decided_on", _("의결일을 입력하세요."))
        return data
