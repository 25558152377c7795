"""Writes shared by the finance concerns: the budget-staff check and an audited save."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.permissions import has_permission
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid

from .selectors import BUDGET_STAFF


def is_budget_staff(user) -> bool:
    return user is not None and has_permission(user, BUDGET_STAFF)


def require_budget_staff(actor: Actor, what: str) -> None:
    """Refuse ``what`` unless the actor is a job/command or the budget staff (예산법무과 편집자·관리자)."""
    if actor.user is not None and not is_budget_staff(actor.user):
        raise PermissionDenied(
            _("%(what)s은(는) 예산법무과(편집자·관리자)나 실장·관리자만 할 수 있습니다.") % {"what": what}
        )


def save_audited(actor: Actor, name: str, obj, before: dict | None) -> None:
    """Validate (model rules and the record type's rules), save and audit one record."""
    rtype = REGISTRY[name]
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise RecordInvalid(exc.message_dict) from exc
    if rtype.rules is not None:
        errors = rtype.rules(obj, before)
        if errors:
            raise RecordInvalid(errors)
    obj.save()
    after = rtype.to_data(obj)
    if before is None:
        audit.record(actor, "create", rtype, obj, after=after)
    elif before != after:
        audit.record(actor, "update", rtype, obj, before=before, after=after)


def finance_load_sample(*, actor: Actor) -> dict[str, int]:
    """Every finance sample (예시) reproducing the seed's totals; each part is skipped when present."""
    from .analysis.services import analysis_load_sample
    from .budget_proposal.services import sample_decisions_record
    from .evaluation.services import evaluations_load_sample
    from .execution.services import execution_load_sample
    from .grants.services import grants_load_sample
    from .institutions.services import institutions_load_sample
    from .models import ExecutionMonth
    from .priorities.services import priorities_load_sample
    from .rewards.services import rewards_load_sample

    done = {}
    if not ExecutionMonth.objects.filter(year=2024).exists():
        done["execution_rows"] = execution_load_sample(actor=actor)
    priorities_load_sample(actor=actor)
    done["grants"] = grants_load_sample(actor=actor)
    done["evaluations"] = evaluations_load_sample(actor=actor)
    done["claims"] = rewards_load_sample(actor=actor)
    done["indicators"] = analysis_load_sample(actor=actor)
    done["institutions"] = institutions_load_sample(actor=actor)
    # After participation's sample count put the 2024 process's projects into the 2025 proposal.
    done["council_decisions"] = sample_decisions_record(year=2025, actor=actor)
    return done
