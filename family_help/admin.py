from django.contrib import admin

from .models import FamilyHelpSettings


@admin.register(FamilyHelpSettings)
class FamilyHelpSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "supervision_every_days",
        "review_every_days",
        "assessment_warn_working_days",
        "visit_every_days",
    ]

    def has_add_permission(self, request) -> bool:
        return not FamilyHelpSettings.objects.exists()
