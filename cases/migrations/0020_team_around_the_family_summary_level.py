"""A team-around-the-family involvement grants the summary level, not the whole record (issue 11, finding 1).

Until now every access-granting involvement granted view_person and change_person. This re-syncs the existing
rows as cases.permissions.person_permissions_sync now does: view_person_summary for each active team-around-the-
family involvement, and view/change_person kept only where an active whole-record involvement (lead practitioner,
MACPT member, FGDM facilitator) still grants them. Written with the historical models, as the sync was at this
migration; going back restores the old grants (view/change for every active access-granting involvement)."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

RECORD = ["lead_practitioner", "macpt_member", "fgdm_facilitator"]
SUMMARY = ["taf_member"]
GRANTS = {"view_person": RECORD, "change_person": RECORD, "view_person_summary": SUMMARY}


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ctype, _ = ContentType.objects.get_or_create(app_label="cases", model="person")
    # Permissions are created after migrations (post_migrate): the new one is made here, as post_migrate would.
    names = {
        "view_person": "Can view person",
        "change_person": "Can change person",
        "view_person_summary": "Can see the summary of a child in a family's plan",
    }
    return {
        codename: Permission.objects.get_or_create(content_type=ctype, codename=codename, defaults={"name": name})[0]
        for codename, name in names.items()
    }


def _resync(apps, grants):
    Involvement = apps.get_model("cases", "Involvement")
    UserPerm = apps.get_model("cases", "PersonUserObjectPermission")
    GroupPerm = apps.get_model("cases", "PersonGroupObjectPermission")
    if not Involvement.objects.exists():
        return  # a new database: nothing granted yet
    today = timezone.localdate()
    active = Involvement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
    perms = _permissions(apps)
    for codename, roles in grants.items():
        permission = perms[codename]
        wanted_users = set(
            active.filter(role__in=roles, user__isnull=False).values_list("person_id", "user_id").distinct()
        )
        wanted_groups = set(
            active.filter(role__in=roles, team__group__isnull=False)
            .values_list("person_id", "team__group_id")
            .distinct()
        )
        for model, holder, wanted in ((UserPerm, "user_id", wanted_users), (GroupPerm, "group_id", wanted_groups)):
            held = set(model.objects.filter(permission=permission).values_list("content_object_id", holder))
            stale = held - wanted
            for person_id, holder_id in stale:
                model.objects.filter(permission=permission, content_object_id=person_id, **{holder: holder_id}).delete()
            model.objects.bulk_create(
                [
                    model(permission=permission, content_object_id=person_id, **{holder: holder_id})
                    for person_id, holder_id in wanted - held
                ]
            )


def forwards(apps, schema_editor):
    _resync(apps, GRANTS)


def backwards(apps, schema_editor):
    _resync(apps, {"view_person": RECORD + SUMMARY, "change_person": RECORD + SUMMARY, "view_person_summary": []})


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_person_view_summary_permission"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(forwards, backwards)]
