from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Agency, AuditEvent, ClosureDay, NeedLevel, Team, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "code")
    list_filter = ("type",)
    search_fields = ("name", "code")


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table refuses changes in the database anyway."""

    list_display = ("occurred_at", "kind", "actor_email", "verb", "target_type", "target_id")
    list_filter = ("kind", "verb")
    search_fields = ("actor_email", "verb", "target_id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
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
