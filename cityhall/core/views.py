from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .permissions import scope_of
from .records import REGISTRY


@login_required
def home(request):
    """Landing page after login: the account's roles and the ways into the system."""
    from cityhall.organisation.models import RoleAssignment

    roles = RoleAssignment.objects.filter(user=request.user).select_related("department")
    counts = [(rtype.label, rtype.model._default_manager.count()) for rtype in REGISTRY.values()]
    return render(
        request,
        "core/home.html",
        {"roles": roles, "counts": counts, "has_role": scope_of(request.user).any_role},
    )
