"""Issue 16 item 7: the managers' dashboards page. Who may read it (the policy table probes every role; here the
page itself), its charts (SVG with a name and the numbers as a table, no inline style or script, nothing named by a
child), the period and team filters (bad input: the reason on the page, what was typed kept), and a fixed number of
queries whatever the data (the same on an empty database as on the generated data: tests/reporting/
test_dashboards_dataset.py)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Role
from reporting.dashboards import charts_for, dashboard
from reporting.dashboards.charts import Bar, Chart, rate_text
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/reports/dashboards/"
# The page's queries: the session and user, the periods' teams, the calendar, and the figures' own (front door by month
# 1 + its "now" figures 3, referrals 2, children assessed 1, assessments in time 1, s47 1, ICPCs 1, plans 1, CP reviews
# 1, family plan reviews 1, FGDM offers, meetings and reviews 3, caseloads 1, the workforce history 1). Whatever the
# data: tests/reporting/test_dashboards_dataset.py asks the same of the generated data set.
PAGE_QUERIES = 21


@pytest.fixture
def manager(council):
    return UserFactory(agency=council, roles=[Role.MANAGER], full_name="Morgan Manager")


def test_the_url_is_the_dashboards_page():
    assert reverse("reporting:dashboards") == URL


def test_a_manager_reads_the_dashboards_with_every_chart(client, manager):
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for key in (
        "contacts",
        "decided",
        "journey",
        "re-referrals",
        "timescales",
        "fgdm",
        "caseload-practitioner",
        "caseload-agency",
        "caseload-qualification",
    ):
        assert f'id="chart-{key}"' in html, key
        assert f'id="chart-{key}-table"' in html, key
    # Every chart is an image with a name, described, and its numbers in a table.
    assert html.count('role="img"') == 9
    assert html.count("<title id=") == 9
    assert html.count('aria-describedby="chart-') == 9


def test_the_page_has_no_inline_style_or_script(client, manager):
    """The Content-Security-Policy forbids both: a chart is classes and geometry attributes only."""
    client.force_login(manager)
    html = client.get(URL).content.decode()
    main = html[html.index('id="main-content"') :]
    assert " style=" not in main
    assert "<style" not in main
    assert "<script" not in main.split("</main>")[0]
    assert re.search(r"<svg[^>]*class=\"app-chart__image\"", main)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_the_dashboards_roles_see_the_page(client, council, role):
    from cases import policy
    from reporting.permissions import DASHBOARDS

    client.force_login(UserFactory(agency=council, roles=[role]))
    allowed = role in policy.role_actions()[DASHBOARDS]
    assert client.get(URL).status_code == (200 if allowed else 404)


def test_the_dashboards_are_in_the_navigation_for_a_manager_only(client, manager, council):
    client.force_login(manager)
    assert 'href="/reports/dashboards/"' in client.get("/").content.decode()
    client.force_login(UserFactory(agency=council, roles=[Role.TRIAGE_OFFICER]))
    assert 'href="/reports/dashboards/"' not in client.get("/").content.decode()


def test_a_period_not_in_the_list_is_refused_with_the_reason_and_the_team_kept(client, manager):
    team = TeamFactory(name="Northern Family Help")
    client.force_login(manager)
    response = client.get(URL, {"period": "2031-99", "team": str(team.pk)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "“2031-99” is not in the list: choose a collection year or a quarter from the list" in html
    # The team chosen is kept, and the figures are the team's for the default period.
    assert re.search(rf'<option value="{team.pk}"[^>]*selected', html)
    assert "Northern Family Help" in response.context["figures"].team.name


def test_a_team_not_in_the_list_is_refused_with_the_reason_and_the_period_kept(client, manager):
    client.force_login(manager)
    response = client.get(URL, {"period": "2026-27-Q1", "team": "not-a-team"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "“not-a-team” is not in the list: choose a team from the list" in html
    assert re.search(r'<option value="2026-27-Q1"[^>]*selected', html)
    assert response.context["period"].key == "2026-27-Q1"
    assert response.context["team"] is None


def test_a_quarter_and_a_team_filter_the_figures(client, manager):
    team = TeamFactory(name="Southern Family Help")
    client.force_login(manager)
    response = client.get(URL, {"period": "2026-27-Q2", "team": str(team.pk)})
    assert response.status_code == 200
    assert "Quarter 2 of 2026 to 2027" in response.content.decode()
    figures = response.context["figures"]
    assert figures.team == team
    assert [m.month for m in figures.months] == [dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)]
    assert "The offers the team&#x27;s practitioners made" in response.content.decode()


def test_the_page_asks_a_fixed_number_of_queries_on_an_empty_database(client, manager):
    client.force_login(manager)
    client.get(URL)  # the session's first read
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"period": "2026-27", "team": ""}).status_code == 200
    assert len(captured) == PAGE_QUERIES, [q["sql"][:120] for q in captured.captured_queries]


def test_a_chart_draws_each_bar_to_scale_and_writes_its_number():
    chart = Chart(
        key="k",
        title="T",
        description="D",
        bars=[Bar("A", 10, "10"), Bar("B", 5, "5"), Bar("C", 0, "0")],
        headers=["x", "y"],
        table=[],
    )
    a, b, c = chart.drawn
    assert float(a.width) == chart.bar_room and float(b.width) == chart.bar_room / 2 and c.width == "0"
    assert int(a.bar_y) < int(b.bar_y) < int(c.bar_y)
    assert chart.view_box == f"0 0 400 {chart.height}"
    percent = Chart(key="p", title="", description="", bars=[Bar("A", 50, "")], headers=[], table=[], percent=True)
    assert float(percent.drawn[0].width) == percent.bar_room / 2
    # Table cells are text with thousands separators, written once (not localised per cell by the template).
    assert Chart(key="t", title="", description="", bars=[], headers=[], table=[["A", 1234, 2.5]]).table == [
        ["A", "1,234", "2.5"]
    ]


def test_a_rate_reads_as_per_cent_of_the_due():
    assert rate_text(85.3, 170, 200) == "85.3% (170 of 200)"
    assert rate_text(100.0, 1234, 1234) == "100% (1,234 of 1,234)"
    assert rate_text(None, 0, 0) == "none due"


def test_the_figures_name_no_child(make_person):
    """Aggregates only: no chart or table cell holds a child's name."""
    from reporting.dashboards.figures import Period

    child = make_person(first_name="Zebedee", last_name="Quartermaine")
    figures = dashboard(period=Period("2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31)))
    text = repr([(c.title, c.description, c.bars, c.table) for c in charts_for(figures)])
    assert child.first_name not in text and child.last_name not in text


def test_caseloads_read_agency_and_qualification_from_the_workforce_history_on_the_day(make_person, council):
    """The period's end: the record in force then (cases PractitionerRecord), not today's User.qualification; a
    practitioner without a record: their own. Each child counted once per practitioner leading them."""
    from django.utils import timezone

    from cases.models import Agency, AgencyType, Episode, EpisodeLead, LeadKind, PractitionerRecord, Qualification
    from reporting.dashboards.figures import Period

    vcs = Agency.objects.create(name="Harbour Families Trust", type=AgencyType.VOLUNTARY_SECTOR)
    moved = UserFactory(agency=council, full_name="Sam Social", qualification=Qualification.SOCIAL_WORKER)
    other = UserFactory(agency=council, full_name="Ola Other", qualification=Qualification.SOCIAL_WORKER)
    PractitionerRecord.objects.create(
        user=moved,
        valid_from=dt.date(2025, 4, 1),
        agency=vcs,
        qualification=Qualification.ALTERNATIVELY_QUALIFIED,
        hours_per_week=37,
    )
    # From 2026 they qualified and joined the council (User.qualification follows today's record).
    PractitionerRecord.objects.create(
        user=moved,
        valid_from=dt.date(2026, 4, 1),
        agency=council,
        qualification=Qualification.SOCIAL_WORKER,
        hours_per_week=37,
    )
    started = timezone.now().replace(year=2025, month=5, day=1)
    for n, lead in enumerate((moved, moved, other)):
        child = make_person(first=f"Child{n}", last="Caseload")
        episode = Episode.objects.create(person=child, opened_on=dt.date(2025, 5, 1))
        EpisodeLead.objects.create(episode=episode, kind=LeadKind.FHLP, user=lead, started_at=started)

    last_year = dashboard(period=Period("2025-26", dt.date(2025, 4, 1), dt.date(2026, 3, 31)))
    assert [(c.label, c.children) for c in last_year.by_practitioner] == [("Sam Social", 2), ("Ola Other", 1)]
    assert {(c.label, c.practitioners, c.children) for c in last_year.by_agency} == {
        ("Harbour Families Trust", 1, 2),
        (council.name, 1, 1),
    }
    assert {(c.label, c.children) for c in last_year.by_qualification} == {
        ("Alternatively qualified practitioner", 2),
        ("Registered social worker", 1),
    }
    this_year = dashboard(period=Period("2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31)))
    assert {(c.label, c.children) for c in this_year.by_qualification} == {("Registered social worker", 3)}


def test_the_number_beside_the_longest_bar_stays_inside_the_chart():
    """At 16 units a bold character is at most about 10 wide: the widest numbers a bar writes fit beside a full bar."""
    from reporting.dashboards.charts import WIDTH, percent_text

    for text in (percent_text(100.0), percent_text(99.9), percent_text(None), "123,456"):
        chart = Chart(key="w", title="", description="", bars=[Bar("A", 100, text)], headers=[], table=[], percent=True)
        assert float(chart.drawn[0].text_x) + 10 * len(text) <= WIDTH, text
