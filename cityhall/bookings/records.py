from cityhall.core.records import register

from .models import Booking, Resource, Slot

# Bookings change only through the services (seats, the waiting list and promotion move together): the
# generic record pages list and trace them but do not edit them.
register(
    "booking_resources",
    Resource,
    owner="org_unit",
    search=("code", "label"),
    filters=("org_unit", "active"),
    columns=("code", "label", "org_unit", "active"),
    managed_at="bookings:resources",
)
register(
    "booking_slots",
    Slot,
    owner="resource__org_unit",
    search=("code", "label"),
    filters=("resource", "closed"),
    columns=("resource", "starts_at", "ends_at", "capacity", "label", "closed"),
    managed_at="bookings:resources",
)
register(
    "bookings",
    Booking,
    owner="slot__resource__org_unit",
    search=("code", "holder_ref"),
    filters=("slot", "status"),
    columns=("code", "slot", "holder_ref", "status", "created_at"),
    managed_at="bookings:resources",
)
