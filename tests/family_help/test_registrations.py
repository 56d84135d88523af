"""What Family Help adds to other apps' pages through cases.registry: the home page's waiting-list panel for
those who allocate, and, on a child's record, the prompt to the request waiting for them and the link to the
family's Family Help page."""

import pytest
from django.urls import reverse

from family_help.services.allocation import allocation_create

pytestmark = pytest.mark.django_db


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_allocator_sees_how_many_children_wait_on_the_home_page(client, family, fh_manager, sw_fhlp):
    client.force_login(fh_manager)
    html = _html(client, "/")
    assert "1 child is waiting for a lead practitioner." in html
    assert f'href="{reverse("family_help:allocations")}">See who is waiting' in html
    client.force_login(sw_fhlp)  # a lead practitioner does not allocate: no panel
    assert "Family Help allocations</h2>" not in _html(client, "/")
    allocation_create(work_request=family["request"], actor=fh_manager, lead=sw_fhlp, reason="Local")
    client.force_login(fh_manager)
    assert "No children are waiting for a lead practitioner." in _html(client, "/")


def test_the_childs_record_prompts_the_allocator_to_the_waiting_request(client, family, fh_manager, triage_officer):
    url = reverse("cases:person_detail", args=[family["mia"].pk])
    client.force_login(fh_manager)
    html = _html(client, url)
    assert "Waiting for you: Family Help allocation, asked on" in html
    assert f'href="{reverse("family_help:allocate", args=[family["request"].pk])}">Allocate a lead practitioner' in html
    # Leo has no request of his own; the triage officer receives no allocation requests.
    assert "Waiting for you" not in _html(client, reverse("cases:person_detail", args=[family["leo"].pk]))
    client.force_login(triage_officer)
    assert "Waiting for you" not in _html(client, url)


def test_once_allocated_each_childs_record_leads_to_the_familys_family_help_page(client, family, fh_manager, sw_fhlp):
    client.force_login(fh_manager)  # before allocation: no Family Help lead, nothing to link to
    assert "Family Help:" not in _html(client, reverse("cases:person_detail", args=[family["mia"].pk]))
    allocation_create(work_request=family["request"], actor=fh_manager, lead=sw_fhlp, reason="Local")
    client.force_login(sw_fhlp)  # the new lead, who now has access through the children's episodes
    family_url = reverse("family_help:family", args=[family["case"].pk])
    for child in ("mia", "leo"):
        html = _html(client, reverse("cases:person_detail", args=[family[child].pk]))
        assert "Family Help: Sol Social is the lead practitioner for Okafor-Lewis family." in html
        assert f'href="{family_url}">See the family&#x27;s Family Help page' in html
    assert "Waiting for you" not in _html(client, reverse("cases:person_detail", args=[family["mia"].pk]))
    assert client.get(family_url).status_code == 200
    # Their mother's record is not a child's: no prompt there.
    assert "Family Help:" not in _html(client, reverse("cases:person_detail", args=[family["grace"].pk]))
