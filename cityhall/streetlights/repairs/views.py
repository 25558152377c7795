"""Repair order pages (보수 요청): the list with its SLA clock and filters, an order's detail with the
assign / close / reopen forms (for those allowed), and the form to open one by hand. Thin: reads and
writes go through ``streetlights.repairs``, which checks permissions and audits."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import Sheet, xlsx_response
from cityhall.core.htmx import render_page_or_fragment
from cityhall.core.permissions import ADD, CHANGE, allowed
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from .. import filters
from ..choices import FaultKind, RepairStatus
from ..models import RepairOrder, StreetlightSite
from . import services as repairs

PAGE_SIZE = 50

STATUS_CHOICES = [
    ("active", gettext_lazy("진행 중(접수·배정)")),
    (RepairStatus.OPEN, RepairStatus.OPEN.label),
    (RepairStatus.ASSIGNED, RepairStatus.ASSIGNED.label),
    (RepairStatus.CLOSED, RepairStatus.CLOSED.label),
    ("all", gettext_lazy("전체")),
]


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("상태"), choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("유형"), choices=[("", gettext_lazy("전체")), *FaultKind.choices], required=False
    )
    site = forms.ChoiceField(label=gettext_lazy("설치 지역"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("기한 초과만"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sites = StreetlightSite.objects.order_by("code").values_list("code", "name")
        self.fields["site"].choices = [("", _("전체")), *sites]


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=gettext_lazy("담당자"), required=False)
    contractor = forms.CharField(label=gettext_lazy("유지보수 업체"), required=False, max_length=100)

    def __init__(self, *args, order: RepairOrder, **kwargs):
        super().__init__(*args, **kwargs)
        users = repairs.eligible_assignees(order).values_list("username", flat=True)
        self.fields["assignee"].choices = [("", _("(지정 안 함)")), *[(u, u) for u in users]]


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("처리 내용"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("다시 여는 사유"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OpenForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("유형"), choices=FaultKind.choices)
    light = forms.CharField(
        label=gettext_lazy("가로등 코드"), required=False, help_text=gettext_lazy("예: SL-HAGUN6-012")
    )
    base_station = forms.CharField(
        label=gettext_lazy("기지국 코드"),
        required=False,
        help_text=gettext_lazy("기지국 장애일 때만 (가로등 코드 대신)"),
    )
    detail = forms.CharField(
        label=gettext_lazy("내용"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("신고 내용: 언제, 어디서, 무엇을 보았는지 (신고자 개인정보는 적지 않습니다)"),
    )


def _add_errors(form: forms.Form, exc: RecordInvalid) -> None:
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _list_filters(request) -> dict:
    return {name: request.query[name] for name in filters.REPAIR_LIST}


@require_GET
@role_required
@params.page(**filters.REPAIR_LIST, page=params.PAGE)
def repair_list(request):
    values = _list_filters(request)
    form = FilterForm(initial=values)  # shows the filters; parsing is ``filters.REPAIR_LIST``'s
    now = timezone.now()
    orders = repairs.repair_orders(request.user, now=now, **values)
    page = Paginator(orders, PAGE_SIZE).get_page(request.query.page)
    rows = [(order, repairs.sla_clock(order, now)) for order in page.object_list]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query,
        "counts": repairs.repair_order_counts(request.user, now),
        "can_add": allowed(request.user, ADD, record_type_for(RepairOrder)),
    }
    return render_page_or_fragment(
        request, "streetlights/repair_list.html", "streetlights/repair_table.html", context
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@require_GET
@role_required
@params.page(**filters.REPAIR_LIST)
def repair_export(request):
    """The list as filtered, as XLSX: one row per order, and SLA compliance per kind."""
    now = timezone.now()
    orders = list(repairs.repair_orders(request.user, now=now, **_list_filters(request)))
    rows = []
    for order in orders:
        clock = repairs.sla_clock(order, now)
        rows.append(
            [
                order.number,
                order.get_kind_display(),
                order.light.code if order.light_id else "",
                order.base_station.code if order.base_station_id else "",
                order.site.name,
                order.get_status_display(),
                _local(order.opened_at),
                _local(order.due_at),
                _local(order.closed_at),
                clock.text,
                order.assignee.get_username() if order.assignee_id else "",
                order.contractor,
                _("모의") if order.simulated else "",
                order.detail,
                order.resolution,
            ]
        )
    headers = [
        _("번호"), _("유형"), _("가로등"), _("기지국"), _("설치 지역"), _("상태"), _("접수 시각"),
        _("처리 기한"), _("완료 시각"), _("처리 기한 준수"), _("담당자"), _("유지보수 업체"), _("모의"),
        _("내용"), _("처리 내용"),
    ]  # fmt: skip
    summary = [
        [
            row.label,
            row.total,
            row.closed,
            row.met,
            row.missed,
            row.overdue,
            f"{row.met_rate:.1%}" if row.met_rate is not None else "—",
        ]
        for row in repairs.sla_summary(orders, now)
    ]
    note = _("%(at)s 기준 (Asia/Seoul)") % {"at": _local(now)}
    return xlsx_response(
        f"repair-orders-{timezone.localdate():%Y%m%d}.xlsx",
        [
            Sheet(_("보수 요청"), headers, rows, note=note, widths={1: 16, 14: 50, 15: 40}),
            Sheet(
                _("처리 기한 준수"),
                [
                    _("유형"),
                    _("건수"),
                    _("완료"),
                    _("기한 내 완료"),
                    _("기한 초과 완료"),
                    _("미완료 기한 초과"),
                    _("준수율"),
                ],
                summary,
                note=note,
            ),
        ],
    )


def _order(request, number: str) -> RepairOrder:
    order = repairs.repair_order_get(request.user, number)
    if order is None:
        raise Http404(_("보수 요청 %(number)s을(를) 찾을 수 없습니다.") % {"number": number})
    return order


def _detail(request, order: RepairOrder, *, forms_in: dict | None = None, status: int = 200):
    can_change = allowed(request.user, CHANGE, record_type_for(RepairOrder), order)
    forms_in = forms_in or {}
    context = {
        "order": order,
        "clock": repairs.sla_clock(order),
        "can_change": can_change,
        "assign_form": forms_in.get("assign") or AssignForm(order=order, initial=_assign_initial(order)),
        "close_form": forms_in.get("close") or CloseForm(),
        "reopen_form": forms_in.get("reopen") or ReopenForm(),
        "history": [(e, _field_labels(e)) for e in repairs.repair_order_history(order)[:50]],
    }
    return render(request, "streetlights/repair_detail.html", context, status=status)


def _field_labels(event) -> list[str]:
    """The changed fields of an audit event by their Korean names (a creation lists none)."""
    if event.action == "create":
        return []
    labels = []
    for name in event.changed_fields:
        try:
            labels.append(str(RepairOrder._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return labels


def _assign_initial(order: RepairOrder) -> dict:
    return {"assignee": order.assignee.username if order.assignee else "", "contractor": order.contractor}


@require_GET
@role_required
def repair_detail(request, number):
    return _detail(request, _order(request, number))


def _act(request, number: str, name: str, form_class, call, done: str):
    """Run one service on a posted form; re-show the page with the errors in place if it refuses."""
    order = _order(request, number)
    kwargs = {"order": order} if form_class is AssignForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            call(order, Actor.for_user(request.user), form.cleaned_data)
        except RecordInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done % {"number": order.number})
            return redirect("streetlights:repair", number=order.number)
    order.refresh_from_db()
    return _detail(request, order, forms_in={name: form}, status=400)


@require_POST
@role_required
def repair_assign(request, number):
    return _act(
        request,
        number,
        "assign",
        AssignForm,
        lambda order, actor, data: repairs.repair_order_assign(
            order=order, actor=actor, assignee=data["assignee"], contractor=data["contractor"]
        ),
        _("%(number)s을(를) 배정했습니다."),
    )


@require_POST
@role_required
def repair_close(request, number):
    return _act(
        request,
        number,
        "close",
        CloseForm,
        lambda order, actor, data: repairs.repair_order_close(
            order=order, actor=actor, resolution=data["resolution"]
        ),
        _("%(number)s을(를) 완료 처리했습니다."),
    )


@require_POST
@role_required
def repair_reopen(request, number):
    return _act(
        request,
        number,
        "reopen",
        ReopenForm,
        lambda order, actor, data: repairs.repair_order_reopen(
            order=order, actor=actor, reason=data["reason"]
        ),
        _("%(number)s을(를) 다시 열었습니다."),
    )


@require_http_methods(["GET", "POST"])
@role_required
@params.page(light=params.Text(label=gettext_lazy("가로등 코드"), max_length=50))  # prefills the form
def repair_new(request):
    if not allowed(request.user, ADD, record_type_for(RepairOrder)):
        raise PermissionDenied(_("보수 요청을 접수할 권한이 없습니다."))
    form = OpenForm(request.POST or None, initial={"light": request.query.light or ""})
    if request.method == "POST" and form.is_valid():
        try:
            order = repairs.repair_order_open(actor=Actor.for_user(request.user), **form.cleaned_data)
        except RecordInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("보수 요청 %(number)s을(를) 접수했습니다.") % {"number": order.number}
            )
            return redirect("streetlights:repair", number=order.number)
    status = 400 if form.errors else 200
    return render(request, "streetlights/repair_form.html", {"form": form}, status=status)
