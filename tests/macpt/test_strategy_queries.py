"""The strategy discussion's and the s47 enquiry's pages read in a fixed number of queries, however many attendees
and items of information they hold (each item's agency, author and child come with it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Role
from cases.services import team_member_add
from macpt.models import StrategyChild
from macpt.services.enquiries import s47_information_add
from macpt.services.strategy import strategy_attendee_add, strategy_decide, strategy_information_add
from tests.factories import UserFactory
from tests.personas import agency

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more(discussion, enquiry, lcpp, macpt, family, n: int) -> None:
    for i in range(n):
        user = UserFactory(agency=agency("school" if i % 2 else "police"), roles=[Role.MACPT_MEMBER])
        team_member_add(team=macpt, user=user, actor=None)
        strategy_attendee_add(discussion=discussion, actor=lcpp, user=user)
        strategy_information_add(discussion=discussion, actor=user, text=f"Item {i}", person=family["mia"])
        s47_information_add(enquiry=enquiry, actor=user, text=f"Gathered {i}")


def test_the_pages_queries_do_not_grow_with_their_rows(client, discussion, family, lcpp, macpt):
    row = StrategyChild.objects.select_related("discussion", "person").get(discussion=discussion, person=family["mia"])
    enquiry = strategy_decide(child=row, actor=lcpp, decision="s47_joint", reason="Disclosure")
    client.force_login(lcpp)
    pages = [
        reverse("macpt:strategy", args=[discussion.pk]),
        reverse("macpt:s47", args=[enquiry.pk]),
    ]
    _more(discussion, enquiry, lcpp, macpt, family, 1)
    _count(client, pages[0])  # warm the process's caches (scope, registry)
    few = [_count(client, url) for url in pages]
    _more(discussion, enquiry, lcpp, macpt, family, 8)
    many = [_count(client, url) for url in pages]
    assert many == few
