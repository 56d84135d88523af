"""The census's child protection items read from the strand's records (macpt.selectors.census): who may read them,
which enquiries count in a collection year, and ICPCnotRequired from the enquiry's outcome. The whole journey's items
(an s47, its ICPC, a plan with its review) are checked in tests/browser/test_child_protection_journey.py."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from macpt.models import StrategyDecision
from macpt.selectors.census import child_protection_census, collection_year
from macpt.services.enquiries import s47_outcome_record
from macpt.services.strategy import strategy_decide

pytestmark = pytest.mark.django_db


def _enquiries(discussion, lcpp):
    made = {}
    for child in discussion.children.select_related("person"):
        made[child.person.first_name] = strategy_decide(
            child=child, actor=lcpp, decision=StrategyDecision.S47_SINGLE, reason="Concerns for both children."
        )
    return made


def test_the_collection_year_runs_from_april_to_march():
    assert collection_year("2025-26") == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_an_enquiry_that_needs_no_conference_says_so_and_one_still_open_does_not(discussion, lcpp, fh_manager):
    enquiries = _enquiries(discussion, lcpp)
    mia = enquiries["Mia"]
    s47_outcome_record(
        enquiry=mia, actor=lcpp, outcome="not_substantiated", outcome_date=timezone.localdate(), reason="No harm."
    )
    today = timezone.localdate()
    census = child_protection_census(user=fh_manager, start=today - dt.timedelta(days=30), end=today)
    assert census[mia.person_id].section47 == [
        {
            "S47ActualStartDate": mia.start_date,
            "InitialCPCtarget": mia.icpc_target,
            "DateOfInitialCPC": None,
            "ICPCnotRequired": True,
        }
    ]
    leo = enquiries["Leo"]
    assert census[leo.person_id].section47[0]["ICPCnotRequired"] is False
    assert census[leo.person_id].cp_plans == [] and census[leo.person_id].date_of_initial_cpc is None


def test_an_enquiry_is_counted_in_the_years_it_was_open_and_no_earlier(discussion, lcpp, fh_manager):
    _enquiries(discussion, lcpp)
    earlier = timezone.localdate() - dt.timedelta(days=400)
    assert child_protection_census(user=fh_manager, start=earlier, end=earlier + dt.timedelta(days=364)) == {}
    later = timezone.localdate() + dt.timedelta(days=400)  # still open then
    assert len(child_protection_census(user=fh_manager, start=later, end=later + dt.timedelta(days=364))) == 2


def test_only_those_who_oversee_child_protection_read_the_census_items(discussion, lcpp, police_officer, vcs_fhlp):
    _enquiries(discussion, lcpp)
    today = timezone.localdate()
    for user in (police_officer, vcs_fhlp):
        with pytest.raises(Http404):
            child_protection_census(user=user, start=today, end=today)
    assert len(child_protection_census(user=lcpp, start=today, end=today)) == 2


def test_a_brothers_enquiry_reaches_the_familys_initial_conference_through_its_children(
    cp_family, lcpp, chair, clock, enquiry, macpt_team, fh_manager
):
    """The family's ICPC names Mia's enquiry; Leo, at the same conference after his own enquiry, has it as his
    DateOfInitialCPC too (census 8868: otherwise his enquiry looks never finished)."""
    from macpt.models import S47Enquiry
    from macpt.services.conference import conference_decide
    from tests.macpt.oversight_support import s47
    from tests.macpt.support import arrange, at

    leo = s47(person=cp_family["leo"], team=macpt_team, lead=lcpp, start=dt.date(2025, 12, 3))
    S47Enquiry.objects.filter(pk=leo.pk).update(outcome="conference_needed", outcome_date=dt.date(2025, 12, 10))
    conference = arrange(
        cp_family, lcpp, chair, dt.date(2025, 12, 19), children=[cp_family["mia"], cp_family["leo"]], enquiry=enquiry
    )
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    conference_decide(
        conference=conference,
        actor=chair,
        decisions={cp_family["mia"].pk: {"plan": True, "category": "PHY"}, cp_family["leo"].pk: {"plan": False}},
    )
    census = child_protection_census(user=fh_manager, start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 31))
    assert census[cp_family["mia"].pk].section47[0]["DateOfInitialCPC"] == dt.date(2025, 12, 19)
    assert census[cp_family["leo"].pk].section47[0]["DateOfInitialCPC"] == dt.date(2025, 12, 19)
