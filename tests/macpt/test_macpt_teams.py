"""Issue 14 item 1: MACPT teams. A manager adds members from council social care, police, health and education; a
member sees the children their MACPT works with and no others; information shared in a strategy discussion carries
its agency's tag and follows the tag rules (cases.policy TAG_RULES)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import AuditEvent, Role
from cases.permissions import person_record_scope
from macpt.services.strategy import strategy_discussion_start, strategy_information_add
from macpt.services.teams import macpt_member_add, macpt_member_remove
from tests.factories import UserFactory
from tests.personas import agency, team

pytestmark = pytest.mark.django_db


def _practitioner(agency_key: str, **extra):
    return UserFactory(agency=agency(agency_key), roles=[Role.MACPT_MEMBER], **extra)


def test_a_manager_adds_members_of_each_agency_on_the_team_page(client, fh_manager, macpt):
    client.force_login(fh_manager)
    added = {key: _practitioner(key) for key in ("council", "police", "health", "school")}
    for user in added.values():
        response = client.post(reverse("macpt:team", args=[macpt.pk]), {"user": user.pk})
        assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(reverse("macpt:team", args=[macpt.pk])).content.decode()
    for key, user in added.items():
        assert user.full_name in page and escape(agency(key).name) in page
        assert macpt.members.filter(pk=user.pk).exists()
    assert AuditEvent.objects.filter(verb="team.member_added", actor_id=fh_manager.pk).count() == 4
    assert macpt.name in client.get(reverse("macpt:teams")).content.decode()


@pytest.mark.parametrize("persona", ["lcpp", "police_officer", "sw_fhlp", "triage_officer"])
def test_the_team_pages_are_not_there_for_those_who_do_not_manage_teams(persona, request, client, macpt):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("macpt:teams")).status_code == 404
    assert client.get(reverse("macpt:team", args=[macpt.pk])).status_code == 404
    stranger = _practitioner("police")
    assert client.post(reverse("macpt:team", args=[macpt.pk]), {"user": stranger.pk}).status_code == 404
    assert not macpt.members.filter(pk=stranger.pk).exists()


def test_an_administrator_cannot_be_added_and_a_member_is_not_added_twice(fh_manager, macpt, police_officer):
    admin = UserFactory(agency=agency("council"), roles=[Role.ADMIN])
    with pytest.raises(ValidationError) as refused:
        macpt_member_add(team=macpt, user=admin, actor=fh_manager)
    assert "never see a child's record" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        macpt_member_add(team=macpt, user=police_officer, actor=fh_manager)
    assert "already a member" in refused.value.messages[0]
    with pytest.raises(PermissionDenied):
        macpt_member_add(team=macpt, user=_practitioner("health"), actor=police_officer)


def test_a_police_member_sees_the_children_their_macpt_works_with_and_no_others(
    client, family, lcpp, macpt, police_officer, fh_manager, make_person
):
    other = make_person(first="Ola", last="Stranger", dob=dt.date(2016, 1, 1))
    # Another MACPT's child: a discussion held by a second MACPT the officer is not in.
    other_macpt = team("fh_team")  # multi-agency too
    strategy_discussion_start(actor=lcpp, team=other_macpt, children=[other], held_at=timezone.now())
    client.force_login(police_officer)
    assert client.get(reverse("cases:person_detail", args=[family["mia"].pk])).status_code == 404
    strategy_discussion_start(actor=lcpp, team=macpt, children=[family["mia"]], held_at=timezone.now())
    assert client.get(reverse("cases:person_detail", args=[family["mia"].pk])).status_code == 200
    assert client.get(reverse("cases:person_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("cases:person_detail", args=[family["leo"].pk])).status_code == 404  # not discussed
    scope = set(person_record_scope(police_officer, relatives=False).values_list("pk", flat=True))
    assert family["mia"].pk in scope and other.pk not in scope and family["leo"].pk not in scope
    # Leaving the MACPT ends it at once.
    macpt_member_remove(team=macpt, user=police_officer, actor=fh_manager)
    client.force_login(police_officer)
    assert client.get(reverse("cases:person_detail", args=[family["mia"].pk])).status_code == 404


def test_police_and_health_information_follow_the_tag_rules(
    client, discussion, family, police_officer, health_member, education_member, vcs_fhlp, fh_manager
):
    """The police's item carries the police tag and the nurse's the health tag, whoever reads them: the MACPT's members
    (the child's MACPT, whatever their agency) read both; the family's lead practitioner
    from a charity sees the discussion (the children's whole record) but neither tagged item."""
    from cases.models import LeadKind
    from cases.services import episode_set_lead

    for name in ("Mia", "Leo"):
        episode_set_lead(episode=family["episodes"][name], actor=fh_manager, user=vcs_fhlp, kind=LeadKind.FHLP)
    strategy_information_add(
        discussion=discussion, actor=police_officer, text="Cautioned for assault in 2024.", person=family["mia"]
    )
    strategy_information_add(discussion=discussion, actor=health_member, text="Missed two immunisations.")
    strategy_information_add(discussion=discussion, actor=education_member, text="Attendance 71 per cent.")
    url = reverse("macpt:strategy", args=[discussion.pk])
    for reader, reads in (
        (police_officer, True),
        (health_member, True),
        (education_member, True),
        (vcs_fhlp, False),
    ):
        client.force_login(reader)
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, reader
        assert ("Cautioned for assault" in page) is reads, reader
        assert ("Missed two immunisations" in page) is reads, reader
        assert "Attendance 71 per cent." in page, reader  # untagged: everyone who sees the discussion
    client.force_login(vcs_fhlp)
    pdf = client.get(reverse("macpt:strategy_pdf", args=[discussion.pk]))
    assert pdf.status_code == 200 and b"Cautioned" not in pdf.content
