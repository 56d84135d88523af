"""The team around the family: adding a practitioner gives them this family's records at once (and no other
family's); removing them takes access away on the very next request; roles that can never see a record are
refused with a reason; the member is told."""

import pytest
from django.urls import reverse

from cases.models import AuditEvent, Involvement, InvolvementRole, RecordHistory, Role, TafMember
from cases.services.plans import taf_add, taf_remove
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _record(person):
    return reverse("cases:person_detail", args=[person.pk])


def test_taf_add_grants_and_remove_revokes_access(client, led_family, health_practitioner, other_family_child):
    case, lead, mia, leo = led_family["case"], led_family["lead"], led_family["mia"], led_family["leo"]
    client.force_login(health_practitioner)
    assert client.get(_record(mia)).status_code == 404
    assert client.get(reverse("cases:plan", args=[case.pk])).status_code == 404

    client.force_login(lead)
    response = client.post(
        reverse("cases:taf_add", args=[case.pk]), {"user": health_practitioner.pk, "role": "Health visitor"}
    )
    assert response.status_code == 302
    member = TafMember.objects.get(family_case=case, user=health_practitioner)
    assert member.agency == health_practitioner.agency and member.role == "Health visitor"
    assert (
        Involvement.objects.filter(
            user=health_practitioner, role=InvolvementRole.TAF_MEMBER, end_date__isnull=True
        ).count()
        == 2
    )
    assert health_practitioner.notifications.filter(kind="family_help.taf").exists()

    client.force_login(health_practitioner)
    # The summary level: the family's plan and its team, not the children's records (cases.policy).
    assert client.get(reverse("cases:plan", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:taf", args=[case.pk])).status_code == 200
    assert client.get(_record(mia)).status_code == 404
    assert client.get(_record(leo)).status_code == 404
    assert client.get(_record(other_family_child)).status_code == 404  # nor another family's

    client.force_login(lead)
    assert client.get(reverse("cases:taf_remove", args=[case.pk, member.pk])).status_code == 200
    response = client.post(
        reverse("cases:taf_remove", args=[case.pk, member.pk]), {"reason": "Case handed to school nurse"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None and member.removed_by == lead

    # The next request: gone.
    client.force_login(health_practitioner)
    assert client.get(reverse("cases:plan", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:taf", args=[case.pk])).status_code == 404
    event = AuditEvent.objects.get(verb="family_help.taf_removed", actor_id=lead.pk)
    # The lead's words go to the children's record history; the audit names the field only.
    assert event.fields == ["removal_reason", "removed_at"] and event.reason == ""
    assert not AuditEvent.objects.filter(reason__icontains="school nurse").exists()
    assert sorted(
        RecordHistory.objects.filter(audit_event_id=event.pk).values_list("person_id", "new_value")
    ) == sorted([(mia.pk, "Case handed to school nurse"), (leo.pk, "Case handed to school nurse")])


def test_a_member_already_in_the_team_is_refused(led_family, health_practitioner):
    from django.core.exceptions import ValidationError

    taf_add(family_case=led_family["case"], actor=led_family["lead"], user=health_practitioner, role="HV")
    with pytest.raises(ValidationError) as exc:
        taf_add(family_case=led_family["case"], actor=led_family["lead"], user=health_practitioner, role="HV")
    assert "already in the team" in exc.value.message_dict["user"][0]


@pytest.mark.parametrize("roles", [[Role.ADMIN], []])  # a partner referrer may join (summary level)
def test_roles_that_can_never_see_a_record_are_refused_with_a_reason(client, led_family, roles):
    never = UserFactory(email="never@plan.test", full_name="Nev Er", roles=roles)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        taf_add(family_case=led_family["case"], actor=led_family["lead"], user=never, role="School link")
    assert "Nev Er cannot be added: their role cannot see children's records" in exc.value.message_dict["user"][0]
    # The page's list never offers them; their id posted anyway is refused, with the role typed kept.
    client.force_login(led_family["lead"])
    url = reverse("cases:taf_add", args=[led_family["case"].pk])
    assert "Nev Er" not in client.get(url, {"q": "Nev"}).content.decode()
    response = client.post(url, {"user": never.pk, "role": "School link"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a practitioner from the list" in html
    assert 'href="#id_user' in html and 'value="School link"' in html
    assert not TafMember.objects.exists()


def test_only_the_lead_or_a_manager_manages_the_team(client, led_family, health_practitioner, fh_manager):
    case = led_family["case"]
    member = taf_add(family_case=case, actor=fh_manager, user=health_practitioner, role="Health visitor")
    client.force_login(health_practitioner)
    assert client.get(reverse("cases:taf_add", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:taf_remove", args=[case.pk, member.pk])).status_code == 404
    assert TafMember.objects.get(pk=member.pk).removed_at is None


def test_removal_keeps_access_through_another_family_team(led_family, health_practitioner, fh_manager, triage_officer):
    """A child in two family cases stays visible to a practitioner still in the other family's team."""
    from cases.models import FamilyCaseMember
    from cases.services import family_case_create

    mia = led_family["mia"]
    other = family_case_create(
        actor=triage_officer, name="Mia's dad's household", members=[(mia, FamilyCaseMember.Role.CHILD)]
    )
    from cases.models import LeadKind
    from cases.services import episode_set_lead

    episode_set_lead(
        episode=led_family["episodes"]["Mia"], actor=fh_manager, user=led_family["lead"], kind=LeadKind.FHLP
    )
    first = taf_add(family_case=led_family["case"], actor=fh_manager, user=health_practitioner, role="HV")
    taf_add(family_case=other, actor=fh_manager, user=health_practitioner, role="HV")
    taf_remove(member=first, actor=fh_manager)
    active = set(
        Involvement.objects.filter(user=health_practitioner, end_date__isnull=True).values_list("person_id", flat=True)
    )
    assert mia.pk in active and led_family["leo"].pk not in active
