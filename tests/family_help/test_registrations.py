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


def test_the_waiting_count_is_compiled_once_and_still_reads_grants_restrictions_and_roles_when_it_runs(
    family, fh_manager, privacy_officer, django_assert_num_queries
):
    """The panel's count runs a statement compiled once per user and day (cases.selectors.scoped_sql): it must give
    what the ORM's own aggregate over the same scope gives, and follow a restriction made after it was compiled
    (read by the SQL when it runs) and a change of roles (part of the key)."""
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q

    from cases.auth import UserBackend
    from cases.models import Role, WorkRequest
    from cases.permissions import person_record_scope
    from cases.services import person_restrict
    from family_help.selectors.allocation import allocation_waiting_counts

    def orm(user):
        return WorkRequest.objects.filter(
            kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
            status=WorkRequest.Status.OPEN,
            person__in=person_record_scope(user).values("pk"),
        ).aggregate(waiting=Count("pk"), urgent=Count("pk", filter=Q(urgent=True)))

    manager = UserBackend().get_user(fh_manager.pk)  # as a request loads its user
    assert allocation_waiting_counts(user=manager) == orm(manager) == {"waiting": 1, "urgent": 0}
    with django_assert_num_queries(1):  # compiled already: one statement, no lookups
        allocation_waiting_counts(user=manager)

    role = Group.objects.get(name=Role.MANAGER)
    fh_manager.groups.remove(role)
    fewer_roles = UserBackend().get_user(fh_manager.pk)
    assert fewer_roles.roles != manager.roles
    assert allocation_waiting_counts(user=fewer_roles) == orm(fewer_roles) == {"waiting": 0, "urgent": 0}
    fh_manager.groups.add(role)
    manager = UserBackend().get_user(fh_manager.pk)
    assert allocation_waiting_counts(user=manager) == {"waiting": 1, "urgent": 0}  # the first statement, again

    person_restrict(person=family["mia"], actor=privacy_officer, reason="high_risk", access_users=[])
    assert allocation_waiting_counts(user=manager) == orm(manager) == {"waiting": 0, "urgent": 0}
