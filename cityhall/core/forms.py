"""A form for any registered record type, built from the registry, so every record can be edited in a
browser with the same rules as the API: the form parses what a person types (천원/억원, one list item
per line), and the service validates, checks permission and audits."""

import copy
import json
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import MoneyField
from .money import MoneyError, format_thousand_won, parse_money
from .records import REGISTRY, FieldSpec, RecordType


class MoneyFormField(forms.CharField):
    """Won, typed as the documents write it: 18,054천원 · 102백만원 · 1.2억원 · 18054000."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("단위를 붙여 쓸 수 있습니다: 18,054천원, 102백만원, 1.2억원 (단위 없으면 원)")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{format_thousand_won(value)}천원"
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None  # a blank amount is no amount (the model field decides whether it may be)
        try:
            return parse_money(value)[0]
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc


class LinesField(forms.CharField):
    """A list of texts, one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class JSONTextField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, empty: Any = None, **kwargs):
        self.empty = empty  # what a blank box means: None, or {} for a field that defaults to an object
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return (
            ""
            if value in (None, "")
            else (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        )

    def to_python(self, value):
        if value in self.empty_values:
            return copy.copy(self.empty)
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("JSON 형식이 아닙니다: %(error)s") % {"error": exc.msg}) from exc


def _form_field(spec: FieldSpec) -> forms.Field:
    f = spec.field
    common: dict[str, Any] = {"label": f.verbose_name, "required": spec.required}
    if f.help_text:
        common["help_text"] = f.help_text
    if spec.is_ref:
        target = REGISTRY[spec.target]
        choices = [("", "---------")] + [
            (getattr(obj, target.code_field), f"{obj} ({getattr(obj, target.code_field)})")
            for obj in target.model._default_manager.all()
        ]
        return forms.ChoiceField(choices=choices, **common)
    if isinstance(f, MoneyField):
        return MoneyFormField(**common)
    if f.choices:
        return forms.ChoiceField(choices=[("", "---------"), *f.choices], **common)
    if isinstance(f, models.BooleanField):
        return forms.BooleanField(label=f.verbose_name, required=False)
    if isinstance(f, models.JSONField):
        return (
            LinesField(**common)
            if isinstance(f.default, type) and f.default is list
            else JSONTextField(empty={} if f.default is dict else None, **common)
        )
    if isinstance(f, (models.IntegerField, models.BigIntegerField)):
        return forms.IntegerField(**common)
    if isinstance(f, models.DecimalField):
        return forms.DecimalField(max_digits=f.max_digits, decimal_places=f.decimal_places, **common)
    if isinstance(f, models.DateField):
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if isinstance(f, models.TimeField):
        return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **common)
    if isinstance(f, models.TextField):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=getattr(f, "max_length", None), **common)


def record_form_class(rtype: RecordType) -> type[forms.Form]:
    fields = {spec.name: _form_field(spec) for spec in rtype.fields if spec.editable}
    return type(f"{rtype.model.__name__}Form", (forms.Form,), fields)


def initial_for(rtype: RecordType, obj: models.Model) -> dict[str, Any]:
    data = rtype.to_data(obj)
    return {k: (v if not isinstance(v, float) else Decimal(str(v))) for k, v in data.items()}


def cleaned_to_data(rtype: RecordType, form: forms.Form) -> dict[str, Any]:
    """The record dict (references by code, money in won) a service takes."""
    data = {}
    for name, value in form.cleaned_data.items():
        if isinstance(value, Decimal):
            value = str(value)
        data[name] = None if value == "" and rtype.spec(name).is_ref else value
    return data
