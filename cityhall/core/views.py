"""Generic pages for every registered record type: list (filters, search, XLSX), detail, create, edit,
delete and history. The domain pages (departments, tasks, dashboard) link here for the plain record."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import audit, services
from .api import mask_name
from .decorators import role_required
from .exports import Sheet, xlsx_response
from .forms import cleaned_to_data, initial_for, record_form_class
from .htmx import render_page_or_fragment
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
            value = _("%(amount)s천원") % {"amount": format_thousand_won(value)} if value is not None else "-"
        elif spec.field.choices:
            value = getattr(obj, f"get_{spec.name}_display")()
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


def _filtered(request: HttpRequest, rtype: RecordType) -> tuple[models.QuerySet, dict, list[str]]:
    qs = _visible(request, rtype)
    active: dict[str, str] = {}
    problems: list[str] = []
    for name in rtype.filters:
        value = request.GET.get(name, "").strip()
        if not value:
            continue
        spec = rtype.spec(name)
        active[name] = value
        if spec.is_ref:
            qs = qs.filter(**{f"{name}__{REGISTRY[spec.target].key}": value})
        elif isinstance(spec.field, (models.IntegerField, models.BigIntegerField)):
            if not value.lstrip("-").isdecimal():
                problems.append(_("%(field)s: 숫자를 입력하세요.") % {"field": spec.field.verbose_name})
                continue
            qs = qs.filter(**{name: int(value)})
        else:
            qs = qs.filter(**{name: value})
    text = request.GET.get("q", "").strip()
    if text and rtype.search:
        condition = Q()
        for name in rtype.search:
            condition |= Q(**{f"{name}__icontains": text})
        qs = qs.filter(condition)
    return qs, active, problems


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
    qs, active, problems = _filtered(request, rtype)
    columns = [rtype.spec(n) for n in rtype.columns] or [
        s for s in rtype.fields if s.name not in {"section", "line"}
    ][:7]
    if request.GET.get("format") == "xlsx":
        return _xlsx(rtype, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
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
        "q": request.GET.get("q", ""),
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


@role_required
def record_detail(request, type_slug: str, pk: int):
    rtype = _rtype(type_slug)
    obj = get_object_or_404(_visible(request, rtype), pk=pk)
    source_lines = []
    line = getattr(obj, "line", None)
    if line:
        text = source_text(settings.CITYHALL_DATASET)
        source_lines = [(n, text[n - 1]) for n in range(max(1, line - 1), min(len(text), line + 2) + 1)]
    return render(
        request,
        "core/record_detail.html",
        {
            "rtype": rtype,
            "slug": _slug(rtype),
            "obj": obj,
            "fields": _display(rtype, obj, masked=False),
            "source_lines": source_lines,
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
