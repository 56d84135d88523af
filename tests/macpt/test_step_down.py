"""Issue 14 item 11: stepping down from child protection by the conference. A review conference that ends a child's
plan records the end date (the conference's) and the reason, moves the child's episode down (to child in need where
the child remains in need, a CIN plan period starting that day on the family's same plan; or to early help with the
census reason for closure), cancels the plan's open clocks and ends the MACPT's involvement, while the family's lead
practitioner carries on."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.models import (
    ChronologyEntry,
    CinPlanPeriod,
    Deadline,
    EpisodeLevel,
    Involvement,
    InvolvementRole,
)
from cases.selectors import current_lead_ids
from macpt.models import ChildProtectionPlan
from macpt.services.conference import conference_decide
from tests.macpt.support import arrange, at, hold_icpc

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_plan(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    return ChildProtectionPlan.objects.get()


def _review(cp_family, lcpp, chair, clock, decision, day=dt.date(2026, 3, 13)):
    review = arrange(cp_family, lcpp, chair, day, kind="review")
    clock.move_to(at(day, 15))
    conference_decide(conference=review, actor=chair, decisions={cp_family["mia"].pk: decision})
    return review


def test_a_review_that_ends_the_plan_steps_the_child_down_to_child_in_need(on_plan, cp_family, lcpp, chair, clock):
    mia = cp_family["mia"]
    review = _review(
        cp_family, lcpp, chair, clock, {"plan": False, "end_reason": "no_longer_at_risk", "reason": "Safe at home"}
    )
    on_plan.refresh_from_db()
    assert (on_plan.end_date, on_plan.end_reason, on_plan.ended_by_conference) == (
        dt.date(2026, 3, 13),
        "no_longer_at_risk",
        review,
    )
    assert on_plan.end_reason_text == "Safe at home"
    level = EpisodeLevel.objects.get(episode__person=mia, ended_at__isnull=True).level
    assert level.census_meaning == "child_in_need"
    periods = list(CinPlanPeriod.objects.filter(episode__person=mia).order_by("start_date"))
    assert [(p.start_date, p.end_date) for p in periods] == [
        (dt.date(2025, 12, 1), dt.date(2025, 12, 19)),
        (dt.date(2026, 3, 13), None),
    ]
    assert periods[1].plan == cp_family["plan"]  # the family's same plan
    assert not Deadline.objects.filter(target_type="macpt.childprotectionplan", state=Deadline.State.OPEN).exists()
    assert ChronologyEntry.objects.filter(person=mia, kind="cp_plan_ended").exists()


def test_the_macpt_leaves_and_the_familys_lead_carries_on(on_plan, cp_family, lcpp, chair, clock, sw_fhlp):
    mia = cp_family["mia"]
    assert Involvement.objects.active().filter(person=mia, role=InvolvementRole.MACPT_MEMBER).exists()
    clock.move_to(at(dt.date(2026, 3, 13), 9))
    _review(cp_family, lcpp, chair, clock, {"plan": False})
    clock.move_to(at(dt.date(2026, 3, 16), 9))
    assert not Involvement.objects.active().filter(person=mia, role=InvolvementRole.MACPT_MEMBER).exists()
    assert current_lead_ids(person_id=mia.pk).filter(user_id=sw_fhlp.pk).exists()
    assert Involvement.objects.active().filter(person=mia, user=sw_fhlp, role="lead_practitioner").exists()


def test_stepping_down_to_early_help_needs_the_census_reason_for_closure(on_plan, cp_family, lcpp, chair, clock):
    from cases.models import CinReferral
    from cases.services import cin_referral_open

    mia = cp_family["mia"]
    cin_referral_open(
        person=mia,
        episode=cp_family["episodes"]["Mia"],
        referral_date=dt.date(2025, 12, 1),
        source_code="1A",
        source=None,
        actor=lcpp,
    )
    review = arrange(cp_family, lcpp, chair, dt.date(2026, 3, 13), kind="review")
    clock.move_to(at(dt.date(2026, 3, 13), 15))
    with pytest.raises(ValidationError) as info:
        conference_decide(
            conference=review, actor=chair, decisions={mia.pk: {"plan": False, "step_down_to": "early_help"}}
        )
    assert f"reason_code_{mia.pk}" in info.value.message_dict
    on_plan.refresh_from_db()
    assert on_plan.end_date is None  # nothing half done
    conference_decide(
        conference=review,
        actor=chair,
        decisions={mia.pk: {"plan": False, "step_down_to": "early_help", "reason_code": "RC4"}},
    )
    assert EpisodeLevel.objects.get(episode__person=mia, ended_at__isnull=True).level.census_meaning == "early_help"
    referral = CinReferral.objects.get(person=mia)
    assert (referral.closed_on, referral.closure_reason) == (dt.date(2026, 3, 13), "RC4")


def test_an_other_end_reason_needs_the_words(on_plan, cp_family, lcpp, chair, clock):
    mia = cp_family["mia"]
    review = arrange(cp_family, lcpp, chair, dt.date(2026, 3, 13), kind="review")
    clock.move_to(at(dt.date(2026, 3, 13), 15))
    with pytest.raises(ValidationError) as info:
        conference_decide(conference=review, actor=chair, decisions={mia.pk: {"plan": False, "end_reason": "other"}})
    assert f"reason_{mia.pk}" in info.value.message_dict


def test_ending_the_plan_ends_the_lcpps_lead_and_keeps_the_family_help_lead(
    on_plan, cp_family, lcpp, chair, clock, sw_fhlp
):
    """A change of lead is never silent: the LCPP's lead role ends (audited, in the chronology, the people working
    with the child told) and the Family Help lead carries on."""
    from cases.models import AuditEvent, EpisodeLead, LeadKind, Notification

    mia = cp_family["mia"]
    assert EpisodeLead.objects.filter(episode__person=mia, kind=LeadKind.LCPP, ended_at__isnull=True).exists()
    _review(cp_family, lcpp, chair, clock, {"plan": False})
    assert not EpisodeLead.objects.filter(episode__person=mia, kind=LeadKind.LCPP, ended_at__isnull=True).exists()
    assert EpisodeLead.objects.filter(
        episode__person=mia, kind=LeadKind.FHLP, user=sw_fhlp, ended_at__isnull=True
    ).exists()
    assert not current_lead_ids(person_id=mia.pk).filter(user_id=lcpp.pk).exists()
    assert AuditEvent.objects.filter(verb="episode.lead_ended", actor_id=chair.pk).exists()
    assert ChronologyEntry.objects.filter(person=mia, kind="lead_ended").exists()
    assert {n.user_id for n in Notification.objects.filter(kind="episode.lead_ended")} >= {lcpp.pk, sw_fhlp.pk}


def test_the_lcpps_step_down_with_no_conference_ends_their_lead(cp_family, lcpp, sw_fhlp, clock):
    from cases.models import EpisodeLead, LeadKind, Notification
    from family_help.services.continuum import continuum_step_down

    mia = cp_family["mia"]
    continuum_step_down(
        family_case=cp_family["case"], actor=lcpp, children=[mia], to="child_in_need", reason="s47: not substantiated"
    )
    assert not EpisodeLead.objects.filter(episode__person=mia, kind=LeadKind.LCPP, ended_at__isnull=True).exists()
    assert EpisodeLead.objects.filter(
        episode__person=mia, kind=LeadKind.FHLP, user=sw_fhlp, ended_at__isnull=True
    ).exists()
    assert not Involvement.objects.active().filter(person=mia, user=lcpp, role="lead_practitioner").exists()
    assert ChronologyEntry.objects.filter(person=mia, kind="lead_ended").exists()
    assert Notification.objects.filter(kind="episode.lead_ended", user=sw_fhlp).exists()
