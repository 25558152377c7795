"""What every 정보통신과 write does the same way: the 정보통신과 staff check, validate-save-audit, and
case numbers (``V2025-0001``) taken race-safely."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.permissions import has_permission
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.organisation import departments

#: The permission to run 정보통신과's work: its editors and managers, the director and administrators.
IT_STAFF = "it_staff"
IT_DEPARTMENT = departments.INFO_COMM


def require_it_staff(actor: audit.Actor, message: Any) -> None:
    """``message`` (lazy, translated when raised) says who may do this."""
    if actor.user is not None and not has_permission(actor.user, IT_STAFF):
        raise PermissionDenied(str(message))


def save_audited(actor: audit.Actor, obj: models.Model, before: dict[str, Any] | None, **clean: Any) -> None:
    """Validate (Korean messages by field), save, and audit the change (nothing when nothing changed)."""
    try:
        obj.full_clean(**clean)
    except ValidationError as exc:
        raise RecordInvalid(exc.message_dict) from None
    obj.save()
    rtype = record_type_for(type(obj))
    after = rtype.to_data(obj)
    if before is None:
        audit.record(actor, "create", rtype, obj, after=after)
    elif before != after:
        audit.record(actor, "update", rtype, obj, before=before, after=after)


def next_code(model: type[models.Model], prefix: str, width: int = 4) -> str:
    """The next ``<prefix>NNNN`` (numeric order, so 10000 follows 9999)."""
    last = (
        model._default_manager.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:0{width}d}"


def create_numbered(actor: audit.Actor, obj: models.Model, prefix: str) -> None:
    """Save a new case under the next free number: two people filing at once both get one (the
    unique code decides; the loser takes the next)."""
    for _attempt in range(10):
        obj.code = next_code(type(obj), prefix)
        try:
            with transaction.atomic():
                save_audited(actor, obj, None, validate_unique=False)
            return
        except IntegrityError:
            continue
    raise RecordInvalid(_("접수번호를 정하지 못했습니다. 잠시 후 다시 시도해 주세요."))
