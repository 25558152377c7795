from django import forms
from django.utils.translation import gettext_lazy as _

from .education.services import PHONE
from .models import AgeGroup, ApplicantKind, FindingSource, ReviewKind, ReviewResult, Severity


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


class DestructionApplyForm(forms.Form):
    applicant_kind = forms.ChoiceField(
        label=_("신청인 구분"), choices=ApplicantKind.choices, initial="citizen"
    )
    applicant_name = forms.CharField(label=_("신청인 이름"), max_length=40)
    company_name = forms.CharField(label=_("기업명(기업 신청 시)"), max_length=120, required=False)
    phone = forms.RegexField(
        label=_("휴대전화"),
        max_length=20,
        regex=PHONE,
        error_messages={"invalid": _("휴대전화 번호를 010-1234-5678 형식으로 적어 주세요.")},
    )
    media = forms.CharField(
        label=_("파기할 매체 (한 줄에 하나: 종류 일련번호)"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "HDD WD-WCC4N1234567\nSSD S3Z9NB0K123456"}),
        max_length=4000,
    )
    slot = forms.TypedChoiceField(label=_("반입 일시"), coerce=int, choices=())
    consent = forms.BooleanField(
        label=_("개인정보(이름·휴대전화) 수집·이용에 동의합니다: 파기 안내용, 파기 후 1년 보관 뒤 파기"),
        required=True,
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", "—")] + list(slots)


class DestructionReceiveForm(forms.Form):
    serials = forms.CharField(
        label=_("반입된 매체의 일련번호 (한 줄에 하나)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class DropoffSlotsForm(forms.Form):
    day = forms.DateField(label=_("반입일"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.CharField(label=_("시작 시각(시, 쉼표로)"), initial="10,11,14,15,16", max_length=60)
    capacity = forms.IntegerField(label=_("시간당 인원"), min_value=1, max_value=50, initial=4)

    def clean_hours(self):
        try:
            hours = sorted({int(h) for h in self.cleaned_data["hours"].split(",") if h.strip()})
        except ValueError:
            raise forms.ValidationError(_("시각은 9에서 17 사이의 정수를 쉼표로 나눠 적어 주세요.")) from None
        if not hours or any(not 9 <= h <= 17 for h in hours):
            raise forms.ValidationError(_("시각은 9에서 17 사이의 정수를 쉼표로 나눠 적어 주세요."))
        return hours


class FindingForm(forms.Form):
    source = forms.ChoiceField(label=_("출처"), choices=FindingSource.choices)
    target = forms.CharField(label=_("대상"), max_length=120)
    title = forms.CharField(label=_("취약점"), max_length=200)
    severity = forms.ChoiceField(label=_("위험도"), choices=Severity.choices)
    found_on = forms.DateField(
        label=_("발견일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FindingFixForm(forms.Form):
    fix = forms.CharField(label=_("조치 내용"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
