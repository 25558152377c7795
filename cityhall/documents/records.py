from cityhall.core.records import register

from .models import Certificate

# Certificates change only through the services (issue, revoke): the generic pages list them, masked.
register(
    "certificates",
    Certificate,
    owner=None,
    search=("code", "title", "subject_ref"),
    filters=("kind",),
    personal=("payload",),
    columns=("code", "kind", "title", "subject_ref", "issued_at", "revoked_at"),
    managed_at="documents:verify",
)
