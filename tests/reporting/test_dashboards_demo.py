"""Issue 16 item 7 on the demo data (seed_demo): the head of service and the performance officer read the dashboards,
every chart drawn with figures from the demo's records and no child named, in the same fixed number of queries as on
an empty database (tests/reporting/test_dashboards.py::PAGE_QUERIES)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Person, User
from tests.reporting.test_dashboards import PAGE_QUERIES, URL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("email", ["manager@demo.test", "performance@demo.test"])
def test_the_demo_s_readers_see_the_dashboards_with_figures_and_no_child(seeded_demo, client, email):
    reader = User.objects.get(email=email)
    client.force_login(reader)
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(captured) == PAGE_QUERIES
    figures = response.context["figures"]
    assert figures.contacts > 0 and figures.by_practitioner
    html = response.content.decode()
    main = html[html.index('id="main-content"') :]
    for first, last in Person.objects.values_list("first_name", "last_name"):
        assert f"{first} {last}" not in main
