"""Issue 13 item 12, nothing typed twice in the family plan: it starts from the authorised assessment (worries,
strengths, the family's views, editable); team-around-the-family members are chosen from a searchable list of
practitioners of any agency (a search on the server: no JavaScript needed), not typed email addresses; and review
attendees are picked from the team around the family."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Review, Role, TafMember
from cases.services.plans import review_add, taf_add
from family_help.services.assessment import assessment_authorise, assessment_save_draft, assessment_submit
from tests.factories import UserFactory
from tests.family_help.assessment_support import complete

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, name
    return match.group(1)


@pytest.fixture
def authorised(led, assessment, vcs_fhlp, fh_manager):
    """The led family's assessment, written, submitted and authorised."""
    assessment = complete(assessment, vcs_fhlp)
    assessment = assessment_save_draft(
        assessment=assessment,
        actor=vcs_fhlp,
        expected_version=assessment.version,
        data={
            "housing": "Rent arrears of two months; a notice has been served.",
            "mental_health": "Grace has low mood and has stopped seeing her GP.",
            "strengths": "Grace walks Leo to nursery every day; Mia's gran helps at weekends.",
        },
        sections={},
    )
    assessment = assessment_submit(assessment=assessment, actor=vcs_fhlp)
    return assessment_authorise(assessment=assessment, actor=fh_manager)


# --- the plan starts from the assessment ------------------------------------------------------------------------


def test_the_plan_starts_from_the_authorised_assessment_and_stays_editable(client, led, authorised, vcs_fhlp):
    case = led["case"]
    url = reverse("cases:plan_start", args=[case.pk])
    client.force_login(vcs_fhlp)
    page = _html(client.get(url))
    worries = _textarea(page, "worries")
    assert "Rent arrears of two months" in worries and "Grace has low mood" in worries
    assert "Grace walks Leo to nursery every day" in _textarea(page, "working_well")
    views = _textarea(page, "family_views")
    assert "Mia says: I like it when mum is not sad." in views and "Leo says:" in views
    assert "From the assessment authorised on" in page
    # Changed before saving: the plan says what the lead saved, not what the assessment said.
    response = client.post(url, {"worries": "Rent arrears (changed)", "working_well": "Gran helps", "family_views": ""})
    assert response.status_code == 302
    plan = case.plan
    assert (plan.worries, plan.working_well, plan.family_views) == ("Rent arrears (changed)", "Gran helps", "")


def test_without_an_authorised_assessment_the_plan_starts_empty(client, led, assessment, vcs_fhlp):
    client.force_login(vcs_fhlp)
    page = _html(client.get(reverse("cases:plan_start", args=[led["case"].pk])))
    assert _textarea(page, "worries").strip() == "" and "From the assessment authorised on" not in page


# --- the team around the family from a searchable list --------------------------------------------------------


def test_the_lead_finds_a_practitioner_of_any_agency_by_searching_and_adds_them(
    client, led_family, health_practitioner, police_officer, school_dsl
):
    case, lead = led_family["case"], led_family["lead"]
    UserFactory(full_name="Sam Sysadmin", email="sys@example.test", roles=[Role.ADMIN])
    url = reverse("cases:taf_add", args=[case.pk])
    client.force_login(lead)
    everyone = _html(client.get(url))
    assert 'type="search"' in everyone and 'name="q"' in everyone
    assert health_practitioner.full_name in everyone and school_dsl.full_name in everyone
    assert "Sam Sysadmin" not in everyone  # a role that never reads a record is not offered
    assert 'name="email"' not in everyone
    found = _html(client.get(url, {"q": "community health"}))  # by agency name
    assert health_practitioner.full_name in found and school_dsl.full_name not in found
    assert health_practitioner.agency.name in found
    by_name = _html(client.get(url, {"q": police_officer.full_name.split()[0]}))
    assert police_officer.full_name in by_name and health_practitioner.full_name not in by_name

    # Nobody chosen: an error, with the search and the role typed kept.
    refused = _html(client.post(url + "?q=community+health", {"role": "Health visitor"}))
    assert "Choose the practitioner to add" in refused
    assert 'value="Health visitor"' in refused and health_practitioner.full_name in refused
    response = client.post(url, {"user": health_practitioner.pk, "role": "Health visitor"})
    assert response.status_code == 302
    member = TafMember.objects.get(family_case=case, user=health_practitioner)
    assert member.role == "Health visitor"
    assert AuditEvent.objects.filter(verb="family_help.taf_added", actor_id=lead.pk).count() == 1
    # A member already in the team is not offered again.
    again = _html(client.get(url, {"q": "community health"}))
    assert f'type="radio" value="{health_practitioner.pk}"' not in again and "No practitioner matches" in again


def test_a_practitioner_not_on_the_list_cannot_be_added_by_posting_their_id(client, led_family):
    case, lead = led_family["case"], led_family["lead"]
    sysadmin = UserFactory(full_name="Sam Sysadmin", email="sys@example.test", roles=[Role.ADMIN])
    client.force_login(lead)
    page = _html(client.post(reverse("cases:taf_add", args=[case.pk]), {"user": sysadmin.pk, "role": "IT"}))
    assert "Choose a practitioner from the list" in page
    assert not TafMember.objects.filter(user=sysadmin).exists()


# --- review attendees from the team around the family -------------------------------------------------------------


def test_review_attendees_are_picked_from_the_team_around_the_family(
    client, plan, led_family, health_practitioner, school_dsl
):
    case, lead = led_family["case"], led_family["lead"]
    hv = taf_add(family_case=case, actor=lead, user=health_practitioner, role="Health visitor")
    dsl = taf_add(family_case=case, actor=lead, user=school_dsl, role="Designated safeguarding lead")
    url = reverse("cases:review_add", args=[case.pk])
    client.force_login(lead)
    page = _html(client.get(url))
    assert page.count('name="taf_attendees"') == 2 and 'type="checkbox"' in page
    assert f"{health_practitioner.full_name} (Health visitor, {health_practitioner.agency.name})" in page
    today = timezone.localdate()
    nxt = today + dt.timedelta(days=60)
    outcomes = {f"rating_{o.pk}": "5" for o in plan.outcomes.all()}
    response = client.post(
        url,
        {
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "taf_attendees": [hv.pk],
            "attendees": "Grace (mum)",
            "summary": "Attendance up; housing still a worry.",
            "next_review_on_day": nxt.day,
            "next_review_on_month": nxt.month,
            "next_review_on_year": nxt.year,
            **outcomes,
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (
        review.attendees
        == f"{health_practitioner.full_name} (Health visitor, {health_practitioner.agency.name}); Grace (mum)"
    )
    snapshot = review.plan_version.snapshot["review"]
    assert [a["user_id"] for a in snapshot["taf_attendees"]] == [health_practitioner.pk]
    assert dsl.pk not in [a.get("member_id") for a in snapshot["taf_attendees"]]


def test_a_review_attendee_who_is_not_in_the_team_is_refused(plan, led_family, health_practitioner, fh_manager):
    from django.core.exceptions import ValidationError

    case, lead = led_family["case"], led_family["lead"]
    member = taf_add(family_case=case, actor=lead, user=health_practitioner, role="Health visitor")
    other_case_member = TafMember(pk=member.pk + 1000)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        review_add(
            plan=plan,
            actor=lead,
            data={
                "held_on": today,
                "summary": "x",
                "next_review_on": today + dt.timedelta(days=30),
                "taf_attendees": [other_case_member],
            },
            ratings={o.pk: 5 for o in plan.outcomes.all()},
        )
    assert "Choose who came from the team around the family" in exc.value.message_dict["taf_attendees"][0]
    assert not Review.objects.exists()
