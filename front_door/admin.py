from django.contrib import admin

from .models import FrontDoorSettings


@admin.register(FrontDoorSettings)
class FrontDoorSettingsAdmin(admin.ModelAdmin):
    """The RAG threshold, reminder time, sign-off outcomes and partners' answer time: one row."""

    list_display = (
        "__str__",
        "amber_working_hours",
        "warn_working_hours",
        "signoff_outcomes",
        "information_request_working_hours",
    )

    def has_add_permission(self, request) -> bool:
        return not FrontDoorSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
