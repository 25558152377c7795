"""Generic pages for every registered record type: list (filters, search, XLSX), detail, create, edit,
delete and history. The domain pages (departments, tasks, dashboard) link here for the plain record."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import audit, filters, params, services
from .decorators import role_required
from .exports import Sheet, xlsx_response
from .filters import record_filters
from .forms import cleaned_to_data, initial_for, record_form_class
from .htmx import render_page_or_fragment
from .masking import mask_name
from .models import Sourced
from .money import format_thousand_won
from .permissions import ADD, CHANGE, DELETE, VIEW, allowed, restrict
from .records import REGISTRY, RecordType
from .transfer import source_text

PAGE_SIZE = 50


def _rtype(type_slug: str) -> RecordType:
    rtype = REGISTRY.get(type_slug.replace("-", "_"))
    if rtype is None:
        raise Http404(_("알 수 없는 기록 유형입니다."))
    return rtype


def _slug(rtype: RecordType) -> str:
    return rtype.name.replace("_", "-")


def _visible(request: HttpRequest, rtype: RecordType) -> models.QuerySet:
    return restrict(rtype.queryset(), request.user, VIEW, rtype)


def _display(rtype: RecordType, obj: models.Model, *, masked: bool) -> list[tuple[str, object, str | None]]:
    """(label, shown value, link) for each field of a record."""
    rows: list[tuple[str, object, str | None]] = []
    for spec in rtype.fields:
        value = getattr(obj, spec.name)
        link = None
        if spec.is_ref and value is not None:
            link = reverse("core:record_detail", args=[spec.target.replace("_", "-"), value.pk])
        elif spec.is_money:
            if value is None:
                value = "-"
            else:
                value = _("%(amount)s천원") % {"amount": format_thousand_won(value)}
                if getattr(obj, f"{spec.name}_approximate", False):
                    value = _("약 %(amount)s") % {"amount": value}
        elif spec.field.choices:
            value = getattr(obj, f"get_{spec.name}_display")()
        elif spec.name in {"lines", "derived"} and isinstance(value, dict):
            value = _provenance_text(rtype, spec.name, value)
        elif isinstance(value, list):
            value = " · ".join(map(str, value))
        if masked and spec.name in rtype.personal and value:
            value = mask_name(str(value))
        rows.append((str(spec.field.verbose_name), "" if value is None else value, link))
    return rows


@role_required
def record_index(request):
    types = [(rtype, _slug(rtype), rtype.model._default_manager.count()) for rtype in REGISTRY.values()]
    return render(request, "core/record_index.html", {"types": types})


def _list_params(rtype: RecordType) -> dict[str, params.Param]:
    return {**record_filters(rtype.name), "page": params.PAGE, "format": params.Choice(choices=("xlsx",))}


def _filtered(
    request: HttpRequest, rtype: RecordType
) -> tuple[models.QuerySet, dict, list[str], params.Parsed]:
    """The visible records narrowed by the list's filters (the same definition as the API's); a
    value that does not parse shows no records and the problem, named."""
    qs = _visible(request, rtype)
    active = {name: params.typed(request, name).strip() for name in rtype.filters}
    try:
        values = params.parse(request.GET, _list_params(rtype))
    except params.ParamError as exc:
        return qs.none(), active, exc.messages(), params.Parsed({"page": 1, "format": None})
    return filters.apply(rtype, qs, values), active, [], values


def _filter_controls(rtype: RecordType, active: dict) -> list[dict]:
    controls = []
    for name in rtype.filters:
        spec = rtype.spec(name)
        choices = None
        if spec.is_ref:
            target = REGISTRY[spec.target]
            choices = [(getattr(o, target.code_field), str(o)) for o in target.model._default_manager.all()]
        elif spec.field.choices:
            choices = [(value, str(label)) for value, label in spec.field.flatchoices]
        controls.append(
            {
                "name": name,
                "label": spec.field.verbose_name,
                "choices": choices,
                "value": active.get(name, ""),
            }
        )
    return controls


@role_required
def record_list(request, type_slug: str):
    rtype = _rtype(type_slug)
    qs, active, problems, values = _filtered(request, rtype)
    columns = [rtype.spec(n) for n in rtype.columns] or [
        s for s in rtype.fields if s.name not in {"section", "line"}
    ][:7]
    if values.format == "xlsx" and not problems:
        return _xlsx(rtype, qs)
    # Pages of a model without a default order would be unstable from one page to the next.
    page = Paginator(qs if qs.ordered else qs.order_by("pk"), PAGE_SIZE).get_page(values.page)
    rows = [
        (
            obj,
            [
                row
                for row in _display(rtype, obj, masked=True)
                if row[0] in {str(c.field.verbose_name) for c in columns}
            ],
        )
        for obj in page
    ]
    context = {
        "rtype": rtype,
        "slug": _slug(rtype),
        "columns": [c.field.verbose_name for c in columns],
        "rows": rows,
        "page": page,
        "controls": _filter_controls(rtype, active),
        "q": params.typed(request, "q"),
        "problems": problems,
        "can_add": not rtype.managed_at and allowed(request.user, ADD, rtype),
        "query": _query_without(request, "page", "format"),
    }
    return render_page_or_fragment(
        request,
        "core/record_list.html",
        "core/partials/record_table.html",
        context,
        status=400 if problems else 200,
    )


# The list's parameters depend on the record type in the path.
record_list.query_params = lambda type_slug: _list_params(_rtype(type_slug))


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _xlsx(rtype: RecordType, qs: models.QuerySet) -> HttpResponse:
    headers = ["ID"] + [str(s.field.verbose_name) for s in rtype.fields]
    rows = []
    for obj in qs:
        data = rtype.to_data(obj)
        for name in rtype.personal:
            if data.get(name):
                data[name] = mask_name(str(data[name]))
        rows.append([obj.pk] + [_cell(v) for v in data.values()])
    note = _("금액 단위: 원") if any(s.is_money for s in rtype.fields) else ""
    return xlsx_response(
        f"{rtype.label}.xlsx", [Sheet(title=rtype.label, headers=headers, rows=rows, note=note)]
    )


def _cell(value):
    if isinstance(value, (list, dict)):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return value


def _provenance_text(rtype: RecordType, name: str, value: dict) -> str:
    """``lines`` as '2025년 예산 37행 · 주요업무 37행'; ``derived`` as the fields (reasons are below)."""
    order = {spec.name: i for i, spec in enumerate(rtype.fields)}
    fields = sorted(value, key=lambda field: order.get(field, len(order)))
    if name == "derived":
        return " · ".join(_field_label(rtype, field) for field in fields)
    parts = []
    for field in fields:
        lines = value[field]
        numbers = ", ".join(str(n) for n in (lines if isinstance(lines, list) else [lines]))
        parts.append(_("%(field)s %(lines)s행") % {"field": _field_label(rtype, field), "lines": numbers})
    return " · ".join(parts)


def _field_label(rtype: RecordType, name: str) -> str:
    try:
        return str(rtype.spec(name).field.verbose_name)
    except KeyError:
        return name


def _source_lines(rtype: RecordType, obj: Sourced, text: list[str]) -> list[tuple[int, str, bool, str]]:
    """(number, text, cited, which values stand there) for the record's line with one line of context
    around it and every other line its values cite."""
    own = obj.line or 0
    by_line: dict[int, list[str]] = {}
    for name, lines in (obj.lines or {}).items():
        for n in lines if isinstance(lines, list) else [lines]:
            by_line.setdefault(n, []).append(_field_label(rtype, name))
    for name, rule in (obj.derived or {}).items():
        if isinstance(rule, dict) and isinstance(rule.get("line"), int):
            by_line.setdefault(rule["line"], []).append(_field_label(rtype, name))
    order = {str(spec.field.verbose_name): i for i, spec in enumerate(rtype.fields)}
    for labels in by_line.values():
        labels.sort(key=lambda label: order.get(label, len(order)))
    cited = set(obj.cited_lines)
    numbers = set(range(max(1, own - 1), min(len(text), own + 2) + 1)) | cited
    return [
        (n, text[n - 1], n in cited, ", ".join(by_line.get(n, [])))
        for n in sorted(numbers)
        if 0 < n <= len(text)
    ]


def _derived(rtype: RecordType, obj: models.Model) -> list[tuple[str, str]]:
    """(field, reason) for each value the dataset infers rather than reads."""
    derived = getattr(obj, "derived", None) or {}
    return [(_field_label(rtype, name), str(rule.get("reason", ""))) for name, rule in derived.items()]


@role_required
def record_detail(request, type_slug: str, pk: int):
    rtype = _rtype(type_slug)
    obj = get_object_or_404(_visible(request, rtype), pk=pk)
    line = getattr(obj, "line", None)
    cited = line and isinstance(obj, Sourced)
    source_lines = _source_lines(rtype, obj, source_text(settings.CITYHALL_DATASET)) if cited else []
    return render(
        request,
        "core/record_detail.html",
        {
            "rtype": rtype,
            "slug": _slug(rtype),
            "obj": obj,
            # Personal data in full only for those who may change the record.
            "fields": _display(rtype, obj, masked=not allowed(request.user, CHANGE, rtype, obj)),
            "source_lines": source_lines,
            "derived": _derived(rtype, obj),
            "line": line,
            "can_change": not rtype.managed_at and allowed(request.user, CHANGE, rtype, obj),
            "can_delete": not rtype.managed_at and allowed(request.user, DELETE, rtype, obj),
        },
    )


def _apply_errors(form, errors: dict) -> None:
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _to_managed_page(request, rtype: RecordType) -> HttpResponse:
    messages.info(request, _("%(label)s은(는) 전용 화면에서 처리합니다.") % {"label": rtype.label})
    return redirect(rtype.managed_at)


@role_required
@require_http_methods(["GET", "POST"])
def record_edit(request, type_slug: str, pk: int | None = None):
    rtype = _rtype(type_slug)
    if rtype.managed_at:
        return _to_managed_page(request, rtype)
    obj = get_object_or_404(_visible(request, rtype), pk=pk) if pk else None
    if obj is not None and not allowed(request.user, CHANGE, rtype, obj):
        raise PermissionDenied(_("이 기록을 고칠 권한이 없습니다."))
    if obj is None and not allowed(request.user, ADD, rtype):
        raise PermissionDenied(_("기록을 만들 권한이 없습니다."))
    Form = record_form_class(rtype)
    if request.method == "POST":
        form = Form(request.POST)
        if form.is_valid():
            actor = audit.Actor.for_user(request.user)
            try:
                if obj is None:
                    obj = services.record_create(rtype=rtype, data=cleaned_to_data(rtype, form), actor=actor)
                    messages.success(request, _("기록을 만들었습니다."))
                else:
                    services.record_update(
                        rtype=rtype, obj=obj, data=cleaned_to_data(rtype, form), actor=actor
                    )
                    messages.success(request, _("저장했습니다."))
                return redirect("core:record_detail", _slug(rtype), obj.pk)
            except services.RecordInvalid as exc:
                _apply_errors(form, exc.errors)
        status = 400
    else:
        form = Form(initial=initial_for(rtype, obj) if obj else {})
        status = 200
    return render(
        request,
        "core/record_form.html",
        {"rtype": rtype, "slug": _slug(rtype), "obj": obj, "form": form},
        status=status,
    )


@role_required
@require_POST
def record_delete(request, type_slug: str, pk: int):
    rtype = _rtype(type_slug)
    if rtype.managed_at:
        return _to_managed_page(request, rtype)
    obj = get_object_or_404(_visible(request, rtype), pk=pk)
    try:
        services.record_delete(rtype=rtype, obj=obj, actor=audit.Actor.for_user(request.user))
    except services.RecordInUse:
        # The service's message stays Korean for the API; the page shows the same text translated.
        messages.error(request, _("다른 기록이 이 기록을 참조하고 있어 지울 수 없습니다."))
        return redirect("core:record_detail", _slug(rtype), pk)
    messages.success(request, _("지웠습니다."))
    return redirect("core:record_list", _slug(rtype))


@role_required
def record_history(request, type_slug: str, pk: int):
    rtype = _rtype(type_slug)
    obj = _visible(request, rtype).filter(pk=pk).first()
    events = list(audit.history(rtype, pk))
    if obj is None and not events:
        raise Http404(_("기록이 없습니다."))
    specs = {s.name: s for s in rtype.fields}

    def shown(name: str, value):
        spec = specs.get(name)
        if value is not None and spec is not None and spec.is_money:
            return _("%(amount)s천원") % {"amount": format_thousand_won(value)}
        return value

    changes = [
        (
            event,
            [
                (
                    str(specs[name].field.verbose_name) if name in specs else name,
                    shown(name, (event.before or {}).get(name)),
                    shown(name, (event.after or {}).get(name)),
                )
                for name in event.changed_fields
            ],
        )
        for event in events
    ]
    return render(
        request,
        "core/record_history.html",
        {"rtype": rtype, "slug": _slug(rtype), "obj": obj, "pk": pk, "changes": changes},
    )
