"""Only configuration is in the admin (tests/cases/test_admin.py): never a child's record."""

from django.contrib import admin

from .models import MacptSettings, PreProceedingsSettings


@admin.register(MacptSettings)
class MacptSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "strategy_record_working_days", "visit_every_working_days"]

    def has_add_permission(self, request) -> bool:
        return not MacptSettings.objects.exists()


@admin.register(PreProceedingsSettings)
class PreProceedingsSettingsAdmin(admin.ModelAdmin):
    """What the council calls each PPOutcome code, and the pre-proceedings timescales."""

    list_display = [
        "__str__",
        "outcome_a_label",
        "outcome_b_label",
        "outcome_c_label",
        "letter_working_days",
        "initial_meeting_working_days",
        "decision_weeks",
    ]

    def has_add_permission(self, request) -> bool:
        return not PreProceedingsSettings.objects.exists()
