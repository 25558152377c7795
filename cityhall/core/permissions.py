"""The one permission choke point: ``restrict(queryset, user, action)`` and ``allowed(...)``.

Everyone with a role may view the office's records (the plan is the office's shared document);
changing a record needs editor or manager in the department that owns it, deleting needs manager;
the director and administrators act office-wide. Records without an owning department (the vision)
are changed office-wide only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from .records import RecordType

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# Which department roles may do what; office roles (director, administrator) may do everything.
DEPARTMENT_ROLE_ACTIONS = {
    "viewer": {VIEW},
    "editor": {VIEW, ADD, CHANGE},
    "manager": {VIEW, ADD, CHANGE, DELETE},
}
OFFICE_ROLES = {"director", "administrator"}


# Who holds which role where: the app that keeps role assignments registers a function in its
# AppConfig.ready that gives a user's (role, department id) pairs. Without one, only superusers act.
RoleRows = Callable[[Any], Iterable[tuple[str, int | None]]]
_role_rows: RoleRows | None = None


def register_roles(provider: RoleRows) -> None:
    global _role_rows
    _role_rows = provider


@dataclass(frozen=True)
class Scope:
    office_wide: bool
    departments: dict[str, frozenset[int]]  # action -> department ids

    @property
    def any_role(self) -> bool:
        return self.office_wide or any(self.departments.values())


def scope_of(user) -> Scope:
    """The user's roles, read once per user object (cached on it for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(False, {a: frozenset() for a in ACTIONS})
    cached = getattr(user, "_cityhall_scope", None)
    if cached is not None:
        return cached
    office_wide = user.is_superuser
    departments: dict[str, set[int]] = {a: set() for a in ACTIONS}
    for role, department_id in _role_rows(user) if _role_rows else ():
        if role in OFFICE_ROLES:
            office_wide = True
        if department_id is None:
            continue  # an office-wide role
        for action in DEPARTMENT_ROLE_ACTIONS.get(role, ()):
            departments[action].add(department_id)
    scope = Scope(office_wide, {a: frozenset(ids) for a, ids in departments.items()})
    user._cityhall_scope = scope
    return scope


# Named permissions beyond the record actions: the right to change in one department, e.g. the
# office-wide reviews that the planning department runs. The app that knows the department declares each
# in its AppConfig.ready; views, services and API check them here.
_department_permissions: dict[str, Callable[[], int | None]] = {}


def declare_permission(name: str, *, department: Callable[[], int | None]) -> None:
    """``name`` is held by office-wide roles and by editors and managers of ``department()``."""
    _department_permissions[name] = department


def has_permission(user, name: str) -> bool:
    scope = scope_of(user)
    if scope.office_wide:
        return True
    department_id = _department_permissions[name]()
    return department_id is not None and department_id in scope.departments[CHANGE]


def require_role(user, message: str = "역할이 없는 사용자는 조회할 수 없습니다.") -> None:
    """Everything beyond the login page needs a role (any role may read)."""
    if not scope_of(user).any_role:
        raise PermissionDenied(message)


def _owner_lookups(rtype: RecordType) -> list[str]:
    """ORM paths from a record to the department that owns it (directly or through a team)."""
    base = rtype.owner
    if base == "":
        return ["id", "parent_id"]
    return [f"{base}_id", f"{base}__parent_id"]


def restrict(queryset: models.QuerySet, user, action: str, rtype: RecordType) -> models.QuerySet:
    scope = scope_of(user)
    if scope.office_wide:
        return queryset
    if action == VIEW:
        if not scope.any_role:
            return queryset.none()
        if not rtype.readers or has_permission(user, rtype.readers):
            return queryset
    departments = scope.departments[action]
    if not departments or rtype.owner is None:
        return queryset.none()
    condition = reduce(lambda a, b: a | b, (Q(**{f"{p}__in": departments}) for p in _owner_lookups(rtype)))
    return queryset.filter(condition)


def owner_department_id(rtype: RecordType, obj: models.Model) -> int | None:
    if rtype.owner is None:
        return None
    try:
        unit = attrgetter(rtype.owner.replace("__", "."))(obj) if rtype.owner else obj
    except AttributeError:
        return None
    if unit is None:
        return None
    kind = getattr(unit, "kind", "")
    if kind == "department":
        return unit.pk
    if kind == "team":
        return getattr(unit, "parent_id", None)
    return None


def allowed(user, action: str, rtype: RecordType, obj: models.Model | None = None) -> bool:
    scope = scope_of(user)
    if scope.office_wide:
        return True
    if action == VIEW:
        if not scope.any_role:
            return False
        if not rtype.readers or obj is None or has_permission(user, rtype.readers):
            return True
    if obj is None:
        return bool(scope.departments[action])
    department = owner_department_id(rtype, obj)
    return department is not None and department in scope.departments[action]
