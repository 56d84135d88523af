"""The Family Help plan: starting it, outcomes and actions with their field errors, reviews that freeze a new
version each time (earlier versions stay readable, with their ratings and text), who may change what, stale
saves refused with what changed shown, and the plan page's cost."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import (
    Action,
    ActionStatus,
    AuditEvent,
    ChronologyEntry,
    InvolvementRole,
    Outcome,
    OutcomeRating,
    Plan,
    PlanVersion,
    Review,
    Role,
    Strand,
)
from cases.services import involvement_add
from cases.services.plans import action_add, outcome_add, plan_update, review_add, taf_add
from tests.factories import UserFactory
from tests.family_help.plan_support import NOTES, WORRIES

pytestmark = pytest.mark.django_db


def _date_fields(name: str, value: dt.date) -> dict:
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def _plan_url(case, name="plan", *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


# --- starting the plan -----------------------------------------------------------------------------------------


def test_lead_starts_the_plan_and_version_one_is_frozen(client, led_family):
    case, lead = led_family["case"], led_family["lead"]
    client.force_login(lead)
    assert client.get(_plan_url(case, "plan_start")).status_code == 200
    response = client.post(_plan_url(case, "plan_start"), {"worries": WORRIES, "professional_notes": NOTES})
    assert response.status_code == 302
    plan = Plan.objects.get(family_case=case)
    # No date given: the usual gap between reviews.
    assert plan.next_review_on == timezone.localdate() + dt.timedelta(days=90)
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1 and version.snapshot["plan"]["worries"] == WORRIES
    assert AuditEvent.objects.filter(verb="family_help.plan_started", actor_id=lead.pk).exists()
    assert ChronologyEntry.objects.filter(
        person=led_family["mia"], strand=Strand.FAMILY_HELP, kind="plan_started"
    ).exists()


def test_a_manager_may_start_the_plan_but_a_partner_practitioner_may_not(
    client, led_family, fh_manager, health_practitioner
):
    case = led_family["case"]
    involvement_add(
        person=led_family["mia"], actor=fh_manager, role=InvolvementRole.TAF_MEMBER, user=health_practitioner
    )
    client.force_login(health_practitioner)
    assert client.get(_plan_url(case, "plan")).status_code == 200  # can see the family
    assert client.get(_plan_url(case, "plan_start")).status_code == 404
    assert client.post(_plan_url(case, "plan_start"), {"worries": "x"}).status_code == 404
    client.force_login(fh_manager)
    assert client.post(_plan_url(case, "plan_start"), {"worries": "x"}).status_code == 302
    assert Plan.objects.filter(family_case=case, created_by=fh_manager).exists()


def test_plan_pages_are_not_found_out_of_scope(client, plan, led_family, health_fhlp):
    client.force_login(health_fhlp)  # a lead practitioner, but not this family's
    case = led_family["case"]
    for url in (
        _plan_url(case),
        _plan_url(case, "plan_edit"),
        _plan_url(case, "taf"),
        _plan_url(case, "plan_version", 1),
        _plan_url(case, "plan_pdf"),
        _plan_url(case, "plan_family_pdf"),
    ):
        assert client.get(url).status_code == 404, url


def test_next_review_in_the_past_is_a_field_error_with_everything_kept(client, led_family):
    case = led_family["case"]
    client.force_login(led_family["lead"])
    past = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        _plan_url(case, "plan_start"),
        {"worries": WORRIES, "professional_notes": NOTES, **_date_fields("next_review_on", past)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The next review date must be today or in the future" in html
    assert 'href="#id_next_review_on_day"' in html
    assert escape(WORRIES) in html and escape(NOTES) in html and f'value="{past.year}"' in html
    assert not Plan.objects.filter(family_case=case).exists()


# --- outcomes and actions --------------------------------------------------------------------------------------


def test_outcome_without_a_measure_is_a_field_error_with_everything_kept(client, plan, led_family):
    case = led_family["case"]
    client.force_login(led_family["lead"])
    before = Outcome.objects.count()
    response = client.post(
        _plan_url(case, "outcome_add"),
        {
            "child": led_family["mia"].pk,
            "what_will_be_different": "Mia has a trusted adult at school",
            "measure": "",
            "scale_max": "10",
            "baseline": "2",
            "target": "7",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say how you will measure this outcome" in html
    assert 'href="#id_measure"' in html and "govuk-textarea--error" in html
    assert "Mia has a trusted adult at school" in html and 'value="7"' in html
    assert Outcome.objects.count() == before


def test_outcome_service_refuses_a_missing_measure_and_ratings_off_the_scale(plan, led_family):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        outcome_add(
            plan=plan,
            actor=led_family["lead"],
            data={
                "child": led_family["mia"],
                "what_will_be_different": "x",
                "measure": "  ",
                "baseline": 1,
                "target": 5,
            },
        )
    assert "measure" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outcome_add(
            plan=plan,
            actor=led_family["lead"],
            data={
                "child": led_family["mia"],
                "what_will_be_different": "x",
                "measure": "y",
                "scale_max": 5,
                "baseline": 1,
                "target": 7,
            },
        )
    assert exc.value.message_dict["target"] == ["The target must be between 0 and 5"]


def test_action_without_an_owner_is_a_field_error_with_everything_kept(client, plan, led_family):
    case = led_family["case"]
    client.force_login(led_family["lead"])
    due = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(
        _plan_url(case, "action_add"),
        {
            "description": "Book the school attendance meeting",
            "owner": "",
            "status": "not_started",
            "progress": "Phoned the school",
            **_date_fields("due_on", due),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose who will do this: every action needs an owner" in html
    assert 'href="#id_owner"' in html
    assert "Book the school attendance meeting" in html and "Phoned the school" in html
    assert f'value="{due.day}"' in html
    assert not Action.objects.exists()


def test_action_owner_must_be_able_to_see_the_family(plan, led_family):
    from django.core.exceptions import ValidationError

    outsider = UserFactory(email="outsider@plan.test", full_name="Out Sider", roles=[Role.PARTNER_PRACTITIONER])
    with pytest.raises(ValidationError) as exc:
        action_add(
            plan=plan,
            actor=led_family["lead"],
            data={"description": "x", "owner": outsider, "due_on": timezone.localdate()},
        )
    assert "add them to the team around the family first" in exc.value.message_dict["owner"][0]


def test_lead_adds_an_action_for_a_team_member_and_they_are_told(client, plan, led_family, health_practitioner):
    case, lead = led_family["case"], led_family["lead"]
    taf_add(family_case=case, actor=lead, user=health_practitioner, role="Health visitor")
    client.force_login(lead)
    page = client.get(_plan_url(case, "action_add"))
    assert "Hal Health (Test Community Health Trust)" in page.content.decode()
    due = timezone.localdate() + dt.timedelta(days=21)
    response = client.post(
        _plan_url(case, "action_add"),
        {
            "description": "Leo's two-year developmental check",
            "owner": health_practitioner.pk,
            "outcome": plan.outcomes.get(child=led_family["leo"]).pk,
            "status": "not_started",
            **_date_fields("due_on", due),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner == health_practitioner and action.owner_agency == health_practitioner.agency
    assert health_practitioner.notifications.filter(kind="family_help.action").exists()


# --- the owner updates their action; others may not ------------------------------------------------------------


@pytest.fixture
def actions(plan, led_family, health_practitioner):
    case, lead = led_family["case"], led_family["lead"]
    taf_add(family_case=case, actor=lead, user=health_practitioner, role="Health visitor")
    due = timezone.localdate() + dt.timedelta(days=21)
    mine = action_add(
        plan=plan, actor=lead, data={"description": "Developmental check", "owner": health_practitioner, "due_on": due}
    )
    theirs = action_add(
        plan=plan, actor=lead, data={"description": "Housing transfer form", "owner": lead, "due_on": due}
    )
    return {"hv": mine, "lead": theirs}


def test_health_practitioner_updates_their_own_action_but_not_anothers(
    client, actions, led_family, health_practitioner
):
    case = led_family["case"]
    client.force_login(health_practitioner)
    own, other = actions["hv"], actions["lead"]
    page = client.get(_plan_url(case))
    assert page.status_code == 200
    assert _plan_url(case, "action_update", own.pk) in page.content.decode()
    assert _plan_url(case, "action_update", other.pk) not in page.content.decode()
    response = client.post(
        _plan_url(case, "action_update", own.pk),
        {"status": "in_progress", "progress": "Check booked for the 14th", "version": own.version},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ActionStatus.IN_PROGRESS and own.progress == "Check booked for the 14th"
    assert own.updated_by == health_practitioner
    # Someone else's action, and every page that changes the plan, do not exist for them.
    assert client.get(_plan_url(case, "action_update", other.pk)).status_code == 404
    assert (
        client.post(
            _plan_url(case, "action_update", other.pk), {"status": "done", "progress": "x", "version": other.version}
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == ActionStatus.NOT_STARTED
    for name, args in (
        ("action_edit", [own.pk]),
        ("plan_edit", []),
        ("outcome_add", []),
        ("review_add", []),
        ("taf_add", []),
    ):
        assert client.get(_plan_url(case, name, *args)).status_code == 404, name


def test_owner_cannot_change_anything_but_status_and_progress(actions, health_practitioner):
    from django.core.exceptions import ValidationError

    from cases.services.plans import action_update

    own = actions["hv"]
    with pytest.raises(ValidationError) as exc:
        action_update(
            action=own, actor=health_practitioner, data={"description": "Something else"}, expected_version=own.version
        )
    assert "description" in exc.value.message_dict


def test_stale_action_update_is_refused_with_changes_shown(client, actions, led_family, health_practitioner):
    from cases.services.plans import action_update

    case, own = led_family["case"], actions["hv"]
    old_version = own.version
    action_update(action=own, actor=led_family["lead"], data={"progress": "Lead's note"}, expected_version=old_version)
    client.force_login(health_practitioner)
    response = client.post(
        _plan_url(case, "action_update", own.pk), {"status": "done", "progress": "All done", "version": old_version}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "What changed while you were editing" in html
    assert "Lead&#x27;s note" in html and "All done" in html
    own.refresh_from_db()
    assert own.progress == "Lead's note"


# --- concurrent edits of the plan ------------------------------------------------------------------------------


def test_stale_plan_save_is_refused_with_what_changed_shown_and_nothing_lost(client, plan, led_family, fh_manager):
    case, lead = led_family["case"], led_family["lead"]
    opened_version = plan.version
    # The manager saves first, from the same version.
    plan_update(
        plan=plan, actor=fh_manager, data={"worries": "Rent arrears now cleared."}, expected_version=opened_version
    )
    client.force_login(lead)
    review_on = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(
        _plan_url(case, "plan_edit"),
        {
            "worries": "Mia's attendance is the main worry.",
            "working_well": "Grace is engaging well.",
            "family_views": "",
            "professional_notes": NOTES,
            "version": opened_version,
            **_date_fields("next_review_on", review_on),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this record while you were editing it" in html
    assert "What changed while you were editing" in html
    assert "Rent arrears now cleared." in html  # theirs, saved now
    assert "Mia&#x27;s attendance is the main worry." in html  # mine, kept in the form
    assert "Grace is engaging well." in html
    plan.refresh_from_db()
    assert plan.worries == "Rent arrears now cleared."
    # Saving again, knowing the other change, works (the form now carries the current version).
    assert f'value="{plan.version}"' in html
    again = client.post(
        _plan_url(case, "plan_edit"),
        {
            "worries": "Mia's attendance is the main worry.",
            "working_well": "",
            "family_views": "",
            "professional_notes": NOTES,
            "version": plan.version,
            **_date_fields("next_review_on", review_on),
        },
    )
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.worries == "Mia's attendance is the main worry."


# --- reviews and versions --------------------------------------------------------------------------------------


def _review(plan, actor, ratings, held_on, next_on, summary="Review"):
    return review_add(
        plan=plan,
        actor=actor,
        data={
            "held_on": held_on,
            "summary": summary,
            "attendees": "Grace, Sol",
            "family_views": "Calmer",
            "next_review_on": next_on,
        },
        ratings=ratings,
    )


def test_plan_versioning_across_two_reviews(client, led_family, time_machine):
    from cases.services.plans import plan_start

    lead, case = led_family["lead"], led_family["case"]
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    plan = plan_start(family_case=case, actor=lead, data={"worries": "Old worries about the flat"})
    mia_outcome = outcome_add(
        plan=plan,
        actor=lead,
        data={
            "child": led_family["mia"],
            "what_will_be_different": "Mia goes to school every day",
            "measure": "Register",
            "baseline": 3,
            "target": 9,
        },
    )
    leo_outcome = outcome_add(
        plan=plan,
        actor=lead,
        data={
            "child": led_family["leo"],
            "what_will_be_different": "Leo sleeps through",
            "measure": "Diary",
            "baseline": 2,
            "target": 8,
        },
    )

    time_machine.move_to(dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC), tick=False)
    _review(plan, lead, {mia_outcome.pk: 5, leo_outcome.pk: 4}, dt.date(2026, 4, 1), dt.date(2026, 6, 1))
    plan.refresh_from_db()
    plan_update(plan=plan, actor=lead, data={"worries": "New worries: attendance only"}, expected_version=plan.version)

    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False)
    plan.refresh_from_db()
    _review(plan, lead, {mia_outcome.pk: 8, leo_outcome.pk: 6}, dt.date(2026, 6, 1), dt.date(2026, 9, 1))

    versions = {v.number: v for v in PlanVersion.objects.filter(plan=plan)}
    assert sorted(versions) == [1, 2, 3]
    ratings = {n: {o["child"]: o["current"] for o in v.snapshot["outcomes"]} for n, v in versions.items()}
    assert ratings == {1: {"Mia": 3, "Leo": 2}, 2: {"Mia": 5, "Leo": 4}, 3: {"Mia": 8, "Leo": 6}}
    assert versions[1].snapshot["plan"]["worries"] == "Old worries about the flat"
    assert versions[2].snapshot["plan"]["worries"] == "Old worries about the flat"
    assert versions[3].snapshot["plan"]["worries"] == "New worries: attendance only"
    assert versions[3].snapshot["review"]["held_on"] == "2026-06-01"
    plan.refresh_from_db()
    assert plan.next_review_on == dt.date(2026, 9, 1)
    assert Review.objects.filter(plan=plan).count() == 2
    assert list(OutcomeRating.objects.filter(outcome=mia_outcome).values_list("rating", flat=True)) == [3, 5, 8]
    assert ChronologyEntry.objects.filter(person=led_family["leo"], kind="plan_reviewed").count() == 2

    # Version 1 still reads as it was: the old text and the starting ratings.
    client.force_login(lead)
    page = client.get(_plan_url(case, "plan_version", 1)).content.decode()
    assert "Old worries about the flat" in page and "New worries" not in page
    assert "3 of 10" in page and "2 of 10" in page and "8 of 10" not in page
    latest = client.get(_plan_url(case, "plan_version", 3)).content.decode()
    assert "New worries: attendance only" in latest and "8 of 10" in latest
    # The chart: one inline SVG per outcome, and the same numbers in a table.
    plan_page = client.get(_plan_url(case)).content.decode()
    assert plan_page.count("<svg") == 2 and "<script" not in plan_page.split("<main")[1].split("</main>")[0]
    assert "Ratings at the start and at each review" in plan_page
    assert "Review 2" in plan_page


def test_review_dates_in_the_wrong_place_are_field_errors_with_everything_kept(client, plan, led_family):
    case = led_family["case"]
    client.force_login(led_family["lead"])
    outcomes = list(plan.outcomes.order_by("id"))
    today = timezone.localdate()
    response = client.post(
        _plan_url(case, "review_add"),
        {
            **_date_fields("held_on", today + dt.timedelta(days=2)),
            "attendees": "Grace",
            "summary": "Good progress on attendance",
            "family_views": "Grace is pleased",
            **_date_fields("next_review_on", today - dt.timedelta(days=1)),
            f"rating_{outcomes[0].pk}": "6",
            f"rating_{outcomes[1].pk}": "11",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The review date must be today or in the past" in html
    assert "The rating must be between 0 and 10" in html
    assert "Good progress on attendance" in html and "Grace is pleased" in html and 'value="6"' in html
    assert "The next review date must be today or in the future" in html
    assert 'href="#id_next_review_on_day"' in html
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_review_service_refuses_dates_in_the_wrong_place(plan, led_family):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    ratings = {o.pk: 5 for o in plan.outcomes.all()}
    with pytest.raises(ValidationError) as exc:
        _review(plan, led_family["lead"], ratings, today, today - dt.timedelta(days=1))
    assert exc.value.message_dict == {"next_review_on": ["The next review date must be today or in the future"]}
    with pytest.raises(ValidationError) as exc:
        _review(plan, led_family["lead"], ratings, today + dt.timedelta(days=1), today + dt.timedelta(days=9))
    assert exc.value.message_dict == {"held_on": ["The review date must be today or in the past"]}
    with pytest.raises(ValidationError) as exc:
        _review(plan, led_family["lead"], {}, today, today + dt.timedelta(days=9))
    assert set(exc.value.message_dict) == {f"rating_{pk}" for pk in ratings}


def test_review_page_records_a_new_version(client, plan, led_family):
    case = led_family["case"]
    client.force_login(led_family["lead"])
    outcomes = list(plan.outcomes.order_by("id"))
    today = timezone.localdate()
    response = client.post(
        _plan_url(case, "review_add"),
        {
            **_date_fields("held_on", today),
            "summary": "Attendance up",
            **_date_fields("next_review_on", today + dt.timedelta(days=30)),
            f"rating_{outcomes[0].pk}": "6",
            f"rating_{outcomes[1].pk}": "4",
        },
    )
    assert response.status_code == 302
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    assert list(Outcome.objects.order_by("id").values_list("current", flat=True)) == [6, 4]


# --- reading the plan ------------------------------------------------------------------------------------------


def test_plan_page_is_audited_with_the_children_shown(client, plan, led_family):
    client.force_login(led_family["lead"])
    response = client.get(_plan_url(led_family["case"]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(verb="family_help.plan_viewed").latest("occurred_at")
    assert sorted(event.child_ids) == sorted([led_family["mia"].pk, led_family["leo"].pk])
    assert escape(NOTES) in response.content.decode()


def test_plan_page_query_count_does_not_grow_with_outcomes_and_actions(
    client, plan, led_family, django_assert_max_num_queries
):
    case, lead = led_family["case"], led_family["lead"]
    client.force_login(lead)
    client.get(_plan_url(case))  # warm the session and content types

    def grow(n):
        for i in range(n):
            outcome = outcome_add(
                plan=plan,
                actor=lead,
                data={
                    "child": led_family["mia"],
                    "what_will_be_different": f"Outcome {i}",
                    "measure": "m",
                    "baseline": 1,
                    "target": 5,
                },
            )
            action_add(
                plan=plan,
                actor=lead,
                data={"description": f"Action {i}", "owner": lead, "outcome": outcome, "due_on": timezone.localdate()},
            )

    grow(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(_plan_url(case)).status_code == 200
    grow(8)
    with django_assert_max_num_queries(len(small)):
        assert client.get(_plan_url(case)).status_code == 200


def test_plan_version_page_tolerates_a_generated_snapshot(client, plan, led_family):
    """Generated data sets write a smaller snapshot (no text, no team): the page still renders it."""
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        created_by=led_family["lead"],
        reason="Review",
        snapshot={
            "number": 2,
            "date": "2026-01-01",
            "outcomes": [],
            "actions": [
                {
                    "id": 1,
                    "description": "Generated action",
                    "owner_id": 1,
                    "due_on": "2026-02-01",
                    "status": "in_progress",
                    "not_for_family": False,
                }
            ],
        },
    )
    client.force_login(led_family["lead"])
    response = client.get(_plan_url(led_family["case"], "plan_version", 2))
    assert response.status_code == 200
    assert "Generated action" in response.content.decode() and "In progress" in response.content.decode()


def test_panel_summarises_the_plan(plan, led_family):
    from cases.templatetags.plan_tags import plan_panel

    html = plan_panel(led_family["case"], led_family["lead"])
    assert "Family plan" in html and "2: 0 improved since the baseline" in html
    assert reverse("cases:plan", args=[led_family["case"].pk]) in html


def test_family_page_shows_the_plan_panel(client, plan, led_family):
    client.force_login(led_family["lead"])
    html = client.get(reverse("family_help:family", args=[led_family["case"].pk])).content.decode()
    assert 'id="fh-plan-panel-title"' in html
    assert "2: 0 improved since the baseline" in html and _plan_url(led_family["case"]) in html


def test_outcome_is_changed_then_removed_and_earlier_versions_keep_it(client, plan, led_family):
    case = led_family["case"]
    outcome = plan.outcomes.get(child=led_family["mia"])
    client.force_login(led_family["lead"])
    url = _plan_url(case, "outcome_edit", outcome.pk)
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "what_will_be_different": "Mia is on time",
            "measure": "Register",
            "scale_max": "10",
            "baseline": "3",
            "target": "9",
            "current": "12",
        },
    )
    assert "must be 100 or less" not in bad.content.decode()
    assert "The current rating must be between 0 and 10" in bad.content.decode()
    assert "Mia is on time" in bad.content.decode()
    ok = client.post(
        url,
        {
            "what_will_be_different": "Mia is on time",
            "measure": "Register",
            "scale_max": "10",
            "baseline": "3",
            "target": "9",
            "current": "5",
        },
    )
    assert ok.status_code == 302
    outcome.refresh_from_db()
    assert outcome.what_will_be_different == "Mia is on time" and outcome.current == 5
    _review(
        plan,
        led_family["lead"],
        {o.pk: 5 for o in plan.outcomes.filter(removed_at__isnull=True)},
        timezone.localdate(),
        timezone.localdate() + dt.timedelta(days=30),
    )
    assert client.post(url, {"remove": "yes"}).status_code == 302
    outcome.refresh_from_db()
    assert outcome.removed_at is not None
    assert client.get(url).status_code == 404
    page = client.get(_plan_url(case)).content.decode()
    assert "Mia is on time" not in page.split('id="outcomes"')[1].split('id="actions"')[0]
    version_2 = client.get(_plan_url(case, "plan_version", 2)).content.decode()
    assert "Mia is on time" in version_2


def test_editor_stale_action_save_is_refused_with_changes_shown(client, actions, led_family, health_practitioner):
    from cases.services.plans import action_update

    case, own = led_family["case"], actions["hv"]
    opened = own.version
    action_update(
        action=own,
        actor=health_practitioner,
        data={"status": "in_progress", "progress": "Booked"},
        expected_version=opened,
    )
    client.force_login(led_family["lead"])
    due = own.due_on
    response = client.post(
        _plan_url(case, "action_edit", own.pk),
        {
            "description": "Developmental check at home",
            "owner": health_practitioner.pk,
            "status": "not_started",
            "progress": "",
            "version": opened,
            **_date_fields("due_on", due),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "What changed while you were editing" in html and "Booked" in html and "In progress" in html
    assert "Developmental check at home" in html
    own.refresh_from_db()
    assert own.description == "Developmental check" and own.status == ActionStatus.IN_PROGRESS


def test_an_action_whose_owner_left_the_team_can_still_be_closed(actions, led_family):
    from cases.models import TafMember
    from cases.services.plans import action_update, taf_remove

    own = actions["hv"]
    taf_remove(member=TafMember.objects.get(user=own.owner), actor=led_family["lead"])
    updated = action_update(
        action=own, actor=led_family["lead"], data={"status": "dropped"}, expected_version=own.version
    )
    assert updated.status == ActionStatus.DROPPED


# --- the leading strand (the plan is the shared record's: cases.models.plans) ---------------------------------


def test_each_version_records_the_strand_that_led_the_plan(led_family):
    from cases.services.plans import plan_start

    lead, case, today = led_family["lead"], led_family["case"], timezone.localdate()
    plan = plan_start(family_case=case, actor=lead, data={"worries": WORRIES}, led_by_strand=Strand.MACPT)
    _review(plan, lead, {}, today, today + dt.timedelta(days=30))
    assert plan.led_by_strand == Strand.MACPT
    assert list(plan.versions.order_by("number").values_list("number", "led_by_strand")) == [
        (1, Strand.MACPT),
        (2, Strand.MACPT),
    ]
    entries = ChronologyEntry.objects.filter(kind__in=["plan_started", "plan_reviewed"])
    assert entries.count() == 4 and set(entries.values_list("strand", flat=True)) == {Strand.MACPT}
    # A strand that sets no usual gap between reviews gets the shared record's (90 days).
    assert plan.versions.get(number=1).snapshot["plan"]["next_review_on"] == str(today + dt.timedelta(days=90))


def test_a_family_help_plan_takes_its_first_review_date_from_family_help_settings(led_family):
    from cases.services.plans import plan_start
    from family_help.models import FamilyHelpSettings

    FamilyHelpSettings.objects.update_or_create(pk=1, defaults={"review_every_days": 30})
    plan = plan_start(family_case=led_family["case"], actor=led_family["lead"], data={"worries": WORRIES})
    assert plan.led_by_strand == Strand.FAMILY_HELP
    assert plan.next_review_on == timezone.localdate() + dt.timedelta(days=30)
    assert plan.versions.get(number=1).led_by_strand == Strand.FAMILY_HELP
