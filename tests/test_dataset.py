"""The generated `small` data set, and the pages' query counts on it (CI's guard against N+1: nothing
here is timed; `make bench` measures speed)."""

import pytest
from django.db.models import Count

from cases.models import ChronologyEntry, Person, User
from front_door.models import Contact

pytestmark = pytest.mark.django_db


def test_small_dataset_has_realistic_shape(small_dataset):
    children = Person.objects.filter(relationships_in__type__in=["mother", "father"]).distinct().count()
    assert 1_500 <= children <= 2_600
    assert Person.objects.filter(nhs_number__startswith="999").count() > 800
    contacts = Contact.objects.count()
    referrals = Contact.objects.filter(is_referral=True).count()
    assert 3.5 <= contacts / referrals <= 6.5  # about 4.8 contacts per referral
    assert Contact.objects.exclude(status="decided").exists()
    assert Contact.objects.filter(breached=True).exists()
    assert ChronologyEntry.objects.values("person").annotate(n=Count("id")).order_by("-n").first()["n"] >= 300


@pytest.mark.parametrize(
    ("path_kind", "bound"), [("queue", 15), ("record", 19), ("chronology", 9), ("search", 12), ("dashboard", 13)]
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


@pytest.mark.parametrize(("page", "bound"), [("my_families", 15), ("plan", 19)])
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
