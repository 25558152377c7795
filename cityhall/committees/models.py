"""Committees (위원회) and councils (협의체) the office runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class Committee(Sourced):
    """위원회 / 협의체."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("위원회")
        COUNCIL = "council", _("협의체")

    code = models.CharField(_("코드"), max_length=64, unique=True, validators=[code_validator])
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("소관 부서"), on_delete=models.PROTECT, related_name="committees"
    )
    kind = models.CharField(_("구분"), max_length=12, choices=Kind.choices, default=Kind.COMMITTEE)
    number = models.PositiveSmallIntegerField(_("연번"), null=True, blank=True)
    name = models.CharField(_("위원회명"), max_length=100)
    member_count = models.PositiveSmallIntegerField(_("위원수"), null=True, blank=True)
    chair = models.CharField(_("위원장"), max_length=100, blank=True)
    purpose = models.TextField(_("주요내용"), blank=True)
    composition = models.CharField(_("구성"), max_length=200, blank=True)
    meeting_frequency = models.CharField(_("운영"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("위원회")
        verbose_name_plural = _("위원회")
        ordering = ["org_unit__order", "kind", "number", "id"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """위원: a member of a committee. Personal data: names are masked on lists."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("위원장")
        VICE_CHAIR = "vice_chair", _("부위원장")
        MEMBER = "member", _("위원")

    committee = models.ForeignKey(
        Committee, verbose_name=_("위원회"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("이름"), max_length=50)
    role = models.CharField(_("직위"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(_("소속"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("위원")
        verbose_name_plural = _("위원")
        ordering = ["committee", "role", "name"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.name}"
