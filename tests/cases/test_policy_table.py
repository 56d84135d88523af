"""The role-gated actions of the policy table (cases.policy.role_actions: the shared record's own and each
strand's, registered from its permissions.py), probed through the pages and API that apply them. The
expected answer for every role comes from the table, never from the code under test."""

import itertools

import pytest
from django.urls import reverse

from cases import policy
from cases.models import Role
from front_door.services import contact_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Probed where the record they act on is built: the assessment tests need an assessment at the right stage
# (tests/family_help/test_assessment_pages.py: writers, and authorisation refused to a non-manager); sign-off a
# decision awaiting it (tests/front_door/test_pages_front_door.py::test_sign_off_flow: triage refused); the plan a
# family with a lead (tests/family_help/test_plan.py: a manager may start it, a partner practitioner may not);
# the continuum a led family (tests/family_help/test_refusal_is_404.py and test_continuum_api.py: lead, manager,
# others refused); supervision a supervised practitioner (tests/family_help/test_supervision.py: by role).
PROBED_ELSEWHERE = {
    "family_help.write_assessment",
    "family_help.authorise_assessment",
    "front_door.sign_off",
    "cases.edit_any_plan",
    "family_help.change_any_continuum",
    "family_help.change_led_continuum",
    "family_help.supervised",
    # tests/family_help/test_continuum_child_protection.py: a lead and a manager refused, the LCPP steps down.
    "cases.step_down_child_protection",
    "cases.close_work_request",  # tests/cases/test_work_requests.py: a request to close, each role
    # tests/macpt/test_cp_plan.py::test_a_role_may_start_a_familys_plan_as_child_protection_exactly_when_the_table_says
    "cases.start_plan_at_conference",
    # tests/macpt/test_policy_roles.py: a discussion and an enquiry the MACPT works with, a member of each role; and
    # tests/macpt/test_conference_pages.py::test_a_role_may_add_a_report_exactly_when_the_table_says (a conference).
    "macpt.contribute",
    "macpt.lead_enquiry",
    # tests/fgdm/test_meeting.py::test_a_role_may_start_a_familys_plan_at_a_family_meeting_exactly_when_the_table_says
    "cases.start_plan_at_family_meeting",
}


@pytest.fixture
def targets(make_person, triage_officer):
    contact, _ = contact_create(
        actor=triage_officer,
        data={
            "referrer_name": "Dee School",
            "referrer_role": "DSL",
            "source_code": "2A",
            "worry": "Bruising on both arms.",
            "categories": ["physical_abuse"],
            "consent": "knows_and_agrees",
        },
        children=[{"given_first_name": "Amelia", "given_last_name": "Hartley"}],
    )
    from cases.models import FamilyCaseMember
    from cases.services import family_case_create

    person = make_person()
    family_case = family_case_create(
        actor=triage_officer, name="Hartley family", members=[(person, FamilyCaseMember.Role.CHILD)]
    )
    return {"person": person, "contact": contact, "family_case": family_case}


def _fgdm_offer(targets: dict):
    """An FGDM offer the family accepted, for the probed child (made on the model: the probes need only its state)."""
    from django.utils import timezone

    from fgdm.models import DecisionPointKind, FgdmOffer, OfferResponse

    by = UserFactory(roles=[Role.LCPP])
    offer = FgdmOffer.objects.create(
        decision_point=DecisionPointKind.FAMILY_PLAN,
        family_case=targets["family_case"],
        offered_on=timezone.localdate(),
        offered_by=by,
        response=OfferResponse.ACCEPTED,
        responded_on=timezone.localdate(),
    )
    offer.children.set([targets["person"]])
    return offer, by


def _probe(client, action: str, targets: dict) -> int:
    """The status the page or API that applies `action` answers (200/400 allowed, 404 refused)."""
    if action == "cases.create_person":
        return client.get(reverse("cases:person_create")).status_code
    if action == "cases.merge":
        return client.get(reverse("cases:person_merge", args=[targets["person"].pk])).status_code
    if action == "cases.read_audit":
        return client.get(reverse("cases:audit")).status_code
    if action == "cases.review_privacy_alerts":
        return client.get(reverse("cases:privacy_alerts")).status_code
    if action == "cases.subject_access":
        return client.get(reverse("cases:subject_access_list")).status_code
    if action == "front_door.work_contacts":
        return client.get(reverse("front_door:queue")).status_code
    if action == "front_door.read_contacts":
        return client.get(reverse("front_door:contact_detail", args=[targets["contact"].pk])).status_code
    if action == "front_door.record_contact":  # an empty contact: refused as invalid (400) or as not there
        return client.post(reverse("front_door_api:contact_list"), {}, content_type="application/json").status_code
    if action == "family_help.allocate":
        return client.get(reverse("family_help:allocations")).status_code
    if action == "family_help.manage_team":
        return client.get(reverse("family_help:team")).status_code
    if action == "front_door.own_referrals":
        return client.get(reverse("front_door:my_referrals")).status_code
    if action == "front_door.dashboard":
        return client.get(reverse("front_door:dashboard")).status_code
    if action == "macpt.oversee":
        return client.get(reverse("macpt:oversight")).status_code
    if action == "macpt.manage_teams":
        return client.get(reverse("macpt:teams")).status_code
    if action == "macpt.chair":  # starting a discussion, and arranging a conference for the child's family
        statuses = {
            client.get(reverse("macpt:strategy_start", args=[targets["person"].pk])).status_code,
            client.get(reverse("macpt:conference_arrange", args=[targets["family_case"].pk])).status_code,
        }
        assert len(statuses) == 1, statuses  # both pages apply the same row
        return statuses.pop()
    if action == "macpt.lead_enquiry":  # recording emergency action (police protection, an EPO) for a child
        return client.get(reverse("macpt:emergency_action_create", args=[targets["person"].pk])).status_code
    if action == "macpt.pre_proceedings":  # starting pre-proceedings: an empty start is refused as invalid (200)
        return client.post(reverse("macpt:pre_proceedings_for_child", args=[targets["person"].pk]), {}).status_code
    if action == "fgdm.refer":  # referring an accepted offer, by a user involved with the child as its lead
        from cases.models import InvolvementRole, User
        from cases.services import involvement_add

        user = User.objects.get(pk=client.session["_auth_user_id"])
        involvement_add(person=targets["person"], actor=user, role=InvolvementRole.LEAD_PRACTITIONER, user=user)
        offer, _ = _fgdm_offer(targets)
        return client.get(reverse("fgdm:referral_create", args=[offer.pk])).status_code
    if action == "fgdm.allocate":  # the FGDM-referral hand-off's allocation page
        from fgdm.services.referrals import referral_create

        offer, by = _fgdm_offer(targets)
        referral = referral_create(offer=offer, actor=by, meeting_type="fnm", reason="Probe")
        return client.get(reverse("fgdm:allocate", args=[referral.work_request_id])).status_code
    if action == "fgdm.facilitate":  # the facilitator's caseload (preparation: tests/fgdm/test_preparation.py)
        return client.get(reverse("fgdm:caseload")).status_code
    if action == "fgdm.counts":
        return client.get(reverse("fgdm:counts")).status_code
    if action == "reporting.reports":
        return client.get(reverse("reporting:reports")).status_code
    if action == "reporting.data_quality":
        return client.get(reverse("reporting:data_quality")).status_code
    if action == "reporting.export":  # a CIN census run's page (a child-level return)
        from reporting.models import ReturnRun, RunKind

        run = ReturnRun.objects.create(kind=RunKind.CIN_CENSUS, period="2025-26", purpose="Probe")
        return client.get(reverse("reporting:run", args=[run.pk])).status_code
    if action == "reporting.dashboards":
        return client.get(reverse("reporting:dashboards")).status_code
    if action == "reporting.return":  # starting the FFP return with nothing filled in: refused as invalid (400)
        return client.post(reverse("reporting:run_start", args=["ffp_return"]), {}).status_code
    if action == "reporting.grant_ledger":
        return client.get(reverse("reporting:ledger")).status_code
    if action == "cases.workforce":
        return client.get(reverse("cases:workforce")).status_code
    if action == "cases.manage_retention":  # the rules and dry run, and the legal holds
        statuses = {client.get(reverse("cases:retention")).status_code}
        statuses.add(client.get(reverse("cases:legal_holds")).status_code)
        assert len(statuses) == 1, statuses
        return statuses.pop()
    if action == "cases.restrict":  # the restricted records' access reviews (restricting itself: probed below)
        return client.get(reverse("cases:restriction_reviews")).status_code
    if action == "fgdm.offer":  # the FGDM strand's inbox (offers to make, answers awaited)
        return client.get(reverse("fgdm:inbox")).status_code
    if action == "fgdm.review":
        return _probe_fgdm_review(client, targets)
    raise AssertionError(f"no probe for {action}")


def _probe_fgdm_review(client, targets: dict) -> int:
    """Reviewing a family's plan (fgdm:meeting_review), for a prober involved with the child as its lead (so the
    meeting opens for them): the table decides the rest."""
    import datetime as dt

    from django.utils import timezone

    from cases.models import InvolvementRole, User
    from cases.services import involvement_add
    from fgdm.models import FgdmMeeting, FgdmReferral

    user = User.objects.get(pk=int(client.session["_auth_user_id"]))
    involvement_add(person=targets["person"], actor=user, role=InvolvementRole.LEAD_PRACTITIONER, user=user)
    offer, by = _fgdm_offer(targets)
    today = timezone.localdate()
    referral = FgdmReferral.objects.create(
        offer=offer,
        meeting_type="fgc",
        referred_on=today - dt.timedelta(days=10),
        referred_by=by,
        reason="Probe",
        status=FgdmReferral.Status.MEETING_HELD,
    )
    meeting = FgdmMeeting.objects.create(
        referral=referral,
        held_on=today - dt.timedelta(days=1),
        private_time_start=dt.time(13),
        private_time_end=dt.time(14),
        recorded_by=by,
    )
    return client.get(reverse("fgdm:meeting_review", args=[meeting.pk])).status_code


PROBED = [
    "cases.create_person",
    "cases.merge",
    "cases.read_audit",
    "cases.review_privacy_alerts",
    "front_door.work_contacts",
    "front_door.read_contacts",
    "front_door.record_contact",
    "family_help.allocate",
    "family_help.manage_team",
    "front_door.own_referrals",
    "front_door.dashboard",
    "macpt.oversee",
    "macpt.manage_teams",
    "macpt.chair",
    "macpt.lead_enquiry",
    "macpt.pre_proceedings",
    "fgdm.refer",
    "fgdm.allocate",
    "fgdm.facilitate",
    "fgdm.counts",
    "fgdm.offer",
    "fgdm.review",
    "reporting.reports",
    "reporting.data_quality",
    "reporting.export",
    "reporting.dashboards",
    "reporting.return",
    "reporting.grant_ledger",
    "cases.workforce",
    "cases.manage_retention",
    "cases.restrict",
    "cases.subject_access",
]
# Allowed, these probes send an empty form: refused as invalid (400), not as not there (404).
INVALID_WHEN_ALLOWED = {"front_door.record_contact", "reporting.return"}


def test_every_role_gated_action_in_the_table_is_probed():
    assert set(PROBED) | PROBED_ELSEWHERE == set(policy.role_actions())


@pytest.mark.parametrize(("role", "action"), list(itertools.product(sorted(Role.values), PROBED)))
def test_a_role_may_take_an_action_exactly_when_the_table_says(role, action, targets, client, council):
    user = UserFactory(agency=council, roles=[role])
    client.force_login(user)
    allowed = role in policy.role_actions()[action]
    status = _probe(client, action, targets)
    if allowed:
        assert status == (400 if action in INVALID_WHEN_ALLOWED else 200), (role, action, status)
    else:
        assert status == 404, (role, action, status)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_the_restricting_roles_may_restrict_a_record_or_lift_it(role, make_person, council, privacy_officer):
    from django.core.exceptions import PermissionDenied

    from cases.models import Person
    from cases.services import person_restrict, person_unrestrict

    person = make_person()
    actor = UserFactory(agency=council, roles=[role])
    if role in policy.role_actions()[policy.RESTRICT]:
        person_restrict(person=person, actor=actor, reason="high_profile", access_users=[])
        person_unrestrict(person=person, actor=actor, reason="No longer needed")
        assert not Person.objects.get(pk=person.pk).restricted
        return
    with pytest.raises(PermissionDenied):
        person_restrict(person=person, actor=actor, reason="high_profile", access_users=[])
    person_restrict(person=person, actor=privacy_officer, reason="high_profile", access_users=[])
    with pytest.raises(PermissionDenied):
        person_unrestrict(person=person, actor=actor, reason="Try to lift it")
    assert Person.objects.get(pk=person.pk).restricted


@pytest.mark.parametrize(
    ("role", "agency_key"), list(itertools.product(sorted(Role.values), ["council", "health", "charity"]))
)
def test_a_role_may_break_glass_exactly_when_the_table_says(role, agency_key, targets, client):
    """Break-glass (issue 17 item 2): the table's may_break_glass (a council practitioner whose roles read records
    but are not council-wide), probed through the break-glass page for a child outside the user's work: 200 (the
    page asking for the reason); 404 for everyone else (a council-wide role sees the record already and never breaks
    glass)."""
    from tests import personas

    agency = personas.agency(agency_key)
    user = UserFactory(agency=agency, roles=[role])
    client.force_login(user)
    status = client.get(reverse("cases:break_glass_start", args=[targets["person"].pk])).status_code
    expected = 200 if policy.may_break_glass({role}, agency.type) else 404
    assert status == expected, (role, agency_key, status)
