"""The back office: every record type in the Django admin, with changes written to the audit trail."""

from django.contrib import admin
from django.db import transaction

from . import audit
from .models import ApiToken, AuditEvent
from .records import record_type_for


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes are audited like any service call."""

    def save_model(self, request, obj, form, change):
        rtype = record_type_for(obj)
        before = rtype.to_data(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = rtype.to_data(obj)
        if before != after:
            audit.record(
                audit.Actor.for_user(request.user),
                "update" if change else "create",
                rtype,
                obj,
                before=before,
                after=after,
            )

    @transaction.atomic  # the delete and its audit event: both or neither
    def delete_model(self, request, obj):
        rtype = record_type_for(obj)
        event = audit.event(
            audit.Actor.for_user(request.user), "delete", rtype, obj, before=rtype.to_data(obj)
        )
        super().delete_model(request, obj)
        event.save()

    @transaction.atomic  # "delete selected": all of them, or none when one cannot be deleted or audited
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def register_audited(model, **options):
    admin.site.register(model, type(f"{model.__name__}Admin", (AuditedModelAdmin,), options))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "actor", "action", "record_type", "record_id", "record_repr")
    list_filter = ("action", "record_type")
    search_fields = ("actor", "record_repr")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created", "last_used")
    readonly_fields = ("prefix", "created", "last_used")

    def has_add_permission(self, request):
        return False  # issued with `cityhall token`, so the secret is shown once


admin.site.site_header = "기획조정실 업무 플랫폼 관리"
admin.site.site_title = "cityhall 관리"
