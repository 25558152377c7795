"""Who holds which role: what core's permission choke point reads (``permissions.register_roles``).

Every page asks, for its menu, whether the signed-in user has a role, and most signed-in users are
citizens who have none. So this server process remembers, for ``ROLELESS_SECONDS``, the users it
found without a role, and answers them without a query; a user with a role always has their roles
read from the database. A change to an assignment forgets its user at once in the process that made
it (signals in ``apps.py``), and again when the change commits; other processes see a new role
within ``ROLELESS_SECONDS``. So the memory can delay a new role by those seconds; it never keeps a
role that was taken away.
"""

from __future__ import annotations

import time

from django.db import transaction

from .models import RoleAssignment

ROLELESS_SECONDS = 10.0
ROLELESS_LIMIT = 100_000  # users remembered at most; then the memory starts again
_roleless: dict[int, float] = {}  # user id -> when they were found without a role


def role_rows(user) -> list[tuple[str, int | None]]:
    """A user's (role, department id) pairs."""
    found = _roleless.get(user.pk)
    if found is not None and time.monotonic() - found < ROLELESS_SECONDS:
        return []
    rows = list(RoleAssignment.objects.filter(user=user).values_list("role", "department_id"))
    if rows:
        _roleless.pop(user.pk, None)
    else:
        if len(_roleless) >= ROLELESS_LIMIT:
            _roleless.clear()
        _roleless[user.pk] = time.monotonic()
    return rows


def forget(sender, instance: RoleAssignment, **_signal) -> None:
    """An assignment changed: its user's roles are read again, now and once the change commits (a
    read in between would remember the roles as they were)."""
    user_id = instance.user_id
    _roleless.pop(user_id, None)
    transaction.on_commit(lambda: _roleless.pop(user_id, None))


def clear() -> None:
    _roleless.clear()
