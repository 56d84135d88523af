"""The strand's role-gated actions that act on a child's discussion or enquiry (cases.policy.role_actions), probed
through their pages by a member of the MACPT holding each role: the MACPT works with the child, so every member
reaches the record; the table alone decides who may add information (macpt.contribute) and who records the enquiry
(macpt.lead_enquiry). Allowed: the form is taken (302); refused: 404, and nothing is written."""

import pytest
from django.urls import reverse

from cases import policy
from cases.models import Role
from cases.services import team_member_add
from macpt.models import S47Enquiry, StrategyChild, StrategyInformation
from macpt.services.strategy import strategy_decide
from tests.factories import UserFactory
from tests.personas import agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiry(discussion, family, lcpp) -> S47Enquiry:
    child = StrategyChild.objects.select_related("discussion", "person").get(
        discussion=discussion, person=family["mia"]
    )
    return strategy_decide(child=child, actor=lcpp, decision="s47_joint", reason="Disclosure")


def _member(role: str, macpt):
    user = UserFactory(agency=agency("council"), roles=[role])
    team_member_add(team=macpt, user=user, actor=None)
    return user


@pytest.mark.parametrize("role", sorted(Role.values))
def test_a_member_adds_information_exactly_when_the_table_says(role, discussion, macpt, client):
    client.force_login(_member(role, macpt))
    response = client.post(
        reverse("macpt:strategy_information_add", args=[discussion.pk]), {"information-text": "Known to us."}
    )
    allowed = role in policy.role_actions()["macpt.contribute"]
    assert response.status_code == (302 if allowed else 404), (role, response.status_code)
    assert StrategyInformation.objects.filter(discussion=discussion).exists() == allowed


@pytest.mark.parametrize("role", sorted(Role.values))
def test_a_member_records_the_enquiry_exactly_when_the_table_says(role, enquiry, macpt, client):
    client.force_login(_member(role, macpt))
    day = enquiry.start_date
    response = client.post(
        reverse("macpt:s47_seen", args=[enquiry.pk]),
        {"seen-child_seen_on": day.isoformat()},
    )
    allowed = role in policy.role_actions()["macpt.lead_enquiry"]
    assert response.status_code == (302 if allowed else 404), (role, response.status_code)
    enquiry.refresh_from_db()
    assert (enquiry.child_seen_on == day) == allowed
