"""Issue 14 item 4: the initial child protection conference. Refused on a weekend or bank holiday (census 8875)
with the reason; the chair is an LCPP or an independent chair, never the child's own lead practitioner nor the LCPP
leading the case; kinds initial (from an s47 that needs a conference), unborn (expected date of birth) and transfer
in (the council it comes from, the plans elsewhere); invitees from the child's network and agencies with their
attendance; agencies' reports under the tag rules, changed only by their own agency; the family's views; the
decision per child and category."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import AuditEvent, ChronologyEntry, Deadline, Role, VisibilityTag
from cases.services import person_create
from macpt.models import ChildProtectionConference, ChildProtectionPlan, ConferenceInvitee, S47Enquiry
from macpt.selectors.conference import conference_reports_for_user, family_reports
from macpt.services.conference import (
    conference_attendance_set,
    conference_decide,
    conference_invitee_add,
    conference_record,
    conference_report_save,
)
from tests.factories import UserFactory
from tests.macpt.support import arrange, at, hold_icpc

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (dt.date(2025, 12, 13), "weekend"),
        (dt.date(2025, 12, 25), "Christmas Day"),
        (dt.date(2025, 12, 26), "Boxing Day"),
        (dt.date(2026, 4, 3), "Good Friday"),
        (dt.date(2026, 4, 6), "Easter Monday"),
    ],
)
def test_an_icpc_on_a_weekend_or_bank_holiday_is_refused_with_the_reason(cp_family, lcpp, chair, day, why):
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, day)
    assert why in " ".join(info.value.message_dict["date"])
    assert not ChildProtectionConference.objects.exists()


def test_an_icpc_on_a_council_closure_day_is_refused(cp_family, lcpp, chair):
    from cases.models import ClosureDay

    ClosureDay.objects.create(date=dt.date(2025, 12, 29), name="Christmas closure")
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, dt.date(2025, 12, 29))
    assert "closed" in " ".join(info.value.message_dict["date"])


def test_the_lcpp_leading_the_case_cannot_chair_its_conference(cp_family, lcpp):
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, lcpp, dt.date(2025, 12, 19))
    assert "lead practitioner" in " ".join(info.value.message_dict["chair"])


def test_the_childs_family_help_lead_cannot_chair_even_holding_the_lcpp_role(cp_family, lcpp, sw_fhlp):
    from django.contrib.auth.models import Group

    sw_fhlp.groups.add(Group.objects.get(name=Role.LCPP))
    sw_fhlp = type(sw_fhlp).objects.get(pk=sw_fhlp.pk)
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, sw_fhlp, dt.date(2025, 12, 19))
    assert "Mia Okafor-Lewis's lead practitioner" in " ".join(info.value.message_dict["chair"])


def test_a_chair_who_is_not_an_lcpp_is_refused_and_an_independent_chair_is_accepted(cp_family, lcpp, fh_manager):
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, fh_manager, dt.date(2025, 12, 19))
    assert "not a Lead Child Protection Practitioner" in " ".join(info.value.message_dict["chair"])
    conference = arrange(cp_family, lcpp, None, dt.date(2025, 12, 19), independent_chair_name="Ida Independent")
    assert conference.chair_name == "Ida Independent (independent chair)"


def test_only_an_lcpp_arranges_a_conference(cp_family, sw_fhlp, chair):
    with pytest.raises(PermissionDenied):
        arrange(cp_family, sw_fhlp, chair, dt.date(2025, 12, 19))


def test_an_initial_conference_follows_an_s47_that_needs_one(cp_family, lcpp, chair, enquiry):
    enquiry.outcome = S47Enquiry.Outcome.NOT_SUBSTANTIATED
    enquiry.save()
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), enquiry=enquiry)
    assert "conference is needed" in " ".join(info.value.message_dict["enquiry"])
    enquiry.outcome = S47Enquiry.Outcome.CONFERENCE_NEEDED
    enquiry.save()
    assert arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), enquiry=enquiry).enquiry == enquiry


def test_holding_the_icpc_meets_the_enquirys_icpc_deadline(cp_family, lcpp, chair, enquiry, clock):
    assert Deadline.objects.get(kind="macpt.icpc").state == Deadline.State.OPEN
    hold_icpc(cp_family, lcpp, chair, clock, enquiry=enquiry)
    assert Deadline.objects.get(kind="macpt.icpc").state == Deadline.State.MET


def test_an_unborn_conference_needs_the_expected_date_of_birth_and_an_unborn_child(cp_family, lcpp, chair, clock):
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), kind="unborn")
    assert "expected date of birth" in " ".join(info.value.message_dict["expected_birth_date"])
    assert "unborn child" in " ".join(info.value.message_dict["children"])
    baby = person_create(
        actor=lcpp,
        data={"first_name": "Baby", "last_name": "Okafor-Lewis", "expected_date_of_birth": dt.date(2026, 2, 1)},
    )
    from cases.models import FamilyCaseMember

    FamilyCaseMember.objects.create(family_case=cp_family["case"], person=baby, role=FamilyCaseMember.Role.CHILD)
    conference = arrange(
        cp_family,
        lcpp,
        chair,
        dt.date(2025, 12, 19),
        kind="unborn",
        children=[baby],
        expected_birth_date=dt.date(2026, 2, 1),
    )
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    conference_decide(conference=conference, actor=chair, decisions={baby.pk: {"plan": True, "category": "NEG"}})
    assert ChildProtectionPlan.objects.get(person=baby).start_date == dt.date(2025, 12, 19)


def test_a_transfer_in_names_the_council_and_counts_the_plans_there(cp_family, lcpp, chair, clock):
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), kind="transfer_in")
    assert "council" in " ".join(info.value.message_dict["transferring_council"])
    hold_icpc(
        cp_family,
        lcpp,
        chair,
        clock,
        kind="transfer_in",
        transferring_council="Other Borough",
        previous_plans_elsewhere=2,
    )
    from macpt.selectors.conference import number_of_previous_plans

    assert number_of_previous_plans(ChildProtectionPlan.objects.get(person=cp_family["mia"])) == 2


def test_invitees_from_the_network_and_agencies_with_their_attendance(cp_family, lcpp, chair, police_officer):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    mum = conference_invitee_add(conference=conference, actor=lcpp, person=cp_family["grace"], role="Mother")
    pc = conference_invitee_add(conference=conference, actor=lcpp, user=police_officer, role="Police")
    with pytest.raises(ValidationError) as info:
        conference_invitee_add(conference=conference, actor=lcpp, name="Someone")
    assert "agency" in info.value.message_dict
    conference_attendance_set(conference=conference, actor=lcpp, attendance={mum.pk: "attended", pc.pk: "apologies"})
    assert dict(ConferenceInvitee.objects.values_list("name", "attendance")) == {
        "Grace Okafor": "attended",
        "Pat Police": "apologies",
    }
    assert mum.is_family and pc.agency == police_officer.agency
    with pytest.raises(ValidationError):
        conference_attendance_set(conference=conference, actor=lcpp, attendance={mum.pk: "maybe"})


def test_a_police_report_carries_the_police_tag_and_a_health_user_cannot_change_it(
    cp_family, lcpp, chair, police_officer, health_practitioner
):
    from django.contrib.auth.models import Group

    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    report = conference_report_save(conference=conference, actor=police_officer, text="Two call-outs in November")
    assert report.tags == [VisibilityTag.POLICE] and report.agency == police_officer.agency
    health_practitioner.groups.add(Group.objects.get(name=Role.MACPT_MEMBER))
    health_practitioner = type(health_practitioner).objects.get(pk=health_practitioner.pk)
    with pytest.raises(ValidationError) as info:
        conference_report_save(conference=conference, actor=health_practitioner, text="Changed", report=report)
    assert "only Test Police can change it" in " ".join(info.value.message_dict["text"])
    report.refresh_from_db()
    assert report.text == "Two call-outs in November"


def test_reports_are_read_under_the_tag_rules_and_the_familys_version_leaves_out_the_withheld(
    cp_family, lcpp, chair, police_officer, council
):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    police = conference_report_save(conference=conference, actor=police_officer, text="Police log")
    hidden = conference_report_save(
        conference=conference, actor=lcpp, text="Safe address", tags=[VisibilityTag.NOT_FOR_FAMILY]
    )
    plain = conference_report_save(conference=conference, actor=lcpp, text="Social care report")
    # A council manager who is not a social worker reads police information only under the rules (a manager: yes).
    education = UserFactory(agency=council, roles=[Role.FHLP])
    assert police not in conference_reports_for_user(conference=conference, user=education)
    assert police in conference_reports_for_user(conference=conference, user=lcpp)
    assert set(family_reports(conference=conference)) == {police, plain}
    assert hidden not in family_reports(conference=conference)


def test_the_family_views_and_minutes_are_recorded_and_audited(cp_family, lcpp, chair):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    conference_record(
        conference=conference,
        actor=chair,
        family_views="Grace: we want help",
        minutes="Agreed",
        minutes_not_for_family="Police intelligence",
    )
    conference.refresh_from_db()
    assert conference.family_views == "Grace: we want help"
    assert AuditEvent.objects.filter(verb="macpt.conference_minutes_recorded").exists()


def test_the_decision_needs_each_child_and_a_category_for_a_plan(cp_family, lcpp, chair, clock):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), children=[cp_family["mia"], cp_family["leo"]])
    with pytest.raises(ValidationError) as info:
        conference_decide(conference=conference, actor=chair, decisions={})
    assert "not been held yet" in " ".join(info.value.message_dict["date"])
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    mia, leo = cp_family["mia"], cp_family["leo"]
    with pytest.raises(ValidationError) as info:
        conference_decide(conference=conference, actor=chair, decisions={mia.pk: {"plan": True}})
    assert f"category_{mia.pk}" in info.value.message_dict and f"plan_{leo.pk}" in info.value.message_dict
    conference_decide(
        conference=conference,
        actor=chair,
        decisions={mia.pk: {"plan": True, "category": "EMO"}, leo.pk: {"plan": False, "reason": "Not at risk"}},
    )
    assert list(ChildProtectionPlan.objects.values_list("person_id", "initial_category")) == [(mia.pk, "EMO")]
    assert ChronologyEntry.objects.filter(person=leo, kind="conference_decided", summary__contains="no child").exists()
    with pytest.raises(ValidationError):
        conference_invitee_add(conference=conference, actor=lcpp, name="Late", agency=chair.agency)


def test_an_icpc_arranged_from_the_family_page_answers_the_childs_s47_and_meets_its_deadline(
    cp_family, lcpp, chair, enquiry, clock
):
    conference = hold_icpc(cp_family, lcpp, chair, clock)  # no enquiry given
    assert conference.enquiry == enquiry
    assert Deadline.objects.get(kind="macpt.icpc").state == Deadline.State.MET


def test_a_police_user_cannot_change_a_health_agencys_report(
    cp_family, lcpp, chair, police_officer, health_practitioner
):
    """The issue's bad input in its own words: the health trust's report stays the health trust's."""
    from django.contrib.auth.models import Group

    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    health_practitioner.groups.add(Group.objects.get(name=Role.MACPT_MEMBER))
    health = type(health_practitioner).objects.get(pk=health_practitioner.pk)
    report = conference_report_save(conference=conference, actor=health, text="Missed immunisations")
    assert report.tags == [VisibilityTag.HEALTH]
    with pytest.raises(ValidationError) as info:
        conference_report_save(conference=conference, actor=police_officer, text="Rewritten", report=report)
    assert "only Test Community Health Trust can change it" in " ".join(info.value.message_dict["text"])
    report.refresh_from_db()
    assert report.text == "Missed immunisations"
