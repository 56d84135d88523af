"""Issue 13 item 7: the continuum records what the CIN census needs. Stepping up from early help (to child in need
or child protection) is a new referral to children's social care: its source (census ReferralSource) is asked and
a CinReferral opens dated the step-up. Stepping down out of child in need (to early help or universal services),
or closing, records the census reason for closure (RC1-RC9) on the child's referral. Services, pages and API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import CinReferral, EpisodeLevel, Notification, WorkRequest
from family_help.selectors.continuum import continuum_state
from family_help.services.continuum import (
    continuum_change_level,
    continuum_close,
    continuum_step_down,
    continuum_step_up,
)
from tests.support import api_as

pytestmark = pytest.mark.django_db


def level_of(episode) -> str:
    return EpisodeLevel.objects.get(episode=episode, ended_at__isnull=True).level.census_meaning


def test_stepping_up_from_early_help_to_child_in_need_opens_a_referral_with_its_source(allocated, sw_fhlp):
    mia, episode = allocated["mia"], allocated["episodes"]["Mia"]
    continuum_change_level(
        family_case=allocated["case"],
        actor=sw_fhlp,
        children=[mia],
        to="child_in_need",
        reason="School worried",
        referral_source="2A",
    )
    referral = CinReferral.objects.get(person=mia)
    assert referral.referral_date == timezone.localdate() and referral.source_code == "2A"
    assert referral.episode == episode and referral.closed_on is None and referral.opened_by == sw_fhlp
    assert (referral.source_type, referral.source_id) == ("cases.episode", str(episode.pk))


def test_stepping_up_from_early_help_without_the_referral_source_is_refused(allocated, sw_fhlp):
    with pytest.raises(ValidationError) as info:
        continuum_change_level(
            family_case=allocated["case"], actor=sw_fhlp, children=[allocated["mia"]], to="child_in_need", reason="x"
        )
    assert "referral source" in info.value.message_dict["referral_source"][0]
    assert level_of(allocated["episodes"]["Mia"]) == "early_help"
    assert not CinReferral.objects.exists()


def test_stepping_up_from_early_help_to_child_protection_opens_a_referral(allocated, sw_fhlp, lcpp):
    continuum_step_up(
        family_case=allocated["case"],
        actor=sw_fhlp,
        children=[allocated["leo"]],
        worry="Bruise",
        reason="Harm",
        referral_source="3B",
    )
    assert CinReferral.objects.get(person=allocated["leo"]).source_code == "3B"
    # The LCPPs' alert opens the strategy-discussion request itself (issue 13 item 1: notifications link to it).
    request = WorkRequest.objects.get(person=allocated["leo"], kind=WorkRequest.Kind.STRATEGY_DISCUSSION)
    alert = Notification.objects.filter(kind="family_help.step_up").first()
    assert alert is not None and alert.link == f"/cases/work-requests/{request.pk}/"


def test_stepping_down_out_of_child_in_need_needs_and_records_the_census_reason(allocated, sw_fhlp):
    case, mia = allocated["case"], allocated["mia"]
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="child_in_need", reason="s17", referral_source="8"
    )
    with pytest.raises(ValidationError) as info:
        continuum_change_level(family_case=case, actor=sw_fhlp, children=[mia], to="early_help", reason="Better")
    assert "reason for closure" in info.value.message_dict["reason_code"][0]
    assert level_of(allocated["episodes"]["Mia"]) == "child_in_need"
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="early_help", reason="Better", reason_code="RC7"
    )
    referral = CinReferral.objects.get(person=mia)
    assert referral.closed_on == timezone.localdate() and referral.closure_reason == "RC7" and not referral.nfa


def test_the_lcpps_step_down_to_early_help_closes_the_referral_with_the_census_reason(allocated, sw_fhlp, lcpp):
    case, mia = allocated["case"], allocated["mia"]
    continuum_step_up(family_case=case, actor=sw_fhlp, children=[mia], worry="x", reason="y", referral_source="2A")
    with pytest.raises(ValidationError) as info:
        continuum_step_down(family_case=case, actor=lcpp, children=[mia], to="early_help", reason="No s47")
    assert set(info.value.message_dict) == {"reason_code"}
    continuum_step_down(
        family_case=case, actor=lcpp, children=[mia], to="early_help", reason="No s47", reason_code="RC7"
    )
    referral = CinReferral.objects.get(person=mia)
    assert referral.closure_reason == "RC7" and referral.closed_by == lcpp


def test_closing_closes_the_referral_with_the_closure_reason(allocated, sw_fhlp):
    case, mia = allocated["case"], allocated["mia"]
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="child_in_need", reason="s17", referral_source="8"
    )
    continuum_close(family_case=case, actor=sw_fhlp, children=[mia], reason_code="RC8", summary="Assessed, no more")
    assert CinReferral.objects.get(person=mia).closure_reason == "RC8"


def test_the_change_level_page_asks_the_referral_source(allocated, sw_fhlp, client):
    case, leo = allocated["case"], allocated["leo"]
    client.force_login(sw_fhlp)
    url = reverse("family_help:change_level", args=[case.pk])
    assert 'name="referral_source"' in client.get(url).content.decode()
    data = {"children": [leo.pk], "to": "child_in_need", "reason": "Delay", "state": continuum_state(family_case=case)}
    response = client.post(url, data)
    assert response.status_code == 200 and "Choose where the referral came from" in response.content.decode()
    response = client.post(url, {**data, "referral_source": "3B"})
    assert response.status_code == 302
    assert CinReferral.objects.get(person=leo).source_code == "3B"


def test_the_api_steps_up_with_the_referral_source(allocated, sw_fhlp):
    case = allocated["case"]
    response = api_as(sw_fhlp).post(
        f"/api/v1/family-help/families/{case.pk}/step-up/",
        {"children": [allocated["mia"].pk], "worry": "Bruise", "reason": "Harm", "referral_source": "6"},
        format="json",
        HTTP_IF_MATCH=f'"{continuum_state(family_case=case)}"',
    )
    assert response.status_code == 201, response.data
    assert CinReferral.objects.get(person=allocated["mia"]).source_code == "6"
