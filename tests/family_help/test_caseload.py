"""Caseloads: "my families" for a lead practitioner (and for a partner in the team around a family) with what is
due and what is overdue, and the managers' team view; both pages cost the same number of queries however many
families there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import (
    Action,
    AuditEvent,
    CaseNote,
    FamilyCaseMember,
    InvolvementRole,
    Plan,
    Role,
    TafMember,
    WorkRequest,
)
from cases.services import episode_open, family_case_create, involvement_add, person_create, work_request_create
from family_help.models import Assessment, AssessmentStatus, FamilyHelpSettings, Supervision
from family_help.selectors.allocation import my_families
from family_help.services.allocation import allocation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page(response) -> str:
    return response.content.decode()


def _count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.fixture
def make_family(triage_officer, fh_manager, levels):
    """A family of `children` children allocated to `lead` through the service, as a manager would."""
    counter = iter(range(1000))

    def make(lead, children=1, name=None):
        n = next(counter)
        people = [
            person_create(
                actor=triage_officer,
                data={
                    "first_name": f"Kid{n}x{i}",
                    "last_name": f"Fam{n}",
                    "date_of_birth": dt.date(2015 + i, 1, 1 + n % 27),
                },
            )
            for i in range(children)
        ]
        case = family_case_create(
            actor=triage_officer,
            name=name or f"Fam{n} family",
            members=[(p, FamilyCaseMember.Role.CHILD) for p in people],
        )
        episodes = [
            episode_open(
                person=p,
                actor=triage_officer,
                level=levels["targeted_early_help"],
                family_case=case,
                reason="Front door",
            )
            for p in people
        ]
        request = work_request_create(
            kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
            person=people[0],
            actor=triage_officer,
            episode=episodes[0],
            summary="Help",
        )
        allocation_create(work_request=request, actor=fh_manager, lead=lead)
        return case, people

    return make


def _plan(case, author, next_review_on):
    return Plan.objects.create(family_case=case, created_by=author, next_review_on=next_review_on)


def _action(plan, owner, due_on, description="Visit weekly", status="not_started"):
    return Action.objects.create(
        plan=plan, description=description, owner=owner, owner_agency=owner.agency, due_on=due_on, status=status
    )


def _assessment(case, author, due_on, status=AssessmentStatus.DRAFT):
    return Assessment.objects.create(
        family_case=case, author=author, referral_date=due_on - dt.timedelta(days=60), due_on=due_on, status=status
    )


def _visit(person, author, days_ago):
    when = timezone.now() - dt.timedelta(days=days_ago)
    return CaseNote.objects.create(
        person=person,
        author=author,
        kind=CaseNote.Kind.VISIT,
        occurred_at=when,
        subject="Home visit",
        body="Seen at home",
        child_seen=True,
        child_seen_alone=False,
        status=CaseNote.Status.FINAL,
        finalised_at=when,
    )


def _join_taf(case, user, actor, role="Health visitor"):
    for member in case.members.filter(role=FamilyCaseMember.Role.CHILD):
        involvement_add(person=member.person, actor=actor, role=InvolvementRole.TAF_MEMBER, user=user)
    return TafMember.objects.create(family_case=case, user=user, agency=user.agency, role=role, added_by=actor)


# --- my families -----------------------------------------------------------------------------------------------


def test_my_families_shows_what_is_due_and_highlights_what_is_overdue(make_family, vcs_fhlp, sw_fhlp, client):
    every = FamilyHelpSettings.load().visit_every_days
    fresh, _ = make_family(vcs_fhlp, name="Fresh family")
    behind, behind_children = make_family(vcs_fhlp, children=2, name="Behind family")
    _visit(behind_children[1], vcs_fhlp, days_ago=every + 5)
    plan = _plan(behind, vcs_fhlp, next_review_on=TODAY - dt.timedelta(days=3))
    _action(plan, vcs_fhlp, TODAY - dt.timedelta(days=1), "Take mum to the housing office")
    _action(plan, vcs_fhlp, TODAY + dt.timedelta(days=9), "Book the school meeting")
    _action(plan, sw_fhlp, TODAY - dt.timedelta(days=9), "Someone else's action")
    _action(plan, vcs_fhlp, TODAY - dt.timedelta(days=9), "Finished action", status="done")
    _assessment(behind, vcs_fhlp, TODAY - dt.timedelta(days=2))
    _assessment(fresh, vcs_fhlp, TODAY + dt.timedelta(days=30), status=AssessmentStatus.AUTHORISED)
    make_family(sw_fhlp, name="Not mine family")

    client.force_login(vcs_fhlp)
    body = page(client.get(reverse("family_help:my_families")))
    assert "Fresh family" in body and "Behind family" in body and "Not mine family" not in body
    assert "Take mum to the housing office" in body and "Book the school meeting" in body
    assert "Someone else&#x27;s action" not in body and "Finished action" not in body
    assert "No visit recorded yet" in body  # the fresh family: first visit due within the gap from allocation
    rows = {r.family_case.name: r for r in my_families(user=vcs_fhlp)}
    assert rows["Fresh family"].next_visit.due_on == TODAY + dt.timedelta(days=every)
    assert not rows["Fresh family"].next_visit.overdue and rows["Fresh family"].overdue_count == 0
    assert rows["Fresh family"].assessments == []  # authorised: nothing due
    behind_row = rows["Behind family"]
    assert behind_row.next_visit.due_on == TODAY - dt.timedelta(days=5) and behind_row.next_visit.overdue
    assert behind_row.next_review.overdue and behind_row.assessments[0].overdue
    assert [a.description for a in behind_row.actions] == ["Take mum to the housing office", "Book the school meeting"]
    assert behind_row.overdue_count == 4  # visit, review, assessment, one action
    assert "4 overdue" in body
    event = AuditEvent.objects.filter(verb="fh_my_families.viewed").latest("id")
    assert set(event.child_ids) == {m.person_id for c in (fresh, behind) for m in c.members.all()}


def test_a_partner_in_the_team_around_the_family_sees_that_family_with_their_actions(
    make_family, vcs_fhlp, health_practitioner, fh_manager, client
):
    case, _ = make_family(vcs_fhlp, name="Helped family")
    make_family(vcs_fhlp, name="Other family")
    _join_taf(case, health_practitioner, vcs_fhlp)
    plan = _plan(case, vcs_fhlp, next_review_on=TODAY + dt.timedelta(days=20))
    _action(plan, health_practitioner, TODAY - dt.timedelta(days=2), "Developmental check")
    _action(plan, vcs_fhlp, TODAY + dt.timedelta(days=2), "Lead's own action")
    client.force_login(health_practitioner)
    body = page(client.get(reverse("family_help:my_families")))
    assert "Families where you are in the team around the family (1)" in body
    assert "Helped family" in body and "Other family" not in body
    assert "Developmental check" in body and "Lead&#x27;s own action" not in body
    assert "Team around the family: Health visitor" in body and "Val Voluntary" in body
    assert "Families you lead" not in body
    api = APIClient()
    api.force_authenticate(health_practitioner)
    rows = api.get("/api/v1/family-help/my-families/").json()
    assert [(r["family_name"], r["role"]) for r in rows] == [
        ("Helped family", "Team around the family: Health visitor")
    ]
    assert [a["description"] for a in rows[0]["actions"]] == ["Developmental check"]
    assert rows[0]["actions"][0]["overdue"] is True


def test_a_partner_referrer_finds_the_plan_of_a_family_whose_team_they_are_in(
    school_dsl, vcs_fhlp, make_family, client
):
    """The summary level: the family links to its plan, the children to nothing (their records are not theirs)."""
    case, children = make_family(vcs_fhlp, name="Helped family")
    client.force_login(school_dsl)
    assert "Helped family" not in page(client.get(reverse("family_help:my_families")))
    _join_taf(case, school_dsl, vcs_fhlp, role="School link")
    body = page(client.get(reverse("family_help:my_families")))
    assert "Helped family" in body and reverse("cases:plan", args=[case.pk]) in body
    assert reverse("family_help:family", args=[case.pk]) not in body
    assert reverse("cases:person_detail", args=[children[0].pk]) not in body


def test_my_families_is_not_there_for_an_administrator(client, council):
    client.force_login(UserFactory(agency=council, roles=[Role.ADMIN]))
    assert client.get(reverse("family_help:my_families")).status_code == 404


def test_my_families_queries_do_not_grow_with_the_caseload(
    make_family, vcs_fhlp, health_practitioner, client, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            case, children = make_family(vcs_fhlp, children=2)
            plan = _plan(case, vcs_fhlp, TODAY - dt.timedelta(days=1))
            _action(plan, vcs_fhlp, TODAY)
            _assessment(case, vcs_fhlp, TODAY + dt.timedelta(days=5))
            _visit(children[0], vcs_fhlp, days_ago=3)
        case, _ = make_family(UserFactory(roles=[Role.FHLP], agency=vcs_fhlp.agency))
        _join_taf(case, vcs_fhlp, vcs_fhlp)

    add(2)
    client.force_login(vcs_fhlp)
    url = reverse("family_help:my_families")
    few = _count_queries(lambda: client.get(url))
    add(10)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    html = page(response)
    # The families led link to their Family Help page; those in the team around link to their plan (summary level).
    assert html.count('href="/family-help/families/') == 12
    assert html.count('href="/cases/families/') == 2


# --- the team view ---------------------------------------------------------------------------------------------


def test_team_view_shows_caseload_by_practitioner_and_overdue_items(make_family, fh_manager, vcs_fhlp, sw_fhlp, client):
    one, _ = make_family(vcs_fhlp, children=2, name="Two kids family")
    make_family(vcs_fhlp, children=1, name="One kid family")
    late, _ = make_family(sw_fhlp, name="Late family")
    _assessment(late, sw_fhlp, TODAY - dt.timedelta(days=4))
    plan = _plan(one, vcs_fhlp, TODAY - dt.timedelta(days=10))
    _action(plan, vcs_fhlp, TODAY - dt.timedelta(days=1), "Overdue referral to parenting course")
    Supervision.objects.create(
        practitioner=sw_fhlp,
        supervisor=fh_manager,
        held_on=TODAY - dt.timedelta(days=40),
        reflection="Caseload",
        next_due_on=TODAY - dt.timedelta(days=12),
    )
    client.force_login(fh_manager)
    response = client.get(reverse("family_help:team"))
    body = page(response)
    practitioners = {p.full_name: p for p in response.context["practitioners"]}
    val, sol = practitioners["Val Voluntary"], practitioners["Sol Social"]
    assert (val.families, val.children, val.overdue_reviews, val.overdue_actions) == (2, 3, 1, 1)
    assert (sol.families, sol.children, sol.overdue_assessments, sol.supervision_overdue) == (1, 1, 1, True)
    assert "Alternatively qualified practitioner" in body and "Registered social worker" in body
    assert "Test Family Charity" in body
    overdue = [(i.what, i.family_name) for i in response.context["overdue"]]
    assert ("Plan review", "Two kids family") in overdue
    assert ("Assessment (draft)", "Late family") in overdue
    assert ("Action: Overdue referral to parenting course", "Two kids family") in overdue
    assert ("Supervision", "") in overdue
    assert AuditEvent.objects.filter(verb="fh_team_caseloads.viewed", actor_id=fh_manager.pk).exists()


def test_team_view_filters_by_team(make_family, fh_manager, vcs_fhlp, council, client):
    outsider = UserFactory(full_name="Olly Outside", roles=[Role.FHLP], agency=council)
    make_family(outsider)
    client.force_login(fh_manager)
    team = fh_manager.teams.get()
    names = [p.full_name for p in client.get(reverse("family_help:team"), {"team": team.pk}).context["practitioners"]]
    assert "Olly Outside" not in names and "Val Voluntary" in names
    assert "Olly Outside" in page(client.get(reverse("family_help:team")))


def test_team_view_is_only_for_managers(vcs_fhlp, client):
    client.force_login(vcs_fhlp)
    assert client.get(reverse("family_help:team")).status_code == 404


def test_team_view_queries_do_not_grow_with_practitioners_and_families(
    make_family, fh_manager, vcs_fhlp, client, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            lead = UserFactory(roles=[Role.FHLP], agency=vcs_fhlp.agency)
            case, _ = make_family(lead, children=2)
            plan = _plan(case, lead, TODAY - dt.timedelta(days=1))
            _action(plan, lead, TODAY - dt.timedelta(days=1))
            _assessment(case, lead, TODAY - dt.timedelta(days=1))
            Supervision.objects.create(
                practitioner=lead,
                supervisor=fh_manager,
                held_on=TODAY - dt.timedelta(days=60),
                reflection="x",
                next_due_on=TODAY - dt.timedelta(days=30),
            )

    add(2)
    client.force_login(fh_manager)
    url = reverse("family_help:team")
    few = _count_queries(lambda: client.get(url))
    add(10)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["overdue"]) == 12 * 4
