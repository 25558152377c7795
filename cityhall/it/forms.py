from django import forms
from django.utils.translation import gettext_lazy as _

from .education.services import PHONE
from .models import AgeGroup, ReviewKind, ReviewResult


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


class EnrolForm(forms.Form):
    """수강 신청 on the public page: only what the class needs (name and phone to reach the applicant,
    age group and 읍면동 for the statistics the plan asks for)."""

    name = forms.CharField(label=_("이름"), max_length=40)
    phone = forms.RegexField(
        label=_("휴대전화"),
        max_length=20,
        regex=PHONE,
        help_text=_("예: 010-1234-5678"),
        error_messages={"invalid": _("휴대전화 번호를 010-1234-5678 형식으로 적어 주세요.")},
    )
    age_group = forms.ChoiceField(label=_("연령대"), choices=[("", "—")] + list(AgeGroup.choices))
    district = forms.CharField(label=_("사는 곳(읍면동)"), max_length=20, required=False)
    consent = forms.BooleanField(
        label=_("개인정보 수집·이용에 동의합니다 (이름·휴대전화: 수강 안내, 교육 종료 후 1년 보관)"),
        required=True,
    )


class SessionOpenForm(forms.Form):
    course = forms.ModelChoiceField(label=_("과정"), queryset=None, to_field_name="code")
    venue = forms.ModelChoiceField(label=_("교육장"), queryset=None, to_field_name="code")
    starts_on = forms.DateField(label=_("시작일"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("종료일"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity = forms.IntegerField(label=_("정원"), min_value=1, max_value=500)

    def __init__(self, *args, **kwargs):
        from .models import Course, EducationVenue

        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.all()
        self.fields["venue"].queryset = EducationVenue.objects.all()
