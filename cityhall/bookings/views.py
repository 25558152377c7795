"""The staff page of bookings: each resource's slots of the coming weeks with seats and waiting lists.
Booking itself happens on the calling apps' own pages."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cityhall.core.decorators import role_required
from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import record_type_for

from . import selectors
from .models import Resource


@require_GET
@role_required
def resources(request):
    visible = restrict(selectors.resources(), request.user, VIEW, record_type_for(Resource))
    return render(request, "bookings/resources.html", {"rows": selectors.upcoming_by_resource(visible)})
