"""Work requests have an owner, a clock and an inbox (issue 13 item 1), and an LCPP closes one with a reason, never
silently (item 2): due times per kind from the settings row, reminder and breach once each, accepting a strategy
discussion appoints the LCPP, handing back needs a reason that is kept and shown, scoping, and the Family Help
waiting list as the inbox's view for Family Help."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import policy
from cases.models import (
    AuditEvent,
    ChronologyEntry,
    Deadline,
    EpisodeLead,
    LeadKind,
    Notification,
    Role,
    WorkRequest,
    WorkRequestSettings,
)
from cases.selectors import work_request_inbox
from cases.services import (
    deadline_sweep,
    episode_set_lead,
    person_restrict,
    work_request_accept,
    work_request_close,
    work_request_create,
    work_request_hand_back,
    work_request_take,
)
from cases.workdays import LONDON
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = WorkRequest.Kind
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # an ordinary working Monday
FRIDAY_22 = dt.datetime(2026, 3, 6, 22, 0, tzinfo=LONDON)


def _make(kind, family, actor, *, child="mia", urgent=False):
    person = family[child]
    return work_request_create(
        kind=kind,
        person=person,
        actor=actor,
        summary="Bruising seen at school; father's new partner named",
        episode=family["episodes"][person.first_name],
        urgent=urgent,
    )


def _deadline(request: WorkRequest) -> Deadline:
    return Deadline.objects.get(target_type="cases.workrequest", target_id=str(request.pk))


def _page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


# --- the clock ---------------------------------------------------------------------------------------------------


def test_each_kind_is_due_by_its_setting_counted_in_working_time(family, triage_officer):
    with time_machine.travel(MONDAY_10, tick=False):
        due = {kind: _deadline(_make(kind, family, triage_officer)).due_at for kind in Kind.values}
    assert due[Kind.EMERGENCY_ACTION] == MONDAY_10 + dt.timedelta(hours=1)
    assert due[Kind.STRATEGY_DISCUSSION] == MONDAY_10 + dt.timedelta(hours=4)
    assert due[Kind.FAMILY_HELP_ALLOCATION] == dt.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)  # 5 working days
    assert due[Kind.FGDM_OFFER] == dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)  # 10 working days
    # Working hours skip the weekend (the front door's clock): 4 working hours from Friday 22:00 end Monday 02:00.
    with time_machine.travel(FRIDAY_22, tick=False):
        late = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    assert _deadline(late).due_at == dt.datetime(2026, 3, 9, 2, 0, tzinfo=LONDON)


def test_the_due_time_follows_the_admins_setting(family, triage_officer):
    settings = WorkRequestSettings.current()
    settings.strategy_discussion_hours = 2
    settings.strategy_discussion_reminder_minutes = 30
    settings.family_help_allocation_days = 3
    settings.full_clean()
    settings.save()
    with time_machine.travel(MONDAY_10, tick=False):
        strategy = _deadline(_make(Kind.STRATEGY_DISCUSSION, family, triage_officer))
        allocation = _deadline(_make(Kind.FAMILY_HELP_ALLOCATION, family, triage_officer))
    assert (strategy.due_at, strategy.warn_at) == (
        MONDAY_10 + dt.timedelta(hours=2),
        MONDAY_10 + dt.timedelta(hours=1, minutes=30),
    )
    assert allocation.due_at == dt.datetime(2026, 3, 5, 10, 0, tzinfo=LONDON)
    settings.strategy_discussion_reminder_minutes = 120  # not before it is due
    with pytest.raises(ValidationError):
        settings.full_clean()


def test_reminder_and_breach_each_go_once_to_the_receivers_and_link_to_the_request(family, triage_officer, lcpp):
    with time_machine.travel(MONDAY_10, tick=False):
        request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    deadline = _deadline(request)
    assert deadline.warn_at == MONDAY_10 + dt.timedelta(hours=3)  # an hour of working time left
    for _ in range(2):
        deadline_sweep(now=deadline.warn_at + dt.timedelta(minutes=1))
    for _ in range(2):
        deadline_sweep(now=deadline.due_at + dt.timedelta(minutes=1))
    sent = Notification.objects.filter(user=lcpp, kind__startswith="work_request.strategy_discussion.")
    assert sorted(n.kind for n in sent) == [
        "work_request.strategy_discussion.due_soon",
        "work_request.strategy_discussion.overdue",
    ]
    link = reverse("cases:work_request", args=[request.pk])
    assert {n.link for n in sent} == {link}
    assert not any("Mia" in n.title or "Okafor" in n.title for n in sent)  # a reference, never the child's name
    assert (
        ChronologyEntry.objects.filter(person=family["mia"], kind="work_request.strategy_discussion.breached").count()
        == 1
    )


def test_an_accepted_request_sends_no_reminder_or_breach(family, triage_officer, lcpp):
    with time_machine.travel(MONDAY_10, tick=False):
        request = _make(Kind.EMERGENCY_ACTION, family, triage_officer)
        work_request_take(request=request, actor=lcpp)  # macpt's emergency-action page takes it
    assert _deadline(request).state == Deadline.State.MET
    assert deadline_sweep(now=MONDAY_10 + dt.timedelta(hours=5)) == {"warned": 0, "breached": 0}


# --- accept, hand back, close ---------------------------------------------------------------------------------------


def test_accepting_a_strategy_discussion_makes_the_lcpp_the_childs_lcpp_and_says_so_in_the_chronology(
    family, triage_officer, lcpp
):
    request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    work_request_take(request=request, actor=lcpp)  # macpt's accept page takes it
    request.refresh_from_db()
    assert (request.status, request.handled_by) == (WorkRequest.Status.ACCEPTED, lcpp)
    lead = EpisodeLead.objects.get(episode=family["episodes"]["Mia"], kind=LeadKind.LCPP, ended_at__isnull=True)
    assert lead.user == lcpp
    accepted = ChronologyEntry.objects.get(person=family["mia"], kind="work_request.strategy_discussion.accepted")
    assert lcpp.full_name in accepted.summary and accepted.significant
    assert ChronologyEntry.objects.filter(person=family["mia"], kind="lead_practitioner").exists()
    assert AuditEvent.objects.filter(verb="work_request.accepted", actor_id=lcpp.pk).exists()


def test_accepting_a_strategy_discussion_tells_whoever_asked_and_the_childs_lead_who_is_now_the_lcpp(
    family, triage_officer, lcpp, sw_fhlp, fh_manager
):
    """A new lead is a safety-relevant change: the person who asked and the family's lead practitioner hear of it (the
    title names the request, never the child); the LCPP who accepted is not told of their own act."""
    from cases.models import Notification
    from cases.services import episode_set_lead

    episode_set_lead(episode=family["episodes"]["Mia"], actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    work_request_take(request=request, actor=lcpp)  # macpt's accept page takes it
    told = Notification.objects.filter(kind="work_request.accepted")
    assert sorted(n.user_id for n in told) == sorted([triage_officer.pk, sw_fhlp.pk])
    for note in told:
        assert "Mia" not in note.title and lcpp.full_name in note.body


def test_accepting_emergency_action_records_who_took_it_and_when(family, triage_officer, lcpp):
    request = _make(Kind.EMERGENCY_ACTION, family, triage_officer, urgent=True)
    with time_machine.travel(MONDAY_10, tick=False):
        work_request_take(request=request, actor=lcpp)  # macpt's emergency-action page takes it
    entry = ChronologyEntry.objects.get(person=family["mia"], kind="work_request.emergency_action.accepted")
    assert lcpp.full_name in entry.summary and entry.occurred_at == MONDAY_10


def test_only_a_receiver_accepts_and_a_strands_kind_is_accepted_on_its_own_page(
    family, triage_officer, sw_fhlp, fh_manager
):
    request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    with pytest.raises(PermissionDenied):
        work_request_accept(request=request, actor=sw_fhlp)
    with pytest.raises(ValidationError):  # Family Help allocates on its own page
        work_request_accept(request=family["request"], actor=fh_manager)


def test_handing_back_needs_a_reason_which_is_kept_shown_and_sent_to_whoever_asked(
    client, family, triage_officer, lcpp
):
    request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    with pytest.raises(ValidationError):
        work_request_hand_back(request=request, actor=lcpp, reason="   ")
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.OPEN
    reason = "A strategy discussion for Mia was held yesterday with the police"
    work_request_hand_back(request=request, actor=lcpp, reason=reason)
    request.refresh_from_db()
    assert (request.status, request.handled_reason) == (WorkRequest.Status.DECLINED, reason)
    assert _deadline(request).state == Deadline.State.CANCELLED
    page = _page(client, lcpp, "cases:work_request", request.pk)
    assert page.status_code == 200 and reason in page.content.decode()
    assert ChronologyEntry.objects.filter(person=family["mia"], summary__contains=reason).exists()
    told = Notification.objects.get(user=triage_officer, kind="work_request.declined")
    assert told.body == reason and "Mia" not in told.title


def test_the_hand_back_form_without_a_reason_says_what_to_do(client, family, triage_officer, lcpp):
    request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    client.force_login(lcpp)
    response = client.post(reverse("cases:work_request_hand_back", args=[request.pk]), {"hand_back-reason": ""})
    assert response.status_code == 200
    assert "Say why you are handing this request back" in response.content.decode()
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.OPEN


def test_an_lcpp_closes_a_request_with_a_reason_never_silently(family, triage_officer, lcpp):
    request = family["request"]  # any kind: e.g. made by a decision the manager then returned
    with pytest.raises(ValidationError):
        work_request_close(request=request, actor=lcpp, reason="")
    work_request_close(request=request, actor=lcpp, reason="The manager returned the decision")
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.CANCELLED
    assert request.handled_reason == "The manager returned the decision"
    assert _deadline(request).state == Deadline.State.CANCELLED
    assert ChronologyEntry.objects.filter(
        person=family["mia"], kind="work_request.family_help_allocation.cancelled", significant=True
    ).exists()
    assert AuditEvent.objects.filter(verb="work_request.cancelled", actor_id=lcpp.pk).exists()


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_the_roles_the_table_names_may_close_a_request(role, family, triage_officer, council):
    actor = UserFactory(agency=council, roles=[role])
    request = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    if role in policy.role_actions()[policy.CLOSE_WORK_REQUEST]:
        work_request_close(request=request, actor=actor, reason="Not needed")
        request.refresh_from_db()
        assert request.status == WorkRequest.Status.CANCELLED
    else:
        with pytest.raises(PermissionDenied):
            work_request_close(request=request, actor=actor, reason="Not needed")


# --- the inbox: scoped ---------------------------------------------------------------------------------------------


def test_the_inbox_lists_open_requests_with_due_time_and_rag_in_words(client, family, triage_officer, lcpp):
    with time_machine.travel(MONDAY_10, tick=False):
        overdue = _make(Kind.EMERGENCY_ACTION, family, triage_officer, urgent=True)
        soon = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer, child="leo")
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=3, minutes=30), tick=False):
        fresh = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
        page = _page(client, lcpp, "cases:work_requests")
    html = page.content.decode()
    assert page.status_code == 200
    cards = {
        r.pk: html.split(f'id="work-request-{r.pk}"')[1].split("govuk-summary-card__content")[1][:600]
        for r in (overdue, soon, fresh)
    }
    assert "Overdue" in cards[overdue.pk] and "Due soon" in cards[soon.pk] and "On time" in cards[fresh.pk]
    assert html.index(f"work-request-{overdue.pk}") < html.index(f"work-request-{soon.pk}")  # urgent first
    assert "Leo Okafor-Lewis" in html
    assert AuditEvent.objects.filter(verb="work_requests.viewed", actor_id=lcpp.pk).exists()


def test_a_user_who_cannot_see_the_child_does_not_see_the_request(
    client, family, triage_officer, lcpp, sw_fhlp, vcs_fhlp, privacy_officer
):
    offer = _make(Kind.FGDM_OFFER, family, triage_officer)
    # The FGDM offer goes to the child's lead practitioner(s) only (until the FGDM strand exists).
    episode_set_lead(episode=family["episodes"]["Mia"], actor=triage_officer, user=sw_fhlp, kind=LeadKind.FHLP)
    assert [r.pk for r in work_request_inbox(user=sw_fhlp)] == [offer.pk]
    assert list(work_request_inbox(user=vcs_fhlp)) == []
    assert _page(client, vcs_fhlp, "cases:work_request", offer.pk).status_code == 404
    # A restricted child: off the list, an LCPP sees that a request waits, never whose, and cannot open it.
    strategy = _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    person_restrict(person=family["mia"], actor=privacy_officer, reason="high_profile", access_users=[])
    assert strategy.pk not in {r.pk for r in work_request_inbox(user=lcpp)}
    page = _page(client, lcpp, "cases:work_requests").content.decode()
    assert "Restricted record" in page and "Mia" not in page
    assert _page(client, lcpp, "cases:work_request", strategy.pk).status_code == 404
    client.force_login(lcpp)
    assert client.post(reverse("cases:work_request_accept", args=[strategy.pk])).status_code == 404
    strategy.refresh_from_db()
    assert strategy.status == WorkRequest.Status.OPEN


@pytest.mark.parametrize("persona", ["partner_practitioner_user", "school_dsl", "police_officer"])
def test_the_inbox_is_not_there_for_those_who_receive_nothing(persona, client, request, council):
    user = (
        UserFactory(agency=council, roles=[Role.PARTNER_PRACTITIONER])
        if persona == "partner_practitioner_user"
        else request.getfixturevalue(persona)
    )
    assert _page(client, user, "cases:work_requests").status_code == 404


def test_the_family_help_waiting_list_lists_the_same_requests_as_the_inboxs_family_help_view(
    client, family, triage_officer, fh_manager
):
    urgent = _make(Kind.FAMILY_HELP_ALLOCATION, family, triage_officer, child="leo", urgent=True)
    _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)  # not Family Help's
    from family_help.selectors.allocation import allocation_requests

    waiting = [r.pk for r in allocation_requests(user=fh_manager)]
    assert waiting == [urgent.pk, family["request"].pk]
    assert waiting == [
        r.pk for r in work_request_inbox(user=fh_manager, kind=Kind.FAMILY_HELP_ALLOCATION, include_restricted=True)
    ]
    inbox = _page(client, fh_manager, "cases:work_requests", kind=Kind.FAMILY_HELP_ALLOCATION).content.decode()
    listed = _page(client, fh_manager, "family_help:allocations").content.decode()
    for pk in waiting:
        assert f'id="work-request-{pk}"' in inbox
        assert reverse("family_help:allocate", args=[pk]) in listed
    assert listed.count("On time") == 2  # each with its due time and RAG, as in the inbox


def test_the_home_page_counts_the_requests_waiting(client, family, triage_officer, lcpp):
    _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    client.force_login(lcpp)
    html = client.get(reverse("home")).content.decode()
    assert "1 request waiting for you to accept" in html
    assert reverse("cases:work_requests") in html


def test_the_front_doors_alert_to_the_lcpps_links_to_the_request(triage_officer, lcpp, make_person, levels):
    from front_door.services import contact_child_link, contact_create, decision_record

    child = make_person()
    contact, _ = contact_create(
        actor=triage_officer,
        data={
            "referrer_name": "Dee School",
            "source_code": "2A",
            "worry": "Bruising on both arms.",
            "categories": ["physical_abuse"],
            "consent": "knows_and_agrees",
        },
        children=[{"given_first_name": "Amelia", "given_last_name": "Hartley"}],
    )
    contact_child_link(contact_child=contact.children.get(), person=child, actor=triage_officer)
    decision_record(
        contact=contact, actor=triage_officer, outcome=1, level=levels["child_protection"], rationale="Injuries"
    )
    request = WorkRequest.objects.get(person=child, kind=Kind.STRATEGY_DISCUSSION)
    note = Notification.objects.get(user=lcpp, kind="work_request.strategy_discussion")
    assert note.link == reverse("cases:work_request", args=[request.pk])


def test_the_receivers_the_matrix_reads_agree_with_the_oracle():
    from cases.registry import registry
    from tests import oracle

    receivers = {r for k in registry.work_request_kinds() for r in k.receiving_roles}
    assert receivers | policy.role_actions()[policy.CLOSE_WORK_REQUEST] == oracle.WORK_REQUEST_RECEIVERS
    assert registry.work_request_kind(Kind.STRATEGY_DISCUSSION).receiving_roles == {oracle.LCPP}


def test_the_inbox_runs_the_same_queries_however_many_requests_wait(client, family, triage_officer, lcpp):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert _page(client, lcpp, "cases:work_requests").status_code == 200
        return len(seen)

    _make(Kind.STRATEGY_DISCUSSION, family, triage_officer)
    queries()  # warm the process's caches (scopes, registry)
    one = queries()
    for _ in range(3):
        _make(Kind.EMERGENCY_ACTION, family, triage_officer, child="leo")
    assert queries() == one
