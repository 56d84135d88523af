"""Issue 14 item 6: harm outside the home. An s47 enquiry and a conference may be about risk outside the family
(exploitation, peer groups, places), recorded as such with the people and places involved; the family's plan holds the
actions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Action, AuditEvent, ChronologyEntry
from cases.services import person_create
from macpt.models import ExtraFamilialHarm
from macpt.services.harm_outside_home import harm_action_add, harm_person_add, harm_place_add, harm_record
from tests.macpt.support import arrange

pytestmark = pytest.mark.django_db


@pytest.fixture
def harm(enquiry, lcpp):
    return harm_record(
        person=enquiry.person,
        actor=lcpp,
        enquiry=enquiry,
        contexts=["criminal_exploitation", "peer_abuse"],
        summary="Mia is going missing at weekends with older teenagers; seen at the station late at night.",
    )


def test_an_s47_enquiry_is_recorded_as_about_harm_outside_the_home_from_its_page(enquiry, lcpp, client):
    client.force_login(lcpp)
    s47_page = client.get(reverse("macpt:s47", args=[enquiry.pk])).content.decode()
    url = reverse("macpt:harm_from_s47", args=[enquiry.pk])
    assert f'href="{url}"' in s47_page
    refused = client.post(url, {"summary": ""})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Choose at least one context of harm outside the home" in page
    assert "Say what the risk is and where it comes from" in page
    response = client.post(
        url, {"contexts": ["criminal_exploitation", "online"], "summary": "County lines recruitment."}
    )
    harm = ExtraFamilialHarm.objects.get(enquiry=enquiry)
    assert response["Location"] == reverse("macpt:harm_outside_home", args=[harm.pk])
    assert harm.person == enquiry.person and harm.contexts == ["criminal_exploitation", "online"]
    entry = ChronologyEntry.objects.get(kind="macpt.harm_outside_home.recorded")
    assert entry.significant and "Criminal exploitation (including county lines)" in entry.summary
    assert AuditEvent.objects.filter(verb="macpt.harm_outside_home.recorded", actor_id=lcpp.pk).exists()
    # The enquiry's page now leads to it, and recording it again goes to the one record.
    s47_page = client.get(reverse("macpt:s47", args=[enquiry.pk])).content.decode()
    assert reverse("macpt:harm_outside_home", args=[harm.pk]) in s47_page
    assert client.get(url)["Location"] == reverse("macpt:harm_outside_home", args=[harm.pk])


def test_a_conference_is_recorded_as_about_harm_outside_the_home_for_one_of_its_children(
    cp_family, lcpp, chair, enquiry, client
):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), enquiry=enquiry)
    client.force_login(chair)
    url = reverse("macpt:harm_from_conference", args=[conference.pk])
    assert f'href="{url}"' in client.get(reverse("macpt:conference", args=[conference.pk])).content.decode()
    response = client.post(
        url, {"person": str(cp_family["mia"].pk), "contexts": ["sexual_exploitation"], "summary": "Older man online."}
    )
    assert response.status_code == 302
    harm = ExtraFamilialHarm.objects.get(conference=conference)
    assert harm.person == cp_family["mia"] and harm.enquiry is None
    with pytest.raises(ValidationError, match="child this conference is about"):
        harm_record(
            person=cp_family["grace"],
            actor=chair,
            conference=conference,
            contexts=["gangs"],
            summary="Not a child here",
        )
    with pytest.raises(ValidationError):
        harm_record(person=cp_family["mia"], actor=chair, conference=conference, contexts=["gangs"], summary="Again")


def test_people_and_places_involved_are_recorded(harm, lcpp, client, triage_officer):
    peer = person_create(actor=triage_officer, data={"first_name": "Jay", "last_name": "Peer"})
    client.force_login(lcpp)
    url = reverse("macpt:harm_person_add", args=[harm.pk])
    refused = client.post(url, {"person-name": "", "person-role": ""})
    assert refused.status_code == 200
    assert (
        "Enter who they are" in refused.content.decode() and "Choose how they are involved" in refused.content.decode()
    )
    unknown = client.post(url, {"person-la_child_id": "NOSUCH", "person-role": "peer"})
    assert "No record you can see has this LA child ID" in unknown.content.decode()
    assert client.post(url, {"person-la_child_id": peer.la_child_id, "person-role": "peer"}).status_code == 302
    assert (
        client.post(url, {"person-name": "'Tall man' with a grey car", "person-role": "exploiting_adult"}).status_code
        == 302
    )
    place_url = reverse("macpt:harm_place_add", args=[harm.pk])
    assert client.post(place_url, {"place-kind": "transport", "place-name": "Testford bus station"}).status_code == 302
    page = client.get(reverse("macpt:harm_outside_home", args=[harm.pk])).content.decode()
    assert "Jay Peer" in page and "Peer or peer group" in page
    assert "&#x27;Tall man&#x27; with a grey car" in page
    assert "Testford bus station (Transport hub or route)" in page
    assert harm.people.get(person=peer).role == "peer"
    kinds = set(ChronologyEntry.objects.filter(person=harm.person).values_list("kind", flat=True))
    assert {"macpt.harm_outside_home.person", "macpt.harm_outside_home.place"} <= kinds


def test_the_familys_plan_holds_the_actions(harm, cp_family, sw_fhlp, lcpp, client):
    plan = cp_family["plan"]
    data = {
        "description": "Refer to the exploitation hub and agree a safety plan for weekends",
        "owner": sw_fhlp,
        "due_on": dt.date(2025, 12, 12),
        "status": "not_started",
    }
    link = harm_action_add(harm=harm, actor=sw_fhlp, data=data)  # the family's lead, the plan's editor
    assert link.action.plan == plan  # on the family's one plan, not a plan of its own
    assert Action.objects.filter(plan=plan, description__startswith="Refer to the exploitation hub").count() == 1
    client.force_login(sw_fhlp)
    page = client.get(reverse("macpt:harm_outside_home", args=[harm.pk])).content.decode()
    assert "Refer to the exploitation hub" in page and reverse("cases:plan", args=[cp_family["case"].pk]) in page
    plan_page = client.get(reverse("cases:plan", args=[cp_family["case"].pk])).content.decode()
    assert "Refer to the exploitation hub" in plan_page
    # Through the page: the plan's own form and rules (an owner is needed).
    response = client.post(
        reverse("macpt:harm_action_add", args=[harm.pk]),
        {
            "action-description": "Weekly check-in",
            "action-due_on_day": "19",
            "action-due_on_month": "12",
            "action-due_on_year": "2025",
            "action-status": "not_started",
        },
    )
    assert response.status_code == 200 and "every action needs an owner" in response.content.decode()


def test_only_an_lcpp_records_and_only_the_plans_editors_add_actions(harm, enquiry, sw_fhlp, vcs_fhlp, client):
    with pytest.raises(PermissionDenied):
        harm_record(person=enquiry.person, actor=sw_fhlp, enquiry=enquiry, contexts=["gangs"], summary="x")
    with pytest.raises(PermissionDenied):
        harm_place_add(harm=harm, actor=sw_fhlp, data={"kind": "shop", "name": "Chicken shop"})
    with pytest.raises(PermissionDenied):
        harm_person_add(harm=harm, actor=sw_fhlp, data={"name": "X", "role": "peer"})
    client.force_login(sw_fhlp)  # the family's lead reads it
    assert client.get(reverse("macpt:harm_outside_home", args=[harm.pk])).status_code == 200
    assert client.post(reverse("macpt:harm_place_add", args=[harm.pk]), {}).status_code == 404
    client.force_login(vcs_fhlp)  # not involved: not there
    assert client.get(reverse("macpt:harm_outside_home", args=[harm.pk])).status_code == 404
    assert client.get(reverse("macpt:harm_from_s47", args=[enquiry.pk])).status_code == 404
