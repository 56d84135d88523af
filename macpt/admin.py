"""Only configuration is in the admin (tests/cases/test_admin.py): never a child's record."""

from django.contrib import admin

from .models import MacptSettings


@admin.register(MacptSettings)
class MacptSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "strategy_record_working_days", "visit_every_working_days"]

    def has_add_permission(self, request) -> bool:
        return not MacptSettings.objects.exists()
