"""Certificates (증명서·확인서) the platform issues, each with a verification code (인증번호) anyone can
check on the public page, signed so that a changed row no longer verifies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    """증명서: what it certifies (``payload``: label → value, in the order shown), who it is about (the
    issuing app's ``subject_ref``) and its code. ``personal`` lists the payload labels that are personal
    data: masked on the public page and on lists."""

    code = models.CharField(_("인증번호"), max_length=24, unique=True)
    kind = models.CharField(_("종류"), max_length=100, db_index=True)
    title = models.CharField(_("제목"), max_length=200)
    subject_ref = models.CharField(_("발급 참조"), max_length=100, db_index=True)
    payload = models.JSONField(_("증명 내용"))
    personal = models.JSONField(_("개인정보 항목"), default=list, blank=True)
    issued_at = models.DateTimeField(_("발급 시각"))
    issuer = models.CharField(_("발급 기관"), max_length=100)
    signature = models.CharField(_("서명"), max_length=64)
    revoked_at = models.DateTimeField(_("취소 시각"), null=True, blank=True)
    revoked_reason = models.CharField(_("취소 사유"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("증명서")
        verbose_name_plural = _("증명서")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"
