"""The facilitator's caseload (issue 15 item 2): the referrals allocated to them, each with the family, the meeting
type, the stage, the next preparation step and the meeting date; exactly theirs; in the menu and on the home page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent
from fgdm.services.preparation import co_design_save
from fgdm.services.referrals import referral_allocate

pytestmark = pytest.mark.django_db


def test_the_caseload_shows_exactly_the_facilitators_own_referrals(
    client, allocated, other_family, fh_manager, facilitator, other_facilitator
):
    referral_allocate(referral=other_family["referral"], actor=fh_manager, facilitator=other_facilitator)
    co_design_save(
        referral=allocated,
        actor=facilitator,
        data={"venue": "Library", "meeting_planned_on": timezone.localdate() + dt.timedelta(days=10)},
    )
    client.force_login(facilitator)
    response = client.get(reverse("fgdm:caseload"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Okafor-Lewis" in page
    assert "Family network meeting" in page
    assert "Preparing" in page
    assert "Meeting with the referring professionals" in page  # the next step: none recorded yet
    assert (timezone.localdate() + dt.timedelta(days=10)).strftime("%-d %B %Y") in page
    assert "Brennan" not in page
    assert AuditEvent.objects.filter(verb="fgdm.caseload.viewed", actor_id=facilitator.pk).exists()
    client.force_login(other_facilitator)
    page = client.get(reverse("fgdm:caseload")).content.decode()
    assert "Brennan" in page and "Okafor-Lewis" not in page


def test_the_caseload_is_in_the_facilitators_menu_and_home_page(client, allocated, facilitator):
    client.force_login(facilitator)
    home = client.get(reverse("home")).content.decode()
    assert reverse("fgdm:caseload") in home
    assert "fgdm-caseload-panel" in home


def test_the_caseload_is_not_there_for_a_lead_practitioner(client, sw_fhlp):
    client.force_login(sw_fhlp)
    assert client.get(reverse("fgdm:caseload")).status_code == 404


def test_the_caseload_reads_the_same_number_of_queries_however_many_families(
    client, allocated, led_family, sw_fhlp, fh_manager, facilitator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fgdm.models import MeetingType
    from fgdm.services.referrals import referral_create
    from tests.fgdm.facilitation_support import accepted_offer

    client.force_login(facilitator)
    client.get(reverse("fgdm:caseload"))  # warm the per-process caches (scope, registry)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fgdm:caseload"))
    for _ in range(2):
        offer = accepted_offer(children=[led_family["mia"]], family_case=led_family["case"], offered_by=sw_fhlp)
        more = referral_create(offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE, reason="x")
        referral_allocate(referral=more, actor=fh_manager, facilitator=facilitator)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("fgdm:caseload")).content.decode()
    assert page.count("Family group conference") == 2
    assert len(three) == len(one), [q["sql"][:120] for q in three.captured_queries]


def test_the_referral_hand_off_opens_on_the_allocation_page(client, referral, fh_manager):
    client.force_login(fh_manager)
    page = client.get(reverse("cases:work_request", args=[referral.work_request_id])).content.decode()
    assert reverse("fgdm:allocate", args=[referral.work_request_id]) in page
