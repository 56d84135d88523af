"""Issue 16 item 2 on the generated `small` data set (the CI seed, 7): the census of each collection year has no
ERROR row from DfE's csc-validator-be-cin (nor from our module 5 checks); and the done-when test: a record broken on
purpose (an initial conference on a Saturday, written past the service that refuses it) is DfE's rule 8875 for that
child, named on the data-quality page with the link to the conference to fix."""

import datetime as dt

import pytest
from django.urls import reverse
from lxml import etree

from cases.models import Person, Role
from macpt.models import ChildProtectionConference
from reporting.models import DataQualityIssue, ReturnRun, RunKind, RunStatus
from reporting.tasks import build_return
from tests.factories import UserFactory

from .census_checks import census_bytes
from .validator_checks import YEARS, account, assert_no_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", YEARS)
def test_the_small_census_has_no_error_row_from_dfes_validator(small_dataset, year):
    result = assert_no_errors(year)
    print(f"small seed 7 {year}: {account(result)}")


def test_an_initial_conference_on_a_weekend_is_named_on_the_data_quality_page(small_dataset, client, council):
    # A child whose initial conference the 2025-26 census reports (Section47 DateOfInitialCPC), and that conference.
    root = etree.fromstring(census_bytes("2025-26")[0])
    section = next(s for s in root.iterfind(".//Section47") if s.findtext("DateOfInitialCPC"))
    la_child_id = section.getparent().getparent().findtext("ChildIdentifiers/LAchildID")
    held = dt.date.fromisoformat(section.findtext("DateOfInitialCPC"))
    child = Person.objects.get(la_child_id=la_child_id)
    conference = (
        ChildProtectionConference.objects.filter(enquiry__person=child, date=held)
        .exclude(kind=ChildProtectionConference.Kind.REVIEW)
        .get()
    )
    saturday = held - dt.timedelta(days=(held.weekday() - 5) % 7)
    # Written directly: the service refuses a conference on a weekend (the model's own help text names rule 8875).
    ChildProtectionConference.objects.filter(pk=conference.pk).update(date=saturday)

    manager = UserFactory(agency=council, roles=[Role.MANAGER])
    run = ReturnRun.objects.create(kind=RunKind.DRAFT_CENSUS, period="2025-26", purpose="test", requested_by=manager)
    run = build_return(run.pk)
    assert run.status == RunStatus.DONE, run.error
    issue = DataQualityIssue.objects.get(run=run, rule="8875")
    assert (issue.person_id, issue.kind, issue.table, issue.column, issue.value) == (
        child.pk,
        "Error",
        "Section47",
        "DateOfInitialCPC",
        saturday.isoformat(),
    )
    assert run.summary["errors_by_rule"]["8875"] == 1

    client.force_login(manager)
    html = client.get(reverse("reporting:data_quality"), {"show": "errors"}).content.decode()
    assert f"{child.first_name} {child.last_name}" in html
    assert 'data-rule="8875"' in html
    assert "The Date of Initial Child Protection Conference cannot be a weekend" in html
    assert reverse("macpt:conference", args=[conference.pk]) in html  # the field to fix, where it is kept
