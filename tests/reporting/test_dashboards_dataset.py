"""Issue 16 item 7 on the generated `small` data set: the dashboards' figures agree with the same measures counted
naively, record by record, from the strands' rows, and the page asks the same fixed number of queries as on an empty
database (tests/reporting/test_dashboards.py::PAGE_QUERIES) for a year, a quarter and a team: the queries do not grow
with the data (CI's N+1 guard; speed is in bench/run.py)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CinReferral, EpisodeLead, Team, User
from cases.workdays import LONDON
from family_help.models import Assessment, AssessmentStatus
from fgdm.selectors.counts import fgdm_counts, period_current_year, period_parse
from front_door.models import Contact
from front_door.selectors import dashboard_figures, re_referral_window
from macpt.models import ChildProtectionConference, ConferenceChild
from reporting.dashboards import charts_for, dashboard
from tests.reporting.test_dashboards import PAGE_QUERIES, URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return period_current_year(timezone.localdate())


@pytest.fixture
def busiest_team(small_dataset):
    return Team.objects.annotate(n=Count("members")).order_by("-n", "pk").first()


def _window(period):
    return (
        dt.datetime.combine(period.first, dt.time(0), tzinfo=LONDON),
        dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON),
    )


def test_the_journey_and_the_front_door_agree_with_the_records(small_dataset, period):
    figures = dashboard(period=period)
    start, end = _window(period)
    contacts = list(Contact.objects.filter(received_at__gte=start, received_at__lt=end))
    journey = dict(figures.journey)
    assert journey["Contacts received"] == len(contacts) > 0
    assert (
        journey["Referrals"]
        == CinReferral.objects.filter(referral_date__gte=period.first, referral_date__lte=period.last).count()
    )
    assert journey["Referrals"] > 0
    now = timezone.now()
    due = [c for c in contacts if c.decision_due_at <= now]
    in_time = [c for c in due if c.decided_at and c.decided_at <= c.decision_due_at]
    decided = figures.timescales[0]
    assert (decided.due, decided.on_time) == (len(due), len(in_time))
    assert sum(m.received for m in figures.months) == len(contacts)
    # The front door's own dashboard is what the "now" figures show.
    assert figures.front_door_now["timeliness"].keys() == dashboard_figures()["timeliness"].keys()


def test_re_referrals_are_the_dfe_s_12_months_counted_referral_by_referral(small_dataset, period):
    figures = dashboard(period=period)
    every = defaultdict(list)
    for r in CinReferral.objects.all():
        every[r.person_id].append(r)
    expected = 0
    for r in CinReferral.objects.filter(referral_date__gte=period.first, referral_date__lte=period.last):
        low, high = re_referral_window(r.referral_date)
        expected += any(
            o.pk != r.pk and low <= o.referral_date <= high and (o.referral_date, o.pk) < (r.referral_date, r.pk)
            for o in every[r.person_id]
        )
    assert figures.re_referrals.on_time == expected
    assert sum(m.re_referrals for m in figures.months) == expected


def test_assessments_and_initial_conferences_in_time_counted_one_by_one(small_dataset, period):
    figures = dashboard(period=period)
    rates = {r.label: r for r in figures.timescales}
    authorised = Assessment.objects.filter(
        status=AssessmentStatus.AUTHORISED, authorised_on__gte=period.first, authorised_on__lte=period.last
    )
    assessments = rates["Assessments within 45 working days"]
    assert assessments.due == authorised.count()
    assert assessments.on_time == sum(a.authorised_on <= a.due_on for a in authorised)
    icpcs = [
        row
        for row in ConferenceChild.objects.select_related("conference__enquiry").filter(
            conference__kind__in=["initial", "unborn"],
            conference__status=ChildProtectionConference.Status.DECIDED,
            conference__date__gte=period.first,
            conference__date__lte=period.last,
        )
    ]
    conferences = rates["Initial conferences within 15 working days"]
    with_enquiry = [r for r in icpcs if r.conference.enquiry_id]
    assert conferences.due == len(with_enquiry)
    assert conferences.on_time == sum(r.conference.date <= r.conference.enquiry.icpc_target for r in with_enquiry)
    assert dict(figures.journey)["Children at an initial conference"] == len(icpcs)


def test_fgdm_figures_are_the_fgdm_counts(small_dataset, period):
    figures = dashboard(period=period)
    counts = fgdm_counts(period=period)
    assert figures.fgdm.total == counts.total and figures.fgdm.meetings_held == counts.meetings_held
    chart = next(c for c in charts_for(figures) if c.key == "fgdm")
    assert ["Offers made", f"{counts.total.offered:,}"] in chart.table


def test_caseloads_count_each_practitioner_s_children(small_dataset, period):
    figures = dashboard(period=period)
    moment = dt.datetime.combine(figures.as_at + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    children = defaultdict(set)
    for lead in EpisodeLead.objects.select_related("episode").filter(started_at__lt=moment):
        if lead.ended_at is None or lead.ended_at >= moment:
            children[lead.user_id].add(lead.episode.person_id)
    assert sum(c.children for c in figures.by_practitioner) == sum(len(s) for s in children.values()) > 0
    assert sum(c.practitioners for c in figures.by_agency) == len(children)
    assert sum(c.children for c in figures.by_qualification) == sum(c.children for c in figures.by_agency)


def test_a_team_narrows_the_caseloads_to_its_members(small_dataset, period, busiest_team):
    figures = dashboard(period=period, team=busiest_team)
    members = set(User.objects.filter(teams=busiest_team).values_list("full_name", flat=True))
    assert {c.label for c in figures.by_practitioner} <= members
    everyone = dashboard(period=period)
    assert sum(c.children for c in figures.by_practitioner) <= sum(c.children for c in everyone.by_practitioner)


@pytest.mark.parametrize("which", ["year", "last-year", "quarter", "team"])
def test_the_page_asks_as_many_queries_as_on_an_empty_database(small_dataset, client, busiest_team, which):
    from cases.models import Agency, Role
    from tests.factories import UserFactory

    # A manager as on the empty database (the navigation and home panels asked are the role's).
    client.force_login(UserFactory(agency=Agency.objects.order_by("pk").first(), roles=[Role.MANAGER]))
    today = timezone.localdate()
    year = period_current_year(today)
    last_year = period_parse(f"{year.first.year - 1}-{year.first.year % 100:02d}")
    params = {
        "year": {"period": year.key},
        "last-year": {"period": last_year.key},
        "quarter": {"period": f"{year.key}-Q1"},
        "team": {"period": year.key, "team": str(busiest_team.pk)},
    }[which]
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    assert len(captured) == PAGE_QUERIES, [q["sql"][:120] for q in captured.captured_queries]


def test_reviews_on_time_counted_one_by_one(small_dataset, period):
    """Child protection reviews by macpt.timescales.review_due from the conference before (the plan's ICPC, or the
    last review); reviews of the family's plan by the date the review before set (first reviews have none)."""
    from cases.models import Review
    from cases.workdays import Calendar
    from macpt.timescales import review_due

    figures = dashboard(period=period)
    rates = {r.label: r for r in figures.timescales}
    calendar = Calendar.from_database()
    reviews = list(
        ConferenceChild.objects.select_related("conference", "plan").filter(
            conference__kind="review", conference__status="decided", plan__isnull=False
        )
    )
    due = on_time = 0
    for row in reviews:
        held = row.conference.date
        if not period.first <= held <= period.last:
            continue
        before = [r.conference.date for r in reviews if r.plan_id == row.plan_id and r.conference.date < held]
        limit = review_due(calendar, max(before) if before else row.plan.start_date, first=not before)
        due += 1
        on_time += held <= limit
    cp = rates["Child protection reviews on time"]
    assert (cp.due, cp.on_time) == (due, on_time)

    by_plan = defaultdict(list)
    for review in Review.objects.order_by("held_on", "pk"):
        by_plan[review.plan_id].append(review)
    due = on_time = 0
    for reviews_of_plan in by_plan.values():
        for before, review in zip(reviews_of_plan, reviews_of_plan[1:], strict=False):
            if period.first <= review.held_on <= period.last and before.next_review_on:
                due += 1
                on_time += review.held_on <= before.next_review_on
    plan = rates["Family plan reviews on time"]
    assert (plan.due, plan.on_time) == (due, on_time)
    assert figures.journey and figures.timescales


def test_a_team_s_fgdm_counts_are_its_members_offers_and_what_came_of_them(small_dataset, period):
    from fgdm.models import FamilyPlanReview, FgdmMeeting, FgdmOffer

    offerer = (
        FgdmOffer.objects.filter(offered_on__gte=period.first, offered_by__teams__isnull=False)
        .exclude(response="not_offered")
        .values("offered_by")
        .first()
    )
    team = Team.objects.filter(members=offerer["offered_by"]).order_by("pk").first()
    members = set(User.objects.filter(teams=team).values_list("pk", flat=True))
    figures = dashboard(period=period, team=team).fgdm
    offers = FgdmOffer.objects.filter(
        offered_on__gte=period.first, offered_on__lte=period.last, offered_by__in=members
    ).exclude(response="not_offered")
    assert figures.total.offered == offers.count() > 0
    meetings = FgdmMeeting.objects.filter(held_on__gte=period.first, held_on__lte=period.last)
    assert figures.meetings_held == sum(m.referral.offer.offered_by_id in members for m in meetings)
    reviews = FamilyPlanReview.objects.filter(held_on__gte=period.first, held_on__lte=period.last)
    assert figures.reviews == sum(r.meeting.referral.offer.offered_by_id in members for r in reviews)
