"""Forms of the military pages. Personal data is validated by the services (one place); the forms only
collect the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CooperationTask, Objection, Zone
from .personal import BANKS

DATE = forms.DateInput(attrs={"type": "date"})


class ComputeForm(forms.Form):
    residence_year = forms.IntegerField(
        label=_("보상 대상 연도"), min_value=2020, max_value=2100, initial=2024
    )
    zone = forms.ChoiceField(label=_("구역"), choices=Zone.choices)
    moved_in_on = forms.DateField(label=_("전입일"), widget=DATE)
    moved_out_on = forms.DateField(label=_("전출일"), widget=DATE, required=False)
    workplace_outside_months = forms.CharField(
        label=_("근무지가 구역 밖인 월"), required=False, help_text=_("예: 1,2,3 (없으면 비움)")
    )
    base_established_on = forms.DateField(label=_("군용비행장 설치일"), widget=DATE, required=False)


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("성명"), max_length=50)
    resident_number = forms.CharField(
        label=_("주민등록번호"), max_length=14, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    address = forms.CharField(label=_("주소"), max_length=200)
    zone = forms.CharField(label=_("구역(1·2·3)"), max_length=2)
    moved_in_on = forms.CharField(label=_("전입일"), widget=DATE)
    moved_out_on = forms.CharField(label=_("전출일"), widget=DATE, required=False)
    workplace_outside_months = forms.CharField(
        label=_("근무지가 구역 밖인 월"), required=False, help_text=_("예: 1,2,3 (없으면 비움)")
    )
    applied_on = forms.CharField(label=_("신청일"), widget=DATE)
    bank_code = forms.ChoiceField(label=_("은행"), choices=sorted(BANKS.items(), key=lambda b: b[1]))
    account_number = forms.CharField(
        label=_("계좌번호"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    account_holder = forms.CharField(label=_("예금주"), max_length=50, required=False)


class DateForm(forms.Form):
    on = forms.DateField(label=_("일자"), widget=DATE)


class ObjectionForm(forms.Form):
    filed_on = forms.DateField(label=_("이의신청일"), widget=DATE)
    reason = forms.CharField(label=_("이의 사유"), widget=forms.Textarea(attrs={"rows": 3}))
    zone = forms.ChoiceField(
        label=_("정정 요청: 구역"), choices=[("", _("정정 없음")), *Zone.choices], required=False
    )
    moved_in_on = forms.DateField(label=_("정정 요청: 전입일"), widget=DATE, required=False)
    workplace_outside_months = forms.CharField(label=_("정정 요청: 근무지가 구역 밖인 월"), required=False)


class ObjectionDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("재심의 결과"),
        choices=[c for c in Objection.Outcome.choices if c[0] != Objection.Outcome.PENDING],
    )
    accepted = forms.MultipleChoiceField(
        label=_("받아들인 정정 (일부 인용)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("zone", _("구역")),
            ("moved_in_on", _("전입일")),
            ("workplace_outside_months", _("근무지")),
        ],
    )
    decided_on = forms.DateField(label=_("재심의일"), widget=DATE)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("회의일"), widget=DATE)
    agenda = forms.CharField(label=_("안건 (한 줄에 하나)"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("회의록"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_agenda(self):
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("일자"), widget=DATE)
    note = forms.CharField(label=_("경과"), max_length=300)
    next_step = forms.CharField(label=_("다음 단계"), max_length=200, required=False)
    due_on = forms.DateField(label=_("기한"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("상태"), choices=CooperationTask.Status.choices)
