from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Strategy, VehicleType


class RunForm(forms.Form):
    unit = forms.CharField(label=_("출동 차량"), max_length=50)
    vehicle_type = forms.ChoiceField(label=_("차종"), choices=VehicleType.choices)
    incident = forms.CharField(label=_("사건"), max_length=200)
    origin = forms.CharField(label=_("출발 링크"), max_length=100)
    destination = forms.CharField(label=_("도착 링크"), max_length=100)
    strategy = forms.ChoiceField(label=_("우선신호 방식"), choices=Strategy.choices)


class PlanForm(forms.Form):
    cycle_s = forms.IntegerField(label=_("주기(초)"), min_value=1, max_value=300)
    offset_s = forms.IntegerField(label=_("옵셋(초)"), min_value=0, max_value=300)

    def __init__(self, *args, phases: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.phase_rows = phases
        for n, phase in enumerate(phases):
            self.fields[f"duration_{n}"] = forms.IntegerField(
                label=_("%(n)s번 현시 시간(초)") % {"n": n + 1},
                min_value=1,
                max_value=300,
                initial=phase["duration"],
            )
            if phase["kind"] == "green":
                self.fields[f"min_green_{n}"] = forms.IntegerField(
                    label=_("%(n)s번 현시 최소녹색(초)") % {"n": n + 1},
                    min_value=1,
                    max_value=120,
                    initial=phase.get("min_green", 0),
                )
        for name, field in self.fields.items():
            if name.startswith(("duration_", "min_green_")):
                field.widget.attrs["aria-label"] = str(field.label)

    def phases(self) -> list[dict]:
        out = []
        for n, phase in enumerate(self.phase_rows):
            row = {
                "state": phase["state"],
                "kind": phase["kind"],
                "duration": self.cleaned_data[f"duration_{n}"],
            }
            if phase["kind"] == "green":
                row["min_green"] = self.cleaned_data[f"min_green_{n}"]
            out.append(row)
        return out

    def rows(self):
        for n, phase in enumerate(self.phase_rows):
            yield {
                "n": n + 1,
                "phase": phase,
                "duration": self[f"duration_{n}"],
                "min_green": self[f"min_green_{n}"] if phase["kind"] == "green" else None,
            }


class VmsOverrideForm(forms.Form):
    text = forms.CharField(
        label=_("표출 문안 (2줄, 줄마다 20자까지)"),
        max_length=80,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
    )
    reason = forms.CharField(label=_("수동 표출 사유"), max_length=200, required=False)


class VmsMessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("유형"),
        choices=[
            ("incident", _("사고·돌발")),
            ("congestion", _("전방 정체")),
            ("travel_time", _("목적지 소요시간")),
            ("notice", _("시정 안내")),
        ],
    )
    text = forms.CharField(
        label=_("문안 (2줄, 줄마다 20자까지; 소요시간은 자동)"),
        max_length=80,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
    )
    destination = forms.CharField(label=_("목적지 이름 (소요시간)"), max_length=20, required=False)
    route = forms.CharField(label=_("목적지까지 링크 (공백으로 구분)"), max_length=500, required=False)
    signs = forms.CharField(label=_("대상 표지 (쉼표로 구분, 비우면 전체)"), max_length=500, required=False)
    starts_at = forms.DateTimeField(
        label=_("표출 시작 (비우면 승인 즉시)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=_("표출 종료 (비우면 철회할 때까지)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def destinations(self) -> list[dict]:
        name = self.cleaned_data.get("destination", "").strip()
        route = self.cleaned_data.get("route", "").split()
        return [{"name": name, "route": route}] if name or route else []

    def sign_codes(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data.get("signs", "").split(",") if s.strip()]
