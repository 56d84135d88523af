"""Issue 13 item 6: stepping a child down from child protection (or pre-proceedings), or closing an episode with an
open strategy-discussion / emergency-action request or child protection work, is the LCPP's (cases policy action
"cases.step_down_child_protection"), never any Family Help lead's; the LCPP's step-down closes the open requests
with the LCPP's reason (audited, in the chronology), never silently; stepping down with no Family Help lead asks
for a Family Help allocation, so no child leaves child protection with nobody. Services, pages and API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import policy
from cases.models import AuditEvent, ChronologyEntry, Episode, EpisodeLevel, Role, WorkRequest
from cases.services import work_request_create
from family_help.selectors.continuum import continuum_state
from family_help.services.continuum import continuum_close, continuum_step_down, continuum_step_up
from tests.support import api_as

pytestmark = pytest.mark.django_db

LCPP_ONLY = "Lead Child Protection Practitioner"


def level_of(episode) -> str:
    return EpisodeLevel.objects.get(episode=episode, ended_at__isnull=True).level.census_meaning


@pytest.fixture
def stepped_up(led, vcs_fhlp):
    """Val Voluntary (the family's voluntary-sector lead) has stepped Mia up: a strategy discussion is asked for."""
    [request] = continuum_step_up(
        family_case=led["case"],
        actor=vcs_fhlp,
        children=[led["mia"]],
        worry="Bruise on Mia's cheek",
        reason="Harm",
        referral_source="8",
    )
    return {**led, "strategy": request}


def test_the_policy_table_gives_the_step_down_from_child_protection_to_the_lcpp_only():
    assert policy.role_actions()["cases.step_down_child_protection"] == frozenset({Role.LCPP})


@pytest.mark.parametrize("persona", ["vcs_fhlp", "fh_manager"])
def test_a_family_help_lead_or_manager_cannot_step_a_child_down_from_child_protection(stepped_up, persona, request):
    actor = request.getfixturevalue(persona)
    episode = stepped_up["episodes"]["Mia"]
    with pytest.raises(ValidationError) as info:
        continuum_step_down(
            family_case=stepped_up["case"], actor=actor, children=[stepped_up["mia"]], to="child_in_need", reason="x"
        )
    assert LCPP_ONLY in " ".join(info.value.message_dict["children"])
    assert level_of(episode) == "child_protection"
    stepped_up["strategy"].refresh_from_db()
    assert stepped_up["strategy"].status == WorkRequest.Status.OPEN


def test_a_family_help_lead_cannot_close_a_child_with_an_open_strategy_discussion(stepped_up, vcs_fhlp):
    with pytest.raises(ValidationError) as info:
        continuum_close(
            family_case=stepped_up["case"],
            actor=vcs_fhlp,
            children=[stepped_up["mia"]],
            reason_code="RC7",
            summary="Family moving away",
        )
    assert LCPP_ONLY in " ".join(info.value.message_dict["children"])
    assert Episode.objects.get(pk=stepped_up["episodes"]["Mia"].pk).closed_on is None
    stepped_up["strategy"].refresh_from_db()
    assert stepped_up["strategy"].status == WorkRequest.Status.OPEN


def test_a_family_help_lead_cannot_close_a_child_with_an_open_emergency_action_request(led, vcs_fhlp, triage_officer):
    work_request_create(
        kind=WorkRequest.Kind.EMERGENCY_ACTION,
        person=led["leo"],
        actor=triage_officer,
        episode=led["episodes"]["Leo"],
        summary="Police protection may be needed",
    )
    with pytest.raises(ValidationError) as info:
        continuum_step_down(
            family_case=led["case"],
            actor=vcs_fhlp,
            children=[led["leo"]],
            to="universal",
            reason="Nursery",
            reason_code="RC7",
            summary="Settled",
        )
    assert LCPP_ONLY in " ".join(info.value.message_dict["children"])
    assert Episode.objects.get(pk=led["episodes"]["Leo"].pk).closed_on is None


def test_whoever_asked_for_the_strategy_discussion_hears_that_the_lcpps_step_down_closed_it(stepped_up, lcpp, vcs_fhlp):
    """Closing a hand-off is never silent: the practitioner who stepped Mia up is told, as when an LCPP closes a
    request from the inbox (the title names the request, never the child)."""
    from cases.models import Notification

    reason = "Threshold for s47 not met"
    continuum_step_down(
        family_case=stepped_up["case"], actor=lcpp, children=[stepped_up["mia"]], to="child_in_need", reason=reason
    )
    told = Notification.objects.get(user=vcs_fhlp, kind="work_request.cancelled")
    assert reason in told.body and "Mia" not in told.title


def test_the_lcpps_step_down_closes_the_open_request_with_their_reason_audited_and_in_the_chronology(stepped_up, lcpp):
    reason = "Strategy discussion by phone with police: threshold for s47 not met"
    continuum_step_down(
        family_case=stepped_up["case"], actor=lcpp, children=[stepped_up["mia"]], to="child_in_need", reason=reason
    )
    strategy = stepped_up["strategy"]
    strategy.refresh_from_db()
    assert strategy.status == WorkRequest.Status.CANCELLED and strategy.handled_by == lcpp
    assert reason in strategy.handled_reason  # kept on the request itself
    event = AuditEvent.objects.get(verb="work_request.cancelled", target_id=str(strategy.pk))
    assert event.actor_id == lcpp.pk and reason in event.reason
    entry = ChronologyEntry.objects.get(person=stepped_up["mia"], kind="work_request_closed")
    assert reason in entry.summary and "Strategy discussion" in entry.summary
    # The family's lead practitioner is still there: nobody needs allocating.
    assert not WorkRequest.objects.filter(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, person=stepped_up["mia"], status=WorkRequest.Status.OPEN
    ).exists()


def test_stepping_down_from_child_protection_with_no_family_help_lead_asks_for_an_allocation(family, lcpp):
    leo, episode = family["leo"], family["episodes"]["Leo"]
    continuum_step_up(
        family_case=family["case"],
        actor=lcpp,
        children=[leo],
        worry="Left alone",
        reason="Neglect",
        referral_source="8",
    )
    continuum_step_down(
        family_case=family["case"],
        actor=lcpp,
        children=[leo],
        to="early_help",
        reason="No s47: early help",
        reason_code="RC7",
    )
    request = WorkRequest.objects.get(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, person=leo, status=WorkRequest.Status.OPEN
    )
    assert request.episode == episode and request.requested_by == lcpp and "No s47: early help" in request.summary
    # Mia was already waiting for allocation: she is not asked for twice.
    continuum_step_up(
        family_case=family["case"], actor=lcpp, children=[family["mia"]], worry="x", reason="y", referral_source="8"
    )
    continuum_step_down(
        family_case=family["case"], actor=lcpp, children=[family["mia"]], to="early_help", reason="z", reason_code="RC7"
    )
    assert (
        WorkRequest.objects.filter(
            kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, person=family["mia"], status=WorkRequest.Status.OPEN
        ).count()
        == 1
    )


# --- pages and API ----------------------------------------------------------------------------------------------


def test_the_step_down_page_does_not_offer_a_child_at_child_protection_to_a_family_help_lead(
    stepped_up, vcs_fhlp, client
):
    case, mia, leo = stepped_up["case"], stepped_up["mia"], stepped_up["leo"]
    client.force_login(vcs_fhlp)
    html = client.get(reverse("family_help:step_down", args=[case.pk])).content.decode()
    assert f'value="{mia.pk}"' not in html and f'value="{leo.pk}"' in html
    assert LCPP_ONLY in html
    response = client.post(
        reverse("family_help:step_down", args=[case.pk]),
        {
            "children": [mia.pk],
            "to": "child_in_need",
            "reason": "We think it is fine",
            "state": continuum_state(family_case=case),
        },
    )
    assert response.status_code == 200
    assert LCPP_ONLY in response.content.decode() and "We think it is fine" in response.content.decode()
    assert level_of(stepped_up["episodes"]["Mia"]) == "child_protection"


def test_the_close_page_does_not_offer_a_child_with_child_protection_work_to_a_family_help_lead(
    stepped_up, vcs_fhlp, lcpp, client
):
    case, mia, leo = stepped_up["case"], stepped_up["mia"], stepped_up["leo"]
    client.force_login(vcs_fhlp)
    html = client.get(reverse("family_help:close", args=[case.pk])).content.decode()
    assert f'value="{mia.pk}"' not in html and f'value="{leo.pk}"' in html
    client.force_login(lcpp)
    html = client.get(reverse("family_help:step_down", args=[case.pk])).content.decode()
    assert f'value="{mia.pk}"' in html


def test_the_api_refuses_a_family_help_leads_step_down_from_child_protection_with_a_reason(stepped_up, vcs_fhlp):
    case = stepped_up["case"]
    response = api_as(vcs_fhlp).post(
        f"/api/v1/family-help/families/{case.pk}/step-down/",
        {"children": [stepped_up["mia"].pk], "to": "early_help", "reason": "Fine"},
        format="json",
        HTTP_IF_MATCH=f'"{continuum_state(family_case=case)}"',
    )
    assert response.status_code == 400
    assert LCPP_ONLY in " ".join(response.data["children"])
    assert level_of(stepped_up["episodes"]["Mia"]) == "child_protection"


def test_the_lcpps_closure_closes_the_open_requests_with_the_closure_summary(stepped_up, lcpp):
    summary = "Family moved to another authority; transferred with the s47 information"
    continuum_close(
        family_case=stepped_up["case"], actor=lcpp, children=[stepped_up["mia"]], reason_code="RC5", summary=summary
    )
    strategy = stepped_up["strategy"]
    strategy.refresh_from_db()
    assert strategy.status == WorkRequest.Status.CANCELLED and summary in strategy.handled_reason
    assert Episode.objects.get(pk=stepped_up["episodes"]["Mia"].pk).closed_on is not None
    assert ChronologyEntry.objects.filter(person=stepped_up["mia"], kind="work_request_closed").count() == 1
