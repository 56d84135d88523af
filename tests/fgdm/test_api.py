"""The FGDM API (issue 15 item 8): offers, referrals (preparation and network) and meetings (the family's plan,
support, shared information under the tag rules, reviews), scoped exactly as the pages: a family out of scope is 404."""

import pytest

from cases.models import AuditEvent
from tests.fgdm import api_world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/family-group-decision-making"


@pytest.fixture
def world(family, sw_fhlp, police_officer):
    fran = api_world.facilitator("fran@example.test", "Fran Facilitator")
    other = api_world.facilitator("otto@example.test", "Otto Facilitator")
    built = api_world.build(family, lead=sw_fhlp, facilitator_user=fran, police=police_officer)
    return {**built, "fran": fran, "other": other, "lead": sw_fhlp, "family": family}


def _get(api_client, user, url):
    api_client.force_authenticate(user)
    return api_client.get(f"{BASE}/{url}")


@pytest.mark.parametrize("url", ["offers/{offer}/", "referrals/{referral}/", "meetings/{meeting}/"])
def test_the_allocated_facilitator_and_the_lead_read_the_family_records(api_client, world, url):
    url = url.format(offer=world["offer"].pk, referral=world["referral"].pk, meeting=world["meeting"].pk)
    for user in (world["fran"], world["lead"]):
        response = _get(api_client, user, url)
        assert response.status_code == 200, (user, response.content)
        assert {c["id"] for c in response.json()["children"]} == {world["family"]["mia"].pk, world["family"]["leo"].pk}


@pytest.mark.parametrize("url", ["offers/{offer}/", "referrals/{referral}/", "meetings/{meeting}/"])
def test_a_facilitator_not_allocated_and_a_school_are_told_it_is_not_there(api_client, world, school_dsl, url):
    url = url.format(offer=world["offer"].pk, referral=world["referral"].pk, meeting=world["meeting"].pk)
    for user in (world["other"], school_dsl):
        response = _get(api_client, user, url)
        assert response.status_code == 404, user


def test_lists_hold_only_the_families_in_scope(api_client, world, school_dsl):
    assert [o["id"] for o in _get(api_client, world["fran"], "offers/").json()["results"]] == [world["offer"].pk]
    assert _get(api_client, world["other"], "offers/").json()["results"] == []
    assert _get(api_client, school_dsl, "referrals/").json()["results"] == []
    caseload = _get(api_client, world["fran"], "referrals/?facilitator=me").json()["results"]
    assert [r["id"] for r in caseload] == [world["referral"].pk]
    assert _get(api_client, world["lead"], "referrals/?facilitator=me").json()["results"] == []


def test_the_meeting_shows_the_family_plan_support_reviews_and_only_the_information_the_reader_may_read(
    api_client, world
):
    body = _get(api_client, world["fran"], f"meetings/{world['meeting'].pk}/").json()
    assert [i["what"] for i in body["plan_items"]] == ["Nan has the children at weekends"]
    assert body["support"][0]["family_network_support_package"] is True and body["support"][0]["cost"] == "120.00"
    assert [r["outcome"] for r in body["reviews"]] == ["working"]
    assert (body["private_time_start"], body["private_time_end"]) == ("11:00:00", "12:00:00")
    # The police's tagged item is not the facilitator's to read; the council's is.
    assert [i["id"] for i in body["information"]] == [world["council_item"].pk]


def test_reading_a_meeting_leaves_an_audit_row_naming_the_children(api_client, world):
    _get(api_client, world["fran"], f"meetings/{world['meeting'].pk}/")
    event = AuditEvent.objects.filter(verb="fgdm_meeting.viewed", actor_id=world["fran"].pk).get()
    assert set(event.child_ids) == {world["family"]["mia"].pk, world["family"]["leo"].pk}


def test_the_referral_shows_the_childs_wishes_and_the_network(api_client, world):
    body = _get(api_client, world["fran"], f"referrals/{world['referral'].pk}/").json()
    assert body["steps"][0]["child_wishes"] == "I want to stay with Nan at weekends."
    assert [n["person"]["id"] for n in body["network"]] == [world["family"]["grace"].pk]
    assert body["meeting_ids"] == [world["meeting"].pk]


def test_not_signed_in_is_401(api_client, world):
    assert api_client.get(f"{BASE}/offers/{world['offer'].pk}/").status_code == 401
