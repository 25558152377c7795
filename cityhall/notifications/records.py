from cityhall.core.records import register

from .models import Notification, Preference

# The outbox changes only through the services (sending, retries); the generic pages list it, masked.
register(
    "notifications",
    Notification,
    owner=None,
    search=("code", "template"),
    filters=("kind", "channel", "status", "simulated"),
    personal=("recipient",),
    columns=("code", "kind", "channel", "template", "recipient", "status", "attempts", "created_at"),
    managed_at="notifications:outbox",
)
register(
    "notification_preferences",
    Preference,
    owner=None,
    filters=("kind",),
    columns=("kind", "email", "sms"),
    managed_at="notifications:outbox",
)
