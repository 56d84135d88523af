"""Issue 14 item 2: the strategy discussion or meeting, started from the request or directly by an LCPP, about one
child or several siblings; attendees by agency; police and health present or a recorded reason; each agency's
information tagged by its source; the decision per child; the record shared with the attendees, with the time,
within the configured working days (deadline macpt.strategy_record)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AuditEvent,
    ChronologyEntry,
    Deadline,
    EpisodeLead,
    Involvement,
    InvolvementRole,
    LeadKind,
    Notification,
    WorkRequest,
)
from cases.services import work_request_create
from cases.workdays import LONDON
from macpt.models import MacptSettings, S47Enquiry, StrategyChild, StrategyDiscussion
from macpt.services.strategy import (
    RECORD_DEADLINE,
    strategy_absence_record,
    strategy_attendee_add,
    strategy_decide,
    strategy_discussion_start,
    strategy_information_add,
    strategy_information_update,
    strategy_record_share,
)
from tests.personas import agency

pytestmark = pytest.mark.django_db


def _row(discussion, person) -> StrategyChild:
    return StrategyChild.objects.select_related("discussion", "person").get(discussion=discussion, person=person)


def test_accepting_the_request_starts_the_discussion_for_the_siblings_and_the_lcpp_leads(
    family, lcpp, macpt, strategy_request, triage_officer
):
    """One discussion covers Mia and Leo; Leo's own open request is accepted with it, so nothing waits in the inbox
    for a discussion already held; the LCPP becomes the LCPP of both; the MACPT works with both children."""
    leo_request = work_request_create(
        kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
        person=family["leo"],
        actor=triage_officer,
        episode=family["episodes"]["Leo"],
        summary="Leo was present.",
    )
    discussion = strategy_discussion_start(
        actor=lcpp,
        team=macpt,
        children=[family["mia"], family["leo"]],
        held_at=timezone.now(),
        work_request=strategy_request,
    )
    assert discussion.work_request == strategy_request
    assert sorted(discussion.children.values_list("person_id", flat=True)) == sorted(
        [family["mia"].pk, family["leo"].pk]
    )
    for request in (strategy_request, leo_request):
        request.refresh_from_db()
        assert (request.status, request.handled_by) == (WorkRequest.Status.ACCEPTED, lcpp)
    for name in ("Mia", "Leo"):
        lead = EpisodeLead.objects.get(episode=family["episodes"][name], kind=LeadKind.LCPP, ended_at__isnull=True)
        assert lead.user == lcpp
    for child in (family["mia"], family["leo"]):
        assert Involvement.objects.active().filter(person=child, team=macpt, role=InvolvementRole.MACPT_MEMBER).exists()
        assert ChronologyEntry.objects.filter(person=child, kind="strategy_discussion", significant=True).exists()
    assert AuditEvent.objects.filter(verb="strategy_discussion.started", actor_id=lcpp.pk).exists()


def test_only_an_lcpp_chairs_a_discussion(family, fh_manager, police_officer, macpt):
    for actor in (fh_manager, police_officer):
        with pytest.raises(PermissionDenied):
            strategy_discussion_start(actor=actor, team=macpt, children=[family["mia"]], held_at=timezone.now())
    assert not StrategyDiscussion.objects.exists()


def test_the_decision_is_refused_until_police_and_health_took_part_or_the_reason_is_recorded(
    family, lcpp, macpt, police_officer
):
    discussion = strategy_discussion_start(actor=lcpp, team=macpt, children=[family["mia"]], held_at=timezone.now())
    strategy_attendee_add(discussion=discussion, actor=lcpp, user=police_officer)
    strategy_attendee_add(
        discussion=discussion, actor=lcpp, agency=agency("health"), name="Dr Hill, GP", attendance="apologies"
    )
    with pytest.raises(ValidationError) as refused:
        strategy_decide(child=_row(discussion, family["mia"]), actor=lcpp, decision="s47_joint", reason="Disclosure")
    assert "Health did not attend" in " ".join(refused.value.messages)
    assert not S47Enquiry.objects.exists()
    strategy_absence_record(
        discussion=discussion, actor=lcpp, health_reason="GP sent apologies; the named nurse was on leave."
    )
    enquiry = strategy_decide(
        child=_row(discussion, family["mia"]), actor=lcpp, decision="s47_joint", reason="Disclosure"
    )
    assert enquiry.joint_with_police and enquiry.started_at_discussion == discussion


def test_no_s47_needs_the_next_step_and_records_it(discussion, family, lcpp):
    with pytest.raises(ValidationError) as refused:
        strategy_decide(child=_row(discussion, family["leo"]), actor=lcpp, decision="no_s47", reason="Not harmed")
    assert "next_step" in refused.value.message_dict
    assert (
        strategy_decide(
            child=_row(discussion, family["leo"]),
            actor=lcpp,
            decision="no_s47",
            next_step="family_help",
            reason="Not harmed; support needed",
        )
        is None
    )
    row = _row(discussion, family["leo"])
    assert (row.decision, row.next_step) == ("no_s47", "family_help")
    assert not S47Enquiry.objects.filter(person=family["leo"]).exists()


def test_information_carries_the_tag_of_the_agency_that_shared_it(discussion, family, police_officer, health_member):
    police = strategy_information_add(
        discussion=discussion, actor=police_officer, text="Partner has a caution for assault.", person=family["mia"]
    )
    health = strategy_information_add(discussion=discussion, actor=health_member, text="Missed immunisations.")
    assert police.tags == ["police"] and police.agency.type == "police"
    assert health.tags == ["health"] and health.person is None


def test_a_police_officer_cannot_change_what_health_shared(discussion, police_officer, health_member):
    """Bad input (issue 14): a police user editing a health agency's item is refused with the reason; the item keeps
    what health wrote."""
    item = strategy_information_add(discussion=discussion, actor=health_member, text="Missed immunisations.")
    with pytest.raises(ValidationError) as refused:
        strategy_information_update(item=item, actor=police_officer, text="Changed by the police")
    assert "Only Test Community Health Trust can change" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.text == "Missed immunisations."
    strategy_information_update(item=item, actor=health_member, text="Missed two immunisations.")
    item.refresh_from_db()
    assert item.text == "Missed two immunisations."


def test_the_police_officer_page_post_on_a_health_item_shows_the_reason(
    client, discussion, police_officer, health_member
):
    item = strategy_information_add(discussion=discussion, actor=health_member, text="Missed immunisations.")
    client.force_login(police_officer)
    response = client.post(reverse("macpt:strategy_information_edit", args=[item.pk]), {"text": "Changed"})
    assert response.status_code == 200
    assert "Only Test Community Health Trust can change" in response.content.decode()
    item.refresh_from_db()
    assert item.text == "Missed immunisations."


def test_sharing_the_record_needs_every_decision_then_tells_the_attendees_with_the_time(
    discussion, family, lcpp, police_officer, health_member
):
    with pytest.raises(ValidationError) as refused:
        strategy_record_share(discussion=discussion, actor=lcpp)
    assert "decision for every child" in refused.value.messages[0]
    strategy_decide(child=_row(discussion, family["mia"]), actor=lcpp, decision="s47_joint", reason="Disclosure")
    strategy_decide(
        child=_row(discussion, family["leo"]), actor=lcpp, decision="no_s47", next_step="nfa", reason="Not involved"
    )
    shared_at = dt.datetime(2026, 3, 3, 11, 15, tzinfo=LONDON)
    with time_machine.travel(shared_at, tick=False):
        strategy_record_share(discussion=discussion, actor=lcpp)
    discussion.refresh_from_db()
    assert discussion.record_shared_at == shared_at
    told = Notification.objects.filter(kind="macpt.strategy_record_shared")
    assert sorted(n.user_id for n in told) == sorted([police_officer.pk, health_member.pk])
    assert all("Mia" not in n.title for n in told)
    deadline = Deadline.objects.get(kind=RECORD_DEADLINE, target_id=str(discussion.pk))
    assert deadline.state == Deadline.State.MET
    with pytest.raises(ValidationError):
        strategy_attendee_add(discussion=discussion, actor=lcpp, agency=agency("school"), name="Late")


def test_the_record_is_due_one_working_day_after_the_discussion_by_default_and_the_setting_moves_it(
    family, lcpp, macpt
):
    friday = dt.datetime(2026, 12, 18, 15, 0, tzinfo=LONDON)  # before Christmas: Monday 21st is the next working day
    with time_machine.travel(friday, tick=False):
        first = strategy_discussion_start(actor=lcpp, team=macpt, children=[family["mia"]], held_at=friday)
    due = Deadline.objects.get(kind=RECORD_DEADLINE, target_id=str(first.pk))
    assert due.due_at == dt.datetime(2026, 12, 21, 15, 0, tzinfo=LONDON)
    assert due.person_ids == [family["mia"].pk] and due.link == reverse("macpt:strategy", args=[first.pk])
    settings = MacptSettings.load()
    settings.strategy_record_working_days = 3
    settings.save()
    thursday = dt.datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)  # Christmas, Boxing Day (Monday 28th) off
    with time_machine.travel(thursday, tick=False):
        second = strategy_discussion_start(actor=lcpp, team=macpt, children=[family["leo"]], held_at=thursday)
    due = Deadline.objects.get(kind=RECORD_DEADLINE, target_id=str(second.pk))
    assert due.due_at == dt.datetime(2026, 12, 31, 10, 0, tzinfo=LONDON)


def test_the_record_pdf_holds_the_decisions_and_the_information_the_reader_may_read(
    client, discussion, family, lcpp, police_officer
):
    from io import BytesIO

    from pypdf import PdfReader

    strategy_information_add(discussion=discussion, actor=police_officer, text="Partner cautioned for assault.")
    strategy_decide(child=_row(discussion, family["mia"]), actor=lcpp, decision="s47_single", reason="Disclosure")
    client.force_login(lcpp)
    response = client.get(reverse("macpt:strategy_pdf", args=[discussion.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split())
    assert "Mia Okafor" in text and "Section 47 enquiry (single agency)" in text
    assert "Partner cautioned for assault." in text and "Police information" in text
    assert AuditEvent.objects.filter(verb="strategy_discussion.record_printed", actor_id=lcpp.pk).exists()


def test_an_fgdm_offer_as_the_next_step_hands_the_offer_to_the_childs_lead(discussion, family, lcpp):
    strategy_decide(
        child=_row(discussion, family["leo"]),
        actor=lcpp,
        decision="no_s47",
        next_step="fgdm_offer",
        reason="The wider family can help",
    )
    offer = WorkRequest.objects.get(kind=WorkRequest.Kind.FGDM_OFFER, person=family["leo"])
    assert offer.status == WorkRequest.Status.OPEN and offer.requested_by == lcpp
    assert (offer.source_type, offer.source_id) == ("macpt.strategydiscussion", str(discussion.pk))
    assert "The wider family can help" in offer.summary
