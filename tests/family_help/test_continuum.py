"""The continuum of need on the same episode: change of level, step up to child protection (a strategy
discussion request and the LCPPs told once), step down, closure (the plan closes, the lead's and the team's
access ends), visits and notes in the Family Help strand, and the family page's panel. Services and pages."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import (
    AuditEvent,
    CaseNote,
    ChronologyEntry,
    CinPlanPeriod,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    Involvement,
    InvolvementRole,
    LeadKind,
    Notification,
    Plan,
    Role,
    Strand,
    TafMember,
    WorkRequest,
)
from cases.permissions import person_scope
from cases.services import work_request_create
from cases.services.plans import plan_start
from family_help.models import Allocation
from family_help.selectors import family_case_get_for_user
from family_help.selectors.continuum import continuum_state
from family_help.services.continuum import (
    continuum_change_level,
    continuum_close,
    continuum_step_down,
    continuum_step_up,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture
def plan(allocated, sw_fhlp):
    return plan_start(
        family_case=allocated["case"],
        actor=sw_fhlp,
        data={"worries": "Rent arrears and Mia missing school", "working_well": "Grace is engaged"},
    )


@pytest.fixture
def lcpps(council):
    return [
        UserFactory(email=f"lcpp{n}@continuum.test", full_name=f"Lee Lcpp {n}", agency=council, roles=[Role.LCPP])
        for n in (1, 2)
    ]


def levels_of(episode) -> list[str]:
    return list(
        EpisodeLevel.objects.filter(episode=episode).order_by("started_at", "id").values_list("level__code", flat=True)
    )


def page(response) -> str:
    return response.content.decode()


# --- the continuum on one episode ------------------------------------------------------------------------------


def test_step_up_then_step_down_keeps_one_episode_with_its_full_level_history(plan, allocated, sw_fhlp, lcpps):
    case, mia = allocated["case"], allocated["mia"]
    episode = allocated["episodes"]["Mia"]

    continuum_change_level(
        family_case=case,
        actor=sw_fhlp,
        children=[mia],
        to="child_in_need",
        reason="Assessment shows Mia's needs are complex",
        referral_source="8",
    )
    first = CinPlanPeriod.objects.get(episode=episode)
    assert first.end_date is None and first.plan == plan

    requests = continuum_step_up(
        family_case=case,
        actor=sw_fhlp,
        children=[mia],
        worry="Mia disclosed that mum's partner hit her",
        reason="Likely significant harm",
        referral_source="8",
    )
    first.refresh_from_db()
    # A strategy discussion is not a CP plan: the CIN plan runs on until one starts (census 4001/4014; issue 13
    # item 9), which the child protection strand records through the shared record.
    assert first.end_date is None

    # Stepping down from child protection is the LCPP's (issue 13 item 6).
    continuum_step_down(
        family_case=case,
        actor=lcpps[0],
        children=[mia],
        to="child_in_need",
        reason="Strategy discussion: s47 not needed, continue under s17",
    )
    continuum_step_down(
        family_case=case,
        actor=sw_fhlp,
        children=[mia],
        to="early_help",
        reason="Plan outcomes met; early help enough",
        reason_code="RC7",
    )

    assert Episode.objects.filter(person=mia).count() == 1
    assert levels_of(episode) == [
        "targeted_early_help",
        "child_in_need",
        "child_protection",
        "child_in_need",
        "targeted_early_help",
    ]
    periods = list(CinPlanPeriod.objects.filter(episode=episode).order_by("start_date", "id"))
    assert len(periods) == 1  # one CIN plan through the strategy discussion, ended by the step down to early help
    assert all(p.end_date == timezone.localdate() for p in periods)
    # The strategy discussion was asked for, once, carrying what the record already knew.
    assert len(requests) == 1
    request = WorkRequest.objects.get(kind=WorkRequest.Kind.STRATEGY_DISCUSSION)
    assert request.episode == episode and request.person == mia
    assert request.source_type == "cases.episode" and request.source_id == str(episode.pk)
    for fact in (
        "Okafor-Lewis family",
        "mum's partner hit her",
        "Sol Social",
        "Rent arrears",
        "Grace Okafor",
        "Leo Okafor-Lewis",
    ):
        assert fact in request.summary
    for lcpp in lcpps:
        assert Notification.objects.filter(user=lcpp, kind="family_help.step_up").count() == 1
    # The lead practitioner stayed with the family throughout.
    assert EpisodeLead.objects.get(episode=episode, kind=LeadKind.FHLP, ended_at__isnull=True).user == sw_fhlp
    assert Allocation.objects.get(family_case=case, ended_at__isnull=True).lead == sw_fhlp
    kinds = set(ChronologyEntry.objects.filter(person=mia, strand=Strand.FAMILY_HELP).values_list("kind", flat=True))
    assert {"level_changed", "step_up", "step_down"} <= kinds
    assert AuditEvent.objects.filter(verb="family_help.stepped_up", child_ids=[mia.pk]).count() == 1


def test_a_second_step_up_is_refused_and_tells_nobody_again(allocated, sw_fhlp, lcpps):
    case, mia = allocated["case"], allocated["mia"]
    continuum_step_up(
        family_case=case, actor=sw_fhlp, children=[mia], worry="Injury", reason="Harm", referral_source="8"
    )
    with pytest.raises(Exception, match="already at"):
        continuum_step_up(
            family_case=case, actor=sw_fhlp, children=[mia], worry="Injury", reason="Harm", referral_source="8"
        )
    assert WorkRequest.objects.filter(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).count() == 1
    assert Notification.objects.filter(kind="family_help.step_up").count() == len(lcpps)


def test_step_up_of_two_children_makes_a_request_each_and_one_notification_per_lcpp(allocated, sw_fhlp, lcpps):
    case = allocated["case"]
    requests = continuum_step_up(
        family_case=case,
        actor=sw_fhlp,
        children=[allocated["mia"], allocated["leo"]],
        worry="Both children left alone overnight",
        reason="Neglect",
        urgent=True,
        referral_source="8",
    )
    assert {r.person_id for r in requests} == {allocated["mia"].pk, allocated["leo"].pk}
    assert all(r.urgent for r in requests)
    assert Notification.objects.filter(kind="family_help.step_up").count() == len(lcpps)
    note = Notification.objects.filter(kind="family_help.step_up").first()
    # It reaches every LCPP, on or off a restricted record's list: no child's name, not the worry (finding 7).
    assert "Urgent" in note.title and "2 children" in note.title
    assert "Mia" not in note.title and "Leo" not in note.title and "left alone" not in note.body
    # Two children, two requests: the link opens the LCPPs' strategy-discussion inbox, where both wait.
    assert note.link == reverse("cases:work_requests") + "?kind=strategy_discussion"


def test_step_down_from_child_protection_accepts_the_macpt_hand_back(plan, allocated, sw_fhlp, lcpps):
    case, mia = allocated["case"], allocated["mia"]
    continuum_step_up(
        family_case=case, actor=sw_fhlp, children=[mia], worry="Injury", reason="Harm", referral_source="8"
    )
    hand_back = work_request_create(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
        person=mia,
        actor=lcpps[0],
        episode=allocated["episodes"]["Mia"],
        summary="MACPT hands back: no CP plan",
    )
    continuum_step_down(
        family_case=case, actor=lcpps[0], children=[mia], to="child_in_need", reason="ICPC: no plan needed"
    )
    hand_back.refresh_from_db()
    assert hand_back.status == WorkRequest.Status.ACCEPTED
    # The untaken strategy discussion is no longer wanted.
    assert not WorkRequest.objects.filter(
        kind=WorkRequest.Kind.STRATEGY_DISCUSSION, status=WorkRequest.Status.OPEN
    ).exists()
    assert CinPlanPeriod.objects.get(episode=allocated["episodes"]["Mia"], end_date__isnull=True)


def test_step_down_to_universal_closes_the_episode_with_its_reason(allocated, sw_fhlp):
    case, leo = allocated["case"], allocated["leo"]
    continuum_step_down(
        family_case=case,
        actor=sw_fhlp,
        children=[leo],
        to="universal",
        reason="Nursery place",
        reason_code="RC7",
        summary="Leo settled at nursery; health visitor continues",
    )
    episode = Episode.objects.get(person=leo)
    assert episode.closed_on == timezone.localdate() and episode.closure_reason == "RC7"
    assert levels_of(episode) == ["targeted_early_help", "universal"]
    # Mia is still open, so the family keeps its lead.
    assert Allocation.objects.filter(family_case=case, ended_at__isnull=True).exists()


def test_step_down_to_universal_needs_a_reason_code_and_summary(allocated, sw_fhlp):
    with pytest.raises(ValidationError) as info:
        continuum_step_down(
            family_case=allocated["case"],
            actor=sw_fhlp,
            children=[allocated["leo"]],
            to="universal",
            reason="Nursery place",
        )
    assert set(info.value.message_dict) == {"reason_code", "summary"}
    assert Episode.objects.get(person=allocated["leo"]).closed_on is None


def test_change_level_needs_the_right_starting_level(allocated, sw_fhlp):
    case, mia = allocated["case"], allocated["mia"]
    continuum_step_up(
        family_case=case, actor=sw_fhlp, children=[mia], worry="Injury", reason="Harm", referral_source="8"
    )
    with pytest.raises(ValidationError) as info:
        continuum_change_level(
            family_case=case, actor=sw_fhlp, children=[mia], to="early_help", reason="x", reason_code="RC7"
        )
    assert "children" in info.value.message_dict


def test_a_dated_change_starts_the_cin_plan_on_that_date(plan, allocated, sw_fhlp):
    episode = allocated["episodes"]["Mia"]
    EpisodeLevel.objects.filter(episode=episode).update(started_at=timezone.now() - dt.timedelta(days=30))
    on = timezone.localdate() - dt.timedelta(days=3)
    continuum_change_level(
        family_case=allocated["case"],
        actor=sw_fhlp,
        children=[allocated["mia"]],
        to="child_in_need",
        reason="Late entry",
        changed_on=on,
        referral_source="8",
    )
    assert CinPlanPeriod.objects.get(episode=episode).start_date == on
    assert timezone.localtime(EpisodeLevel.objects.get(episode=episode, ended_at__isnull=True).started_at).date() == on


def test_a_change_dated_in_the_future_is_refused(allocated, sw_fhlp):
    with pytest.raises(ValidationError) as info:
        continuum_change_level(
            family_case=allocated["case"],
            actor=sw_fhlp,
            children=[allocated["mia"]],
            to="child_in_need",
            reason="x",
            changed_on=timezone.localdate() + dt.timedelta(days=1),
            referral_source="8",
        )
    assert "changed_on" in info.value.message_dict


def test_a_taf_member_cannot_move_the_family(allocated, taf_health):
    from django.core.exceptions import PermissionDenied

    episode = allocated["episodes"]["Mia"]
    before = levels_of(episode)
    with pytest.raises(PermissionDenied):
        continuum_step_up(
            family_case=allocated["case"],
            actor=taf_health,
            children=[allocated["mia"]],
            worry="x",
            reason="y",
            referral_source="8",
        )
    assert levels_of(episode) == before == ["targeted_early_help"]


# --- closure ---------------------------------------------------------------------------------------------------


def test_closing_the_last_child_closes_the_plan_and_ends_the_leads_and_teams_access(
    plan, allocated, sw_fhlp, taf_health, client
):
    case, mia, leo = allocated["case"], allocated["mia"], allocated["leo"]
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="child_in_need", reason="s17", referral_source="8"
    )
    client.force_login(sw_fhlp)
    assert client.get(reverse("family_help:close", args=[case.pk])).status_code == 200
    today = timezone.localdate()
    response = client.post(
        reverse("family_help:close", args=[case.pk]),
        {
            "children": [mia.pk, leo.pk],
            "reason_code": "RC7",
            "summary": "Outcomes met: rent paid, Mia attending",
            "closed_on_day": today.day,
            "closed_on_month": today.month,
            "closed_on_year": today.year,
            "state": continuum_state(family_case=case),
        },
    )
    # The lead can no longer open the family, so they go back to their list rather than to a missing page.
    assert response.status_code == 302 and response["Location"] == reverse("family_help:my_families")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED and plan.closed_on == today
    assert Allocation.objects.get(family_case=case).ended_at is not None
    assert not CinPlanPeriod.objects.filter(episode__family_case=case, end_date__isnull=True).exists()
    assert TafMember.objects.get(family_case=case).removed_at is not None
    assert not Involvement.objects.filter(
        person__in=[mia, leo],
        end_date__isnull=True,
        role__in=[InvolvementRole.TAF_MEMBER, InvolvementRole.LEAD_PRACTITIONER],
    ).exists()
    # Access ends on the next request: the lead and the health visitor see neither child nor the family now.
    for user in (sw_fhlp, taf_health):
        assert not person_scope(user).filter(pk__in=[mia.pk, leo.pk]).exists()
        with pytest.raises(Http404):
            family_case_get_for_user(user=user, family_case_id=case.pk)
    assert client.get(reverse("cases:person_detail", args=[mia.pk])).status_code == 404
    assert client.get(reverse("family_help:close", args=[case.pk])).status_code == 404
    assert ChronologyEntry.objects.filter(person=leo, strand=Strand.FAMILY_HELP, kind="closed").exists()
    assert AuditEvent.objects.filter(verb="family_help.family_closed").count() == 1


def test_closing_one_child_leaves_the_family_open(plan, allocated, sw_fhlp):
    case = allocated["case"]
    continuum_close(
        family_case=case, actor=sw_fhlp, children=[allocated["leo"]], reason_code="RC7", summary="Leo no longer in need"
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    assert Allocation.objects.get(family_case=case, ended_at__isnull=True).lead == sw_fhlp
    assert Episode.objects.get(person=allocated["mia"]).closed_on is None


@pytest.mark.parametrize(
    ("values", "field_error", "kept"),
    [
        (
            {"reason_code": "RC0", "summary": "All goals met, family thriving"},
            "Choose a reason for closure (RC1 to RC9)",
            "All goals met, family thriving",
        ),
        ({"reason_code": "RC7", "summary": ""}, "Enter the closure summary", '<option value="RC7" selected>'),
    ],
)
def test_closure_with_a_bad_reason_code_or_no_summary_shows_field_errors_and_keeps_what_was_entered(
    allocated, sw_fhlp, client, values, field_error, kept
):
    case = allocated["case"]
    client.force_login(sw_fhlp)
    response = client.post(
        reverse("family_help:close", args=[case.pk]),
        {
            "children": [allocated["mia"].pk],
            "closed_on_day": "2",
            "closed_on_month": "12",
            "closed_on_year": "2025",
            "state": continuum_state(family_case=case),
            **values,
        },
    )
    body = page(response)
    assert response.status_code == 200
    assert "There is a problem" in body and escape(field_error) in body
    assert kept in body
    assert 'value="2025"' in body  # the date as typed
    assert "govuk-form-group--error" in body
    assert Episode.objects.filter(family_case=case, closed_on__isnull=False).count() == 0


@pytest.mark.parametrize(("shift", "message"), [(1, "today or in the past"), (-4000, "cannot be earlier")])
def test_closure_date_in_the_future_or_before_opening_is_refused(allocated, sw_fhlp, shift, message):
    with pytest.raises(ValidationError) as info:
        continuum_close(
            family_case=allocated["case"],
            actor=sw_fhlp,
            children=[allocated["mia"]],
            reason_code="RC7",
            summary="x",
            closed_on=timezone.localdate() + dt.timedelta(days=shift),
        )
    assert message in " ".join(info.value.message_dict["closed_on"])


# --- pages ------------------------------------------------------------------------------------------------------


def test_step_up_page_asks_the_macpt_and_redirects_to_the_family(allocated, sw_fhlp, lcpps, client):
    case = allocated["case"]
    client.force_login(sw_fhlp)
    form = client.get(reverse("family_help:step_up", args=[case.pk]))
    assert form.status_code == 200 and "2 lead child protection practitioners" in page(form)
    assert AuditEvent.objects.filter(verb="family_help.step_up_form_viewed", kind="read").count() == 1
    response = client.post(
        reverse("family_help:step_up", args=[case.pk]),
        {
            "children": [allocated["leo"].pk],
            "worry": "Leo found alone at home",
            "referral_source": "8",
            "reason": "Risk of harm",
            "state": continuum_state(family_case=case),
        },
    )
    assert response.status_code == 302
    assert WorkRequest.objects.get(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).person == allocated["leo"]


def test_step_up_page_without_a_worry_keeps_the_reason_and_says_what_is_missing(allocated, sw_fhlp, client):
    case = allocated["case"]
    client.force_login(sw_fhlp)
    response = client.post(
        reverse("family_help:step_up", args=[case.pk]),
        {
            "children": [allocated["leo"].pk],
            "worry": "",
            "reason": "Escalating neglect at home",
            "state": continuum_state(family_case=case),
        },
    )
    body = page(response)
    assert response.status_code == 200 and "Say what the worry is" in body
    assert "Escalating neglect at home" in body
    assert re.search(rf'value="{allocated["leo"].pk}"[^>]*checked', body)
    assert not WorkRequest.objects.filter(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).exists()


def test_a_change_made_meanwhile_by_someone_else_is_refused_with_a_message(allocated, sw_fhlp, fh_manager, client):
    case, mia = allocated["case"], allocated["mia"]
    client.force_login(sw_fhlp)
    stale = continuum_state(family_case=case)
    continuum_change_level(
        family_case=case, actor=fh_manager, children=[mia], to="child_in_need", reason="Manager", referral_source="8"
    )
    response = client.post(
        reverse("family_help:change_level", args=[case.pk]),
        {"children": [mia.pk], "to": "early_help", "reason": "My view: early help is enough", "state": stale},
    )
    body = page(response)
    assert response.status_code == 200
    assert "Someone else changed this family" in body and "My view: early help is enough" in body
    assert levels_of(allocated["episodes"]["Mia"])[-1] == "child_in_need"
    # The form now carries the current state, so a deliberate second save goes through.
    assert f'value="{continuum_state(family_case=case)}"' in body


def test_change_level_page_moves_a_child_to_child_in_need(plan, allocated, sw_fhlp, client):
    case, leo = allocated["case"], allocated["leo"]
    client.force_login(sw_fhlp)
    response = client.post(
        reverse("family_help:change_level", args=[case.pk]),
        {
            "children": [leo.pk],
            "to": "child_in_need",
            "reason": "Developmental delay needs s17 support",
            "referral_source": "3B",
            "state": continuum_state(family_case=case),
        },
    )
    assert response.status_code == 302
    assert CinPlanPeriod.objects.get(episode=allocated["episodes"]["Leo"]).end_date is None


def test_step_down_page_to_universal_without_closure_details_shows_errors(allocated, sw_fhlp, client):
    case = allocated["case"]
    client.force_login(sw_fhlp)
    response = client.post(
        reverse("family_help:step_down", args=[case.pk]),
        {
            "children": [allocated["leo"].pk],
            "to": "universal",
            "reason": "Doing well",
            "state": continuum_state(family_case=case),
        },
    )
    body = page(response)
    assert response.status_code == 200
    assert "Choose a reason for closure (RC1 to RC9)" in body and "Enter the closure summary" in body
    assert "Doing well" in body


def test_a_taf_member_has_no_continuum_pages(allocated, taf_health, client):
    client.force_login(taf_health)
    for name in ("change_level", "step_up", "step_down", "close"):
        assert client.get(reverse(f"family_help:{name}", args=[allocated["case"].pk])).status_code == 404


def test_out_of_scope_users_get_404_on_every_continuum_page(allocated, vcs_fhlp, client):
    case = allocated["case"]
    client.force_login(vcs_fhlp)
    for name in ("change_level", "step_up", "step_down", "close", "note_add"):
        url = reverse(f"family_help:{name}", args=[case.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"children": [allocated["mia"].pk], "reason": "x"}).status_code == 404, name
    assert not Episode.objects.filter(family_case=case, closed_on__isnull=False).exists()


# --- visits and notes -----------------------------------------------------------------------------------------


def test_a_visit_recorded_from_the_family_goes_in_the_family_help_strand_and_the_chronology(allocated, sw_fhlp, client):
    case, mia = allocated["case"], allocated["mia"]
    client.force_login(sw_fhlp)
    form = client.get(reverse("family_help:note_add", args=[case.pk]) + "?kind=visit")
    assert form.status_code == 200 and re.search(r'value="visit"[^>]*checked', page(form))
    today = timezone.localdate()
    response = client.post(
        reverse("family_help:note_add", args=[case.pk]),
        {
            "child": mia.pk,
            "kind": "visit",
            "occurred_on_day": today.day,
            "occurred_on_month": today.month,
            "occurred_on_year": today.year,
            "subject": "Home visit",
            "body": "Mia showed me her room.",
            "child_seen": "yes",
            "child_seen_alone": "yes",
            "action": "final",
        },
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(person=mia)
    assert note.strand == Strand.FAMILY_HELP and note.status == CaseNote.Status.FINAL
    assert note.child_seen and note.child_seen_alone and note.episode == allocated["episodes"]["Mia"]
    entry = ChronologyEntry.objects.get(person=mia, kind="case_note_visit")
    assert entry.strand == Strand.FAMILY_HELP and "Child seen alone" in entry.summary


def test_a_visit_without_saying_whether_the_child_was_seen_is_refused_with_input_kept(allocated, sw_fhlp, client):
    client.force_login(sw_fhlp)
    today = timezone.localdate()
    response = client.post(
        reverse("family_help:note_add", args=[allocated["case"].pk]),
        {
            "child": allocated["leo"].pk,
            "kind": "visit",
            "occurred_on_day": today.day,
            "occurred_on_month": today.month,
            "occurred_on_year": today.year,
            "subject": "Door not answered",
            "body": "Nobody home at 10am.",
            "action": "final",
        },
    )
    body = page(response)
    assert response.status_code == 200 and "Say whether the child was seen on this visit" in body
    assert "Door not answered" in body and "Nobody home at 10am." in body
    assert not CaseNote.objects.exists()


# --- the panel on the family page -----------------------------------------------------------------------------


def render_panel(family_case, user) -> str:
    return Template("{% load fh_continuum %}{% fh_continuum_panel family_case user %}").render(
        Context({"family_case": family_case, "user": user})
    )


def test_the_panel_shows_each_childs_level_history_cin_plan_and_visits(plan, allocated, sw_fhlp, client):
    case, mia = allocated["case"], allocated["mia"]
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="child_in_need", reason="Complex needs", referral_source="8"
    )
    client.force_login(sw_fhlp)
    today = timezone.localdate()
    client.post(
        reverse("family_help:note_add", args=[case.pk]),
        {
            "child": mia.pk,
            "kind": "visit",
            "occurred_on_day": today.day,
            "occurred_on_month": today.month,
            "occurred_on_year": today.year,
            "subject": "After-school visit",
            "body": "Seen with mum.",
            "child_seen": "yes",
            "child_seen_alone": "no",
            "action": "final",
        },
    )
    html = render_panel(case, sw_fhlp)
    assert "Level history for Mia Okafor-Lewis" in html and "Complex needs" in html
    assert f"{today:%-d %b %Y} to now" in html
    assert "After-school visit" in html and "Seen, not alone" in html
    assert reverse("family_help:step_up", args=[case.pk]) in html
    assert reverse("family_help:note_add", args=[case.pk]) in html


def test_the_panel_offers_a_taf_member_no_continuum_actions(allocated, taf_health):
    """The family page is not theirs (the summary level: cases.policy); the panel alone shows them nothing either."""
    html = render_panel(allocated["case"], taf_health)
    assert "Level history for Mia Okafor-Lewis" not in html
    assert reverse("family_help:step_up", args=[allocated["case"].pk]) not in html
    assert reverse("family_help:close", args=[allocated["case"].pk]) not in html


def test_the_panels_queries_do_not_grow_with_the_history(allocated, sw_fhlp, django_assert_max_num_queries):
    case, mia, leo = allocated["case"], allocated["mia"], allocated["leo"]
    with django_assert_max_num_queries(40) as small:
        render_panel(case, sw_fhlp)
    for reason in ("one", "two"):
        continuum_change_level(
            family_case=case, actor=sw_fhlp, children=[mia, leo], to="child_in_need", reason=reason, referral_source="8"
        )
        continuum_change_level(
            family_case=case, actor=sw_fhlp, children=[mia, leo], to="early_help", reason=reason, reason_code="RC7"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        render_panel(case, sw_fhlp)


def test_closing_the_family_cancels_its_assessment_timescale_but_closing_one_child_does_not(allocated, sw_fhlp):
    from cases.models import Deadline
    from family_help.services.assessment import assessment_start

    case = allocated["case"]
    assessment_start(family_case=case, actor=sw_fhlp)
    deadline = Deadline.objects.get(kind="family_help.assessment")
    continuum_close(family_case=case, actor=sw_fhlp, children=[allocated["leo"]], reason_code="RC7", summary="Leo ok")
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.OPEN  # Mia's assessment still runs
    continuum_close(family_case=case, actor=sw_fhlp, children=[allocated["mia"]], reason_code="RC7", summary="Done")
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.CANCELLED
