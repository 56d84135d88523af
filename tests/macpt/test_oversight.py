"""The LCPP's oversight dashboard (issue 14 item 9): every child in an open s47 enquiry or on a child protection plan,
exactly those, with the next item due and its RAG, filterable by team, for the roles that oversee, in a constant
number of queries; and the LCPP's home-page panel."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Deadline, Role
from cases.services import person_restrict
from macpt.services.deadlines import ICPC
from tests.factories import TeamFactory, UserFactory
from tests.macpt.oversight_support import discussion, on_plan, s47, strategy_record
from tests.personas import team

pytestmark = pytest.mark.django_db

URL = "/child-protection/oversight/"


@pytest.fixture
def macpt():
    return team("macpt")


def _page(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def test_the_dashboard_lists_exactly_the_children_in_an_open_s47_or_on_a_plan(
    client, lcpp, macpt, make_person, privacy_officer, family
):
    in_s47 = make_person("Ada", "Inquiry")
    ended = make_person("Ben", "Finished")
    discussed_only = make_person("Cal", "Discussed")
    s47(person=in_s47, team=macpt, lead=lcpp)
    s47(person=ended, team=macpt, lead=lcpp, ended=True)
    # A strategy discussion that did not start an enquiry, and a child in Family Help: not in child protection.
    discussion(team=macpt, chair=lcpp)
    hidden = make_person("Dot", "Secret")
    s47(person=hidden, team=macpt, lead=lcpp)
    person_restrict(person=hidden, actor=privacy_officer, reason="high_profile", access_users=[])
    # Mia is on a plan; Leo's plan has ended (and their mother was never in child protection).
    on_plan(person=family["mia"], family_case=family["case"], team=macpt, chair=lcpp)
    on_plan(person=family["leo"], family_case=family["case"], team=macpt, chair=lcpp, ended=True)

    response = _page(client, lcpp)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ada Inquiry" in text and "Mia Okafor-Lewis" in text
    assert f'id="oversight-child-{in_s47.pk}"' in text
    assert "On a plan since" in text and "(Neglect)" in text
    for absent in ("Ben Finished", "Cal Discussed", "Dot Secret", "Leo Okafor-Lewis", "Grace Okafor"):
        assert absent not in text, absent
    # The restricted child stays on the oversight, unnamed and unlinked.
    assert "Restricted record" in text
    assert reverse("cases:person_detail", args=[hidden.pk]) not in text
    assert response.context["total"] == 3
    shown = {row.person.pk for row in response.context["rows"]}
    assert shown == {in_s47.pk, hidden.pk, family["mia"].pk}
    assert discussed_only.pk not in shown


def test_each_child_shows_its_next_item_due_with_its_rag_most_urgent_first(client, lcpp, macpt, make_person):
    today = timezone.localdate()
    late = make_person("Eve", "Late")
    soon = make_person("Fay", "Soon")
    later = make_person("Gus", "Later")
    late_s47 = s47(person=late, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=20))
    strategy_record(enquiry=late_s47, due_on=today - dt.timedelta(days=2))  # the record was never shared
    s47(person=soon, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=1))  # its reminder is due now
    s47(person=later, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=30))
    Deadline.objects.filter(kind=ICPC, person_ids=[soon.pk]).update(warn_at=timezone.now() - dt.timedelta(hours=1))

    response = _page(client, lcpp)
    rows = response.context["rows"]
    assert [r.person.pk for r in rows] == [late.pk, soon.pk, later.pk]
    assert [(r.next_name, r.rag) for r in rows] == [
        ("Strategy discussion record to share", "red"),
        ("Initial child protection conference", "amber"),
        ("Initial child protection conference", "green"),
    ]
    assert rows[0].more_due == 1 and rows[0].overdue == 1
    assert rows[1].next_due_on == today + dt.timedelta(days=1)
    text = response.content.decode()
    assert "Overdue" in text and "Due soon" in text and "On track" in text
    assert f'href="/child-protection/strategy/{late_s47.started_at_discussion_id}/"' in text


def test_a_met_item_leaves_the_dashboard_and_the_next_one_shows(client, lcpp, macpt, make_person):
    from cases.services import deadline_met

    today = timezone.localdate()
    child = make_person("Hal", "Shared")
    enquiry = s47(person=child, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=20))
    strategy_record(enquiry=enquiry, due_on=today - dt.timedelta(days=1))
    assert _page(client, lcpp).context["rows"][0].next_name == "Strategy discussion record to share"
    deadline_met(kind="macpt.strategy_record", target=enquiry.started_at_discussion)
    row = _page(client, lcpp).context["rows"][0]
    assert (row.next_name, row.rag, row.more_due) == ("Initial child protection conference", "green", 0)


def test_the_dashboard_filters_by_macpt_team(client, lcpp, macpt, make_person, family):
    south = TeamFactory(name="MACPT South", multi_agency=True)
    north_child = make_person("Ivy", "North")
    south_child = make_person("Jon", "South")
    s47(person=north_child, team=macpt, lead=lcpp)
    s47(person=south_child, team=south, lead=lcpp)
    on_plan(person=family["mia"], family_case=family["case"], team=south, chair=lcpp)

    everyone = _page(client, lcpp)
    assert {r.person.pk for r in everyone.context["rows"]} == {north_child.pk, south_child.pk, family["mia"].pk}
    choices = dict(everyone.context["form"].fields["team"].choices)
    assert choices[str(south.pk)] == "MACPT South" and choices[str(macpt.pk)] == macpt.name
    assert "Family Help North" not in choices.values()  # multi-agency, but no MACPT

    only_south = _page(client, lcpp, team=south.pk)
    assert {r.person.pk for r in only_south.context["rows"]} == {south_child.pk, family["mia"].pk}
    assert "2 children in child protection with MACPT South" in only_south.content.decode()
    assert {r.team for r in only_south.context["rows"]} == {south}
    # A team that is not there is no filter (and no error).
    assert _page(client, lcpp, team="nonsense").status_code == 200


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ([Role.LCPP], 200),
        ([Role.MANAGER], 200),
        ([Role.MACPT_MEMBER], 404),
        ([Role.FHLP], 404),
        ([Role.TRIAGE_OFFICER], 404),
        ([Role.PRIVACY_OFFICER], 404),
        ([Role.ADMIN], 404),
        ([], 404),
    ],
)
def test_only_those_who_oversee_open_the_dashboard(client, council, roles, status):
    assert _page(client, UserFactory(agency=council, roles=roles)).status_code == status


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dashboard_audits_the_children_it_names(client, lcpp, macpt, make_person, privacy_officer):
    shown = make_person("Kit", "Audited")
    hidden = make_person("Lia", "Hidden")
    s47(person=shown, team=macpt, lead=lcpp)
    s47(person=hidden, team=macpt, lead=lcpp)
    person_restrict(person=hidden, actor=privacy_officer, reason="high_profile", access_users=[])
    _page(client, lcpp)
    event = AuditEvent.objects.get(verb="macpt.oversight_viewed")
    assert event.actor_id == lcpp.pk
    assert set(event.child_ids) == {shown.pk}


@pytest.mark.parametrize("size", [1, 30])
def test_the_dashboard_queries_do_not_grow_with_its_children(
    client, lcpp, macpt, make_person, privacy_officer, size, django_assert_max_num_queries
):
    from cases.services import family_case_create

    today = timezone.localdate()
    south = TeamFactory(name="MACPT South", multi_agency=True)
    for n in range(size):
        child = make_person(f"Child{n}", "Counted")
        enquiry = s47(person=child, team=macpt if n % 2 else south, lead=lcpp, icpc_on=today + dt.timedelta(days=n))
        strategy_record(enquiry=enquiry, due_on=today - dt.timedelta(days=1))
        if n % 2 == 0:  # half of them on a plan too (another family each)
            family_case = family_case_create(actor=lcpp, name=f"Family {n}", members=[(child, "child")])
            on_plan(person=child, family_case=family_case, team=south, chair=lcpp)
        if n % 3 == 0:
            person_restrict(person=child, actor=privacy_officer, reason="high_profile", access_users=[])
    client.force_login(lcpp)
    client.get(URL)  # the session and the user's roles warm once
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(URL)
    assert response.context["total"] == size
    with django_assert_max_num_queries(QUERY_BOUND):
        client.get(URL, {"team": south.pk})


# The user, the teams, the count, the page's children, restricted names, enquiries, plans, open items, the audit row
# (9, measured at 1 and at 30 children: the bound is the count).
QUERY_BOUND = 9


def test_the_lcpp_home_page_has_the_oversight_panel(client, lcpp, macpt, make_person):
    today = timezone.localdate()
    late = make_person("Max", "Panel")
    on_time = make_person("Ned", "Panel")
    enquiry = s47(person=late, team=macpt, lead=lcpp)
    strategy_record(enquiry=enquiry, due_on=today - dt.timedelta(days=1))
    s47(person=on_time, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=30))
    client.force_login(lcpp)
    text = client.get("/").content.decode()
    assert 'id="oversight-panel"' in text
    assert "2 children in an s47 enquiry or on a plan: 1 with an item overdue" in text
    assert 'href="/child-protection/oversight/"' in text
    assert "Child protection oversight" in text  # the navigation entry
    # The panel names no child.
    assert "Max Panel" not in text and "Ned Panel" not in text


def test_no_panel_or_nav_entry_for_those_who_do_not_oversee(client, sw_fhlp):
    client.force_login(sw_fhlp)
    text = client.get("/").content.decode()
    assert 'id="oversight-panel"' not in text
    assert "Child protection oversight" not in text


def test_a_plan_from_the_icpc_joins_the_dashboard_with_its_clocks_and_leaves_it_when_the_review_ends_it(
    client, cp_family, lcpp, chair, clock
):
    """Through the conference's services: Mia's ICPC starts her plan, so the dashboard lists her with the plan's
    first clock due (the first core group, visit and review are set by the plan); a review that ends the plan takes
    her off the dashboard (Leo, never in child protection, is never on it)."""
    from macpt.services.conference import conference_decide
    from tests.macpt.support import arrange, at, hold_icpc

    mia, leo = cp_family["mia"], cp_family["leo"]
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    response = _page(client, lcpp)
    (row,) = response.context["rows"]
    assert row.person == mia and row.plan is not None and row.plan.start_date == dt.date(2025, 12, 19)
    kinds = {d.kind for d in row.deadlines}
    assert {"macpt.core_group", "macpt.visit", "macpt.review_conference"} <= kinds
    assert row.next_due == min(row.deadlines, key=lambda d: (d.due_at, d.id))
    assert "On a plan since 19 Dec 2025 (Physical abuse)" in response.content.decode()
    assert leo.display_name not in response.content.decode()

    review = arrange(cp_family, lcpp, chair, dt.date(2026, 3, 13), kind="review")
    clock.move_to(at(dt.date(2026, 3, 13), 15))
    conference_decide(
        conference=review,
        actor=chair,
        decisions={mia.pk: {"plan": False, "end_reason": "no_longer_at_risk", "reason": "Safe at home"}},
    )
    response = _page(client, lcpp)
    assert response.context["total"] == 0
    assert 'id="oversight-empty"' in response.content.decode()


def test_a_restricted_child_off_the_list_shows_no_dates_category_or_lead(client, lcpp, macpt, family, privacy_officer):
    mia = family["mia"]
    on_plan(person=mia, family_case=family["case"], team=macpt, chair=lcpp, start=dt.date(2025, 11, 3), category="SAB")
    s47(person=mia, team=macpt, lead=lcpp, start=dt.date(2025, 11, 10))
    person_restrict(person=mia, actor=privacy_officer, reason="high_profile", access_users=[])
    text = _page(client, lcpp).content.decode()
    assert "Restricted record" in text and "On a plan<br>In an s47 enquiry" in text
    for detail in ("Sexual abuse", "3 Nov 2025", "10 Nov 2025", "led by", "Mia"):
        assert detail not in text, detail
