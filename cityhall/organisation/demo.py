"""Demo accounts: a viewer, an editor and a manager per department, the director and an administrator."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import OrgUnit, Role, RoleAssignment

DEMO_PASSWORD = "cityhall-demo"  # noqa: S105  # nosec B105 - the documented demo credential
DEPARTMENT_ROLES = (Role.VIEWER, Role.EDITOR, Role.MANAGER)


@transaction.atomic
def ensure_demo_accounts() -> list[str]:
    """Create the demo accounts that are missing (safe to run again); return their usernames."""
    User = get_user_model()
    names = []

    def account(username: str, **extra) -> object:
        user, created = User.objects.get_or_create(username=username, defaults=extra)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        names.append(username)
        return user

    admin = account("admin", is_staff=True, is_superuser=True)
    RoleAssignment.objects.get_or_create(user=admin, role=Role.ADMINISTRATOR, department=None)
    director = account("director")
    RoleAssignment.objects.get_or_create(user=director, role=Role.DIRECTOR, department=None)
    for department in OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("order"):
        for role in DEPARTMENT_ROLES:
            user = account(f"{department.code}-{role}")
            RoleAssignment.objects.get_or_create(user=user, role=role, department=department)
    return names
