from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Agency, ClosureDay, NeedLevel, Team, User, WorkRequestSettings

# The admin configures: agencies, teams, users, need levels, closure days (and each strand's settings). No model
# that holds a child's data, nor the audit (which names children by id and is read by privacy officers on its own
# audited page, /cases/audit/), is registered here: a system administrator never reads a child's record
# (issue 11 finding 4; tests/cases/test_admin.py keeps this list to configuration).


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """The liaison team receives the front door's information requests to the agency (none: none can be sent)."""

    list_display = ("name", "type", "code", "liaison_team")
    list_filter = ("type",)
    search_fields = ("name", "code")
    list_select_related = ("liaison_team",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "liaison_team":
            # Only the agency's own teams (Agency.clean checks it too).
            agency_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Team.objects.filter(agency_id=agency_id) if agency_id else Team.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "multi_agency")
    list_filter = ("multi_agency", "agency")
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "agency", "qualification", "is_active")
    list_filter = ("agency", "groups", "is_active")
    search_fields = ("email", "full_name")
    filter_horizontal = ("groups", "teams", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Practitioner", {"fields": ("full_name", "job_title", "agency", "teams", "qualification")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "agency", "password1", "password2")}),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        # A practitioner leaves by being made inactive: their name stays on what they recorded, and the delete
        # confirmation page would list the children's records that point at them (child data in the admin).
        return False


@admin.register(NeedLevel)
class NeedLevelAdmin(admin.ModelAdmin):
    """The council's continuum of need: names, descriptions and order are theirs; census meanings fixed."""

    list_display = ("rank", "name", "code", "census_meaning", "active")
    list_editable = ("active",)
    ordering = ("rank",)


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    """Council closure days beyond bank holidays: not working days for any deadline."""

    list_display = ("date", "name")
    ordering = ("-date",)


@admin.register(WorkRequestSettings)
class WorkRequestSettingsAdmin(admin.ModelAdmin):
    """How long each kind of hand-off may wait, and when its receivers are reminded: one row."""

    list_display = ("__str__", "emergency_action_hours", "strategy_discussion_hours", "family_help_allocation_days")

    def has_add_permission(self, request) -> bool:
        return not WorkRequestSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
