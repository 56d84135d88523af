"""The generated `small` data set, and the pages' query counts on it (CI's guard against N+1: nothing
here is timed; `make bench` measures speed)."""

import pytest
from django.db.models import Count

from cases.models import ChronologyEntry, Person, User
from front_door.models import REFERRAL_OUTCOMES, Contact, Decision
from front_door.selectors import contacts_referred

pytestmark = pytest.mark.django_db


def test_small_dataset_has_realistic_shape(small_dataset):
    children = Person.objects.filter(relationships_in__type__in=["mother", "father"]).distinct().count()
    assert 1_500 <= children <= 2_600
    assert Person.objects.filter(nhs_number__startswith="999").count() > 800
    contacts = Contact.objects.count()
    referrals = contacts_referred().count()  # derived from the standing decision's outcome (1-6), as the code says
    assert 3.5 <= contacts / referrals <= 6.5  # about 4.8 contacts per referral
    assert Contact.objects.exclude(status="decided").exists()
    assert Contact.objects.filter(breached=True).exists()
    assert ChronologyEntry.objects.values("person").annotate(n=Count("id")).order_by("-n").first()["n"] >= 300


def test_small_dataset_census_referrals_agree_with_the_code(small_dataset):
    from cases.models import CinReferral
    from cases.workdays import LONDON

    census = list(CinReferral.objects.all())
    assert len(census) > 100
    decisions = Decision.objects.select_related("contact").in_bulk([int(r.source_id) for r in census])
    for referral in census:
        decision = decisions[int(referral.source_id)]
        # Opened only by a decision with outcome 1-6, dated the day its contact was received, from its source.
        assert referral.source_type == "front_door.decision" and decision.outcome in REFERRAL_OUTCOMES
        assert referral.referral_date == decision.contact.received_at.astimezone(LONDON).date()
        assert referral.source_code == decision.contact.source_code
        assert referral.closed_on is None or referral.closed_on >= referral.referral_date
    # No decision the code would not count as a referral made one, and the flag-free count agrees with the decisions.
    assert not Decision.objects.filter(accepted_as_referral=True, outcome__gt=6).exists()
    referred = set(contacts_referred().values_list("pk", flat=True))
    assert referred == set(Decision.objects.filter(outcome__lte=6).values_list("contact_id", flat=True))


@pytest.mark.parametrize(
    # The record: 22 since the child protection prompts on it (issue 14: the open s47 or unshared discussion, the plan
    # or the conference), each a constant two queries whatever the data; 23 with emergency action and pre-proceedings
    # (one constant query for both lines: tests/macpt/test_emergency_action.py).
    ("path_kind", "bound"),
    [("queue", 15), ("record", 23), ("chronology", 9), ("search", 12), ("dashboard", 13)],
)
def test_page_query_counts_on_the_small_dataset(small_dataset, client, django_assert_max_num_queries, path_kind, bound):
    client.force_login(User.objects.get(email="frontdoor.manager@demo.test"))
    busiest = ChronologyEntry.objects.values("person").annotate(n=Count("id")).order_by("-n").first()["person"]
    person = Person.objects.filter(nhs_number__isnull=False).order_by("id").first()
    path = {
        "queue": "/front-door/",
        "record": f"/cases/people/{person.pk}/",
        "chronology": f"/cases/people/{busiest}/chronology/",
        "dashboard": "/front-door/dashboard/",
        "search": f"/cases/people/search/?name={person.first_name}e+{person.last_name}",
    }[path_kind]
    with django_assert_max_num_queries(bound):
        assert client.get(path).status_code == 200


def test_family_help_part_of_the_small_dataset(small_dataset):
    from cases.models import Plan, PlanVersion, TafMember
    from family_help.models import Allocation

    lead = User.objects.get(email="fhlp@demo.test")
    # The demo lead practitioner holds a typical caseload; every family with open Family Help has a lead.
    assert Allocation.objects.filter(lead=lead, ended_at__isnull=True).count() == 18
    assert Allocation.objects.filter(ended_at__isnull=True).count() > 200
    assert Plan.objects.count() > 100 and TafMember.objects.exists()
    assert PlanVersion.objects.filter(number__gt=1).exists()  # reviewed plans have later versions


# The plan page's bound includes the FGDM strand's two prompts on it (issue 15): the decision point's children and
# their scope, the offer made there, and the family's own plan from a meeting; a fixed number, whatever the data.
@pytest.mark.parametrize(("page", "bound"), [("my_families", 15), ("plan", 22)])
def test_family_help_query_counts_on_the_small_dataset(
    small_dataset, client, django_assert_max_num_queries, page, bound
):
    from django.urls import reverse

    from cases.models import Plan

    lead = User.objects.get(email="fhlp@demo.test")
    client.force_login(lead)
    plan = (
        Plan.objects.filter(family_case__fh_allocations__lead=lead, family_case__fh_allocations__ended_at=None)
        .annotate(n=Count("outcomes"))
        .order_by("-n")
        .first()
    )
    path = (
        reverse("family_help:my_families")
        if page == "my_families"
        else reverse("cases:plan", args=[plan.family_case_id])
    )
    with django_assert_max_num_queries(bound):
        assert client.get(path).status_code == 200


def test_child_protection_part_of_the_small_dataset_is_at_the_national_rates(small_dataset):
    """Issue 14 item 12: about 230,000 s47 enquiries and 72,000 ICPCs a year in England for about 3,000,000
    contacts, scaled to the council's contacts (small: 3,000 a year for 2 years -> about 460 s47, 144 ICPCs)."""
    from cases.datagen import SCALES
    from cases.models import Deadline, Involvement
    from cases.workdays import Calendar
    from macpt.models import S47Enquiry, StrategyChild, StrategyDiscussion

    scale = SCALES["small"]
    share = scale.contacts_per_year * scale.years / 3_000_000
    enquiries = S47Enquiry.objects.count()
    # Each CP-level front-door decision got a strategy discussion; the s47s are as many as the national rate gives
    # (within what the front door's child protection decisions allow).
    assert 0.75 * 230_000 * share <= enquiries <= 1.1 * 230_000 * share
    conferences = S47Enquiry.objects.filter(outcome="conference_needed").count()
    assert 0.7 * 72_000 * share <= conferences <= 1.3 * 72_000 * share
    assert StrategyDiscussion.objects.count() <= StrategyChild.objects.count()
    assert StrategyChild.objects.filter(decision="no_s47").exclude(next_step="").exists()
    # Several children in one discussion (brothers and sisters of one contact), and both agencies' tagged information.
    assert StrategyDiscussion.objects.annotate(n=Count("children")).filter(n__gt=1).exists()
    # The ICPC target: 15 working days after the discussion at which the enquiry started (its day is day 0).
    calendar = Calendar.from_database()
    for enquiry in S47Enquiry.objects.select_related("started_at_discussion")[:200]:
        from cases.workdays import LONDON

        held = enquiry.started_at_discussion.held_at.astimezone(LONDON).date()
        assert enquiry.icpc_target == calendar.add_working_days(held, 15)
        assert enquiry.outcome_date is None or enquiry.outcome_date >= enquiry.start_date
    # Today's work: open enquiries, some awaiting the ICPC with their open deadline, and the MACPT with those children.
    assert S47Enquiry.objects.filter(ended_on__isnull=True).exists()
    open_icpc = Deadline.objects.filter(kind="macpt.icpc", state="open")
    assert open_icpc.exists()
    # The ICPC clock runs from the enquiry's start (s47_start sets it) until the conference, or another outcome.
    clocked = S47Enquiry.objects.filter(pk__in=[int(pk) for pk in open_icpc.values_list("target_id", flat=True)])
    assert clocked.count() == open_icpc.count()
    assert not clocked.exclude(outcome__in=["", "conference_needed"]).exists()
    assert clocked.filter(outcome="").count() == S47Enquiry.objects.filter(ended_on__isnull=True).count()
    awaiting = clocked.filter(outcome="conference_needed")
    assert awaiting.exists()
    assert not S47Enquiry.objects.exclude(outcome="").filter(outcome_date__isnull=True).exists()
    assert Deadline.objects.filter(kind="macpt.strategy_record", state="met").exists()
    macpt_children = set(
        Involvement.objects.active()
        .filter(role="macpt_member", team__multi_agency=True)
        .values_list("person_id", flat=True)
    )
    assert set(S47Enquiry.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True)) <= macpt_children
    assert set(awaiting.values_list("person_id", flat=True)) <= macpt_children
    # The demo LCPP leads a typical caseload of open work.
    lcpp = User.objects.get(email="lcpp@demo.test")
    assert S47Enquiry.objects.filter(lead=lcpp).exists()


def test_child_protection_conferences_and_plans_in_the_small_dataset(small_dataset):
    """The ICPCs held (about 72,000 a year in England, scaled), plans for about nine in ten of their children on the
    family's one plan from the ICPC's day, core groups (the first within 10 working days), review conferences (the
    first within 3 months, then at most 6), statutory visits, and the open plans' clocks."""
    from dateutil.relativedelta import relativedelta

    from cases.datagen import SCALES
    from cases.models import Deadline, Involvement
    from cases.workdays import Calendar
    from macpt.models import ChildProtectionConference, ChildProtectionPlan, ConferenceChild, StatutoryVisit

    scale = SCALES["small"]
    share = scale.contacts_per_year * scale.years / 3_000_000
    initial = ChildProtectionConference.objects.filter(kind="initial")
    at_icpc = ConferenceChild.objects.filter(conference__kind="initial").count()
    assert 0.6 * 72_000 * share <= at_icpc <= 1.3 * 72_000 * share
    plans = ChildProtectionPlan.objects.select_related("conference", "family_plan")
    assert 0.8 * at_icpc <= plans.count() <= at_icpc
    calendar = Calendar.from_database()
    for conference in initial:
        assert calendar.is_working_day(conference.date)  # never on a weekend or bank holiday (census 8875)
        assert conference.chair_id != conference.created_by_id  # never chaired by the LCPP leading the case
    for plan in plans:
        assert plan.start_date == plan.conference.date and plan.conference.kind == "initial"
        assert plan.family_plan.family_case_id == plan.conference.family_case_id  # the family's one plan
        assert plan.end_date is None or (plan.end_date >= plan.start_date and plan.end_reason)
        groups = sorted(plan.core_groups.values_list("date", flat=True))
        if groups:
            assert calendar.working_days_between(plan.start_date, groups[0], inclusive=False) <= 10
        reviews = sorted(
            ConferenceChild.objects.filter(plan=plan, conference__kind="review").values_list(
                "conference__date", flat=True
            )
        )
        limits = [plan.start_date + relativedelta(months=3)] + [r + relativedelta(months=6) for r in reviews[:-1]]
        assert all(review <= limit for review, limit in zip(reviews, limits, strict=False))
    open_plans = plans.filter(end_date__isnull=True)
    assert open_plans.exists() and plans.filter(end_date__isnull=False, ended_by_conference__isnull=False).exists()
    assert StatutoryVisit.objects.filter(seen=True, seen_alone=True).exists()
    for kind in ("macpt.core_group", "macpt.visit", "macpt.review_conference"):
        clocked = set(Deadline.objects.filter(kind=kind, state="open").values_list("target_id", flat=True))
        assert clocked == {str(pk) for pk in open_plans.values_list("pk", flat=True)}, kind
    # The MACPT works with every child on an open plan.
    worked_with = set(Involvement.objects.active().filter(role="macpt_member").values_list("person_id", flat=True))
    assert set(open_plans.values_list("person_id", flat=True)) <= worked_with


def test_pre_proceedings_and_emergency_action_in_the_small_dataset(small_dataset):
    """Some children on plans in pre-proceedings, every set passing the census's module 5 rules as the strand checks
    them, and emergency action before some conferences."""
    from macpt.models import EmergencyAction, PreProceedings
    from macpt.services.pre_proceedings import _meetings, _values, pre_proceedings_errors

    pre_proceedings = list(PreProceedings.objects.all())
    assert pre_proceedings and EmergencyAction.objects.exists()
    for pp in pre_proceedings:
        assert pre_proceedings_errors(_values(pp), meetings=_meetings(pp)) == {}, pp.pk
    assert any(pp.outcome == "A" and pp.court_application_date for pp in pre_proceedings)
