"""Certificate reads for the issuing apps."""

from django.db.models import QuerySet

from .models import Certificate
from .services import certificate_verify, masked_payload

__all__ = ["certificate_verify", "certificates_of", "masked_payload"]


def certificates_of(subject_ref: str) -> QuerySet[Certificate]:
    """Every certificate issued for one of the calling app's records, newest first."""
    return Certificate.objects.filter(subject_ref=subject_ref).order_by("-issued_at", "-id")
