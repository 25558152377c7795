"""A maintenance order (유지보수 요청) for any asset of any app, by a generic reference.

The shared part below the asset-owning apps (bus BITs today): the order holds the owning app's label,
the asset's key in that app, a label and a location to show, and the responsible department — never a
foreign key into the app, so this app imports none of them (docs/shared-parts.md, ADR 0025).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.organisation.models import OrgUnit

from .choices import OrderStatus


class MaintenanceOrder(models.Model):
    """유지보수 요청: one fault of one asset, open until someone (or the rule that opened it) closes it.

    At most one order is open per asset and kind (a database constraint), so a fault that goes on, or
    two processes that notice it at once, open one order.
    """

    number = models.CharField(_("번호"), max_length=20, unique=True)
    asset_app = models.CharField(_("자산 앱"), max_length=40, help_text=_("예: bus"))
    asset_key = models.CharField(_("자산 키"), max_length=64, help_text=_("예: bit:BIT-B1C1"))
    asset_label = models.CharField(_("자산"), max_length=200)
    location = models.CharField(_("위치"), max_length=200, blank=True)
    lat = models.FloatField(_("위도"), null=True, blank=True)
    lon = models.FloatField(_("경도"), null=True, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="maintenance_orders"
    )
    kind = models.CharField(_("유형"), max_length=30)
    kind_label = models.CharField(_("유형 이름"), max_length=100)
    status = models.CharField(_("상태"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    detail = models.TextField(_("내용"), blank=True)
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    opened_at = models.DateTimeField(_("접수 시각"))
    due_at = models.DateTimeField(_("처리 기한"))
    # 배정: who goes out to fix it — a member of the department, a contractor, or both.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contractor = models.CharField(_("유지보수 업체"), max_length=100, blank=True)
    assigned_at = models.DateTimeField(_("배정 시각"), null=True, blank=True)
    assignment_note = models.CharField(_("배정 메모"), max_length=300, blank=True)
    recovered_at = models.DateTimeField(_("자동 복구 확인"), null=True, blank=True)
    closed_at = models.DateTimeField(_("완료 시각"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("완료 처리자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("처리 내용"), blank=True)

    class Meta:
        verbose_name = _("유지보수 요청")
        verbose_name_plural = _("유지보수 요청")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["asset_app", "asset_key"], name="maintenance_order_asset"),
            models.Index(fields=["status", "due_at"], name="maintenance_order_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["asset_app", "asset_key", "kind"],
                condition=~models.Q(status=OrderStatus.CLOSED),
                name="maintenance_one_open_per_asset_kind",
                violation_error_message=_("이 자산에 같은 유형의 유지보수 요청이 이미 진행 중입니다."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=OrderStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="maintenance_closed_at",
                violation_error_message=_("완료된 요청에는 완료 시각이 있어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.asset_label} {self.kind_label}"
