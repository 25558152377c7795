"""The record-type registry: one description per kind of record, shared by import/export, the API,
the audit trail and the permission checks, so that every path reads and validates a record alike.

A record is exchanged as a flat dict: model fields by name, references to other records by their
``code`` (see docs/dataset-format.md). Fields that are not editable (parsed period dates) are written
out but never read in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .models import MoneyField
from .money import MoneyError, parse_money
from .periods import PeriodError, parse_period

Errors = dict[str, list[str]]
Resolver = Callable[["RecordType", str], models.Model | None]
# An app's domain rules for one record type (kept in its services module): given the record as it would
# be saved and its data before the change (None when new), the errors by field.
Rules = Callable[[models.Model, "dict[str, Any] | None"], Errors]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    field: models.Field
    target: str = ""  # record type of a reference ("" for a plain field)

    @property
    def is_ref(self) -> bool:
        return bool(self.target)

    @property
    def is_money(self) -> bool:
        return isinstance(self.field, MoneyField)

    @property
    def editable(self) -> bool:
        return self.field.editable

    @property
    def required(self) -> bool:
        f = self.field
        if f.has_default() or f.null or f.blank:
            return False
        return True


@dataclass
class RecordType:
    """How one model is exchanged, searched, filtered and guarded."""

    name: str
    model: type[models.Model]
    owner: str | None  # path from the record to its OrgUnit ("" = the record is one), None = office-wide
    search: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()  # fields masked on lists (개인정보)
    columns: tuple[str, ...] = ()  # shown on list pages (default: the first fields)
    # The URL name of the app's own page where these records change (their rules — state changes,
    # clocks — live in that app's services); the generic pages and API then only read them.
    managed_at: str = ""
    # Checked on every write through core.services (record pages, API, the app's own services).
    rules: Rules | None = None
    # When set, only the owning department and holders of this named permission (office-wide roles
    # too) may read the records (a department's legal cases); otherwise every role reads them.
    readers: str = ""
    # The unique field other records name this one by, where it is not called "code" (a request's number).
    key_field: str = ""
    fields: list[FieldSpec] = field(default_factory=list)

    @property
    def code_field(self) -> str:
        """The field a reference names a record of this type by (only types with a code are referred to)."""
        if self.key is None:
            raise LookupError(f"{self.name} has no code to be referred to by")
        return self.key

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def key(self) -> str | None:
        if self.key_field:
            return self.key_field
        names = {f.name for f in self.model._meta.fields}
        return "code" if "code" in names else None

    def spec(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def ref_specs(self) -> list[FieldSpec]:
        return [s for s in self.fields if s.is_ref]

    def queryset(self) -> models.QuerySet:
        refs = [s.name for s in self.ref_specs]
        return self.model._default_manager.select_related(*refs)

    # -- out ------------------------------------------------------------------------------------
    def to_data(self, obj: models.Model, keys: dict[str, dict[int, str]] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for spec in self.fields:
            if spec.is_ref:
                ref_id = getattr(obj, spec.field.attname)
                if ref_id is None:
                    data[spec.name] = None
                elif keys is not None:
                    data[spec.name] = keys[spec.target][ref_id]
                else:
                    data[spec.name] = getattr(getattr(obj, spec.name), REGISTRY[spec.target].code_field)
            else:
                data[spec.name] = plain(getattr(obj, spec.name))
        return data

    def describe(self, obj: models.Model) -> str:
        return str(obj)[:200]

    # -- in -------------------------------------------------------------------------------------
    def fill(
        self,
        obj: models.Model,
        data: dict[str, Any],
        resolve: Resolver,
        *,
        partial: bool = False,
    ) -> Errors:
        """Set ``data`` on ``obj`` (validated field by field); return field errors, empty if none."""
        errors: Errors = {}
        if not isinstance(data, dict):
            return {"__all__": ["기록은 객체(JSON object)여야 합니다."]}
        hook = getattr(self.model, "normalise_input", None)
        if hook is not None:
            data = hook(dict(data), errors)
        by_name = {s.name: s for s in self.fields}
        for name, value in data.items():
            spec = by_name.get(name)
            if spec is None:
                if name != "id":
                    errors.setdefault(name, []).append("알 수 없는 필드입니다.")
                continue
            if not spec.editable:
                continue  # derived on save (period dates)
            if spec.is_ref:
                if value in (None, ""):
                    setattr(obj, spec.name, None)
                    continue
                if not isinstance(value, str):
                    errors.setdefault(name, []).append("참조는 코드 문자열이어야 합니다.")
                    continue
                target = REGISTRY[spec.target]
                found = resolve(target, value)
                if found is None:
                    errors.setdefault(name, []).append(f"코드 '{value}'인 {target.label}이(가) 없습니다.")
                    continue
                setattr(obj, spec.name, found)
            elif spec.is_money:
                if value in (None, ""):
                    setattr(obj, spec.name, None)
                    continue
                try:
                    setattr(obj, spec.name, parse_money(value)[0])
                except MoneyError as exc:
                    errors.setdefault(name, []).append(str(exc))
            else:
                if value is None and isinstance(spec.field, (models.CharField, models.TextField)):
                    value = ""
                if isinstance(value, float) and isinstance(spec.field, models.DecimalField):
                    value = Decimal(repr(value))  # 0.1 as written, not its binary approximation
                if isinstance(value, (dict, list)) and not isinstance(spec.field, models.JSONField):
                    errors.setdefault(name, []).append("이 필드에는 목록이나 객체를 쓸 수 없습니다.")
                    continue
                setattr(obj, spec.name, value)
        if not partial:
            for spec in self.fields:
                if spec.editable and spec.required and spec.name not in data and spec.name not in errors:
                    errors.setdefault(spec.name, []).append("필수 항목입니다.")
        for text_field, (start_field, end_field) in getattr(self.model, "PERIODS", {}).items():
            text = getattr(obj, text_field)
            if not text:
                setattr(obj, start_field, None)
                setattr(obj, end_field, None)
                continue
            try:
                period = parse_period(text)
            except PeriodError as exc:
                errors.setdefault(text_field, []).append(str(exc))
                continue
            setattr(obj, start_field, period.start)
            setattr(obj, end_field, period.end)
        return errors

    def validate(self, obj: models.Model, *, saved_refs: bool) -> Errors:
        """Model-level validation. With unsaved references (an import in progress) the checks that
        need the database rows of referenced records are left to the importer."""
        ref_names = [s.name for s in self.ref_specs]
        exclude = ref_names if not saved_refs else []
        try:
            obj.full_clean(exclude=exclude, validate_unique=saved_refs, validate_constraints=True)
        except ValidationError as exc:
            return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        if not saved_refs:
            errors: Errors = {}
            for spec in self.ref_specs:
                if not spec.field.null and getattr(obj, spec.field.name, None) is None:
                    errors.setdefault(spec.name, []).append("필수 항목입니다.")
            return errors
        return {}


def plain(value: Any) -> Any:
    """A JSON-friendly value: Decimals as numbers, dates as ISO strings."""
    if isinstance(value, Decimal):
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral_value() else float(normal)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")  # "14:00", as plans write hours
    return value


REGISTRY: dict[str, RecordType] = {}
_BY_MODEL: dict[type[models.Model], RecordType] = {}


def register(
    name: str,
    model: type[models.Model],
    *,
    owner: str | None,
    search: Iterable[str] = (),
    filters: Iterable[str] = (),
    personal: Iterable[str] = (),
    columns: Iterable[str] = (),
    managed_at: str = "",
    rules: Rules | None = None,
    readers: str = "",
    key_field: str = "",
) -> RecordType:
    """Register a record type. Call in dependency order (referenced types first)."""
    rtype = RecordType(
        name=name,
        model=model,
        owner=owner,
        search=tuple(search),
        filters=tuple(filters),
        personal=tuple(personal),
        columns=tuple(columns),
        managed_at=managed_at,
        rules=rules,
        readers=readers,
        key_field=key_field,
    )
    REGISTRY[name] = rtype
    _BY_MODEL[model] = rtype
    return rtype


def finalise() -> None:
    """Resolve field specs once every app has registered (references need their target's name)."""
    for rtype in REGISTRY.values():
        specs = []
        for f in rtype.model._meta.concrete_fields:
            if f.primary_key or f.name in {"user"}:
                continue
            if f.is_relation:
                related = f.related_model
                target = _BY_MODEL.get(related) if isinstance(related, type) else None
                if target is None:
                    continue
                specs.append(FieldSpec(f.name, f, target.name))
            else:
                specs.append(FieldSpec(f.name, f))
        # Where a record came from reads best last, after what it says.
        rtype.fields = sorted(specs, key=lambda s: s.name in {"section", "line", "lines", "derived"})


def is_registered(model: type[models.Model]) -> bool:
    return model in _BY_MODEL


def record_type_for(model_or_obj: Any) -> RecordType:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _BY_MODEL[model]
