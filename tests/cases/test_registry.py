"""The one extension point: what each app registers with the shared record, and the rules of registering."""

import io

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cases.models import PersonMerge, Role, WorkRequest
from cases.registry import DataStep, NavEntry, Registry, registry
from cases.services import MergeRefused, person_merge


def _nav(label: str, url_name: str, order: int) -> NavEntry:
    return NavEntry(label, url_name, frozenset({Role.MANAGER}), order=order)


def test_the_same_key_from_another_app_is_refused():
    reg = Registry()
    reg.register_nav(app="front_door", entries=[_nav("Front door", "front_door:queue", 100)])
    with pytest.raises(
        ImproperlyConfigured,
        match="family_help registers the navigation entry for 'front_door:queue', which front_door has registered",
    ):
        reg.register_nav(app="family_help", entries=[_nav("Mine", "front_door:queue", 200)])
    reg.register_deadline_breach_handler(app="front_door", kind="front_door.decision", handler=print)
    with pytest.raises(ImproperlyConfigured, match="deadline breach handler"):
        reg.register_deadline_breach_handler(app="macpt", kind="front_door.decision", handler=print)
    reg.register_policy(app="cases", actions={"cases.merge": {Role.MANAGER}})
    with pytest.raises(ImproperlyConfigured, match="policy action 'cases.merge'"):
        reg.register_policy(app="fgdm", actions={"cases.merge": {Role.FGDM_FACILITATOR}})
    assert reg.policy_roles("cases.merge") == {Role.MANAGER}


def test_registering_again_from_the_same_app_replaces_the_entry():
    reg = Registry()
    reg.register_nav(app="front_door", entries=[_nav("Front door", "front_door:queue", 100)])
    assert [e.label for e in reg.nav_entries()] == ["Front door"]
    reg.register_nav(app="front_door", entries=[_nav("The front door", "front_door:queue", 100)])
    assert [e.label for e in reg.nav_entries()] == ["The front door"]


def _everything() -> tuple:
    return (
        registry.nav_entries(),
        registry.policy_actions(),
        registry.work_request_kinds(),
        registry.demo_data_steps(),
        registry.generated_data_steps(),
        registry.home_panels(),
        registry.prompts("person_detail"),
        registry.merge_checks(),
        registry.deadline_breach_handler("front_door.decision"),
    )


def test_running_each_apps_ready_again_changes_nothing():
    before = _everything()
    for label in ("cases", "front_door", "family_help", "macpt"):
        apps.get_app_config(label).ready()
    # Equal by value: the entries are frozen dataclasses holding the same module-level functions.
    assert _everything() == before


def test_navigation_is_in_order_whichever_app_registered_first():
    reg = Registry()
    reg.register_nav(app="b", entries=[_nav("Later", "b:later", 300), _nav("Earliest", "b:first", 10)])
    reg.register_nav(app="a", entries=[_nav("Between", "a:between", 200)])
    assert [e.label for e in reg.nav_entries()] == ["Earliest", "Between", "Later"]


def test_data_steps_run_after_what_they_need():
    reg = Registry()
    ran = []
    reg.register_demo_data(
        app="family_help", step=DataStep("family_help", lambda: ran.append("fh"), after=("front_door",))
    )
    reg.register_demo_data(
        app="fgdm", step=DataStep("fgdm", lambda: ran.append("fgdm"), after=("family_help", "front_door"))
    )
    reg.register_demo_data(app="front_door", step=DataStep("front_door", lambda: ran.append("fd")))
    for step in reg.demo_data_steps():
        step.run()
    assert ran == ["fd", "fh", "fgdm"]


def test_data_steps_that_name_a_missing_step_or_wait_on_each_other_are_refused():
    reg = Registry()
    reg.register_generated_data(app="fgdm", step=DataStep("fgdm", print, after=("macpt",)))
    with pytest.raises(ImproperlyConfigured, match="'fgdm' runs after macpt, which no app registers"):
        reg.generated_data_steps()
    reg = Registry()
    reg.register_generated_data(app="a", step=DataStep("a", print, after=("b",)))
    reg.register_generated_data(app="b", step=DataStep("b", print, after=("a",)))
    with pytest.raises(ImproperlyConfigured, match="a, b wait on each other"):
        reg.generated_data_steps()


def test_each_app_registers_its_part():
    nav = {e.url_name: registry.owner("nav", e.url_name) for e in registry.nav_entries()}
    assert nav == {
        "home": "cases",
        "cases:person_search": "cases",
        "cases:audit": "cases",
        "cases:workforce": "cases",  # issue 16 item 4
        "cases:notifications": "cases",
        "cases:work_requests": "cases",
        "admin:index": "cases",
        "front_door:queue": "front_door",
        "front_door:partner_referral": "front_door",
        "front_door:my_referrals": "front_door",
        "front_door:inbox": "front_door",
        "front_door:dashboard": "front_door",
        "family_help:my_families": "family_help",
        "family_help:allocations": "family_help",
        "family_help:team": "family_help",
        "family_help:supervision": "family_help",
        "macpt:oversight": "macpt",
        "fgdm:inbox": "fgdm",  # issue 15 item 1: the FGDM strand's inbox
        "fgdm:caseload": "fgdm",  # issue 15 item 2: the facilitator's caseload
        "fgdm:counts": "fgdm",  # issue 15 item 7
        "reporting:reports": "reporting",  # issue 16
        "reporting:dashboards": "reporting",  # issue 16 item 7
        "reporting:ledger": "reporting",  # issue 16 item 4
        "cases:retention": "cases",  # issue 17 item 4: the privacy officer's retention rules and dry run
        "cases:restriction_reviews": "cases",  # issue 17 item 2: restricted records' 90-day reviews
        "cases:subject_access_list": "cases",  # issue 17 item 3: subject access requests
        "cases:privacy_alerts": "cases",  # issue 17 items 2 and 5: break-glass and curious-colleague alerts
    }
    # Each strand describes its own decision points (issue 15 item 1): the FGDM strand reads them, importing none.
    assert {m: registry.owner("decision_points", m) for m in registry.decision_point_models()} == {
        "cases.plan": "cases",
        "cases.review": "cases",
        "front_door.decision": "front_door",
        "macpt.childprotectionconference": "macpt",
        "macpt.preproceedings": "macpt",
        "macpt.strategydiscussion": "macpt",
    }
    assert registry.owner("breach_handlers", "front_door.decision") == "front_door"
    kind = registry.work_request_kind(WorkRequest.Kind.FAMILY_HELP_ALLOCATION)
    assert kind.url_name == "family_help:allocate" and registry.owner("work_request_kinds", kind.kind) == "family_help"
    assert [s.key for s in registry.demo_data_steps()] == ["front_door", "family_help", "macpt", "fgdm", "reporting"]
    assert registry.demo_data_steps()[1].after == ("front_door",)
    assert registry.demo_data_steps()[2].after == ("family_help",)
    assert registry.demo_data_steps()[3].after == ("macpt",)  # FGDM offers at child protection's decision points
    assert [s.key for s in registry.generated_data_steps()] == ["front_door", "family_help", "macpt", "fgdm"]
    assert registry.generated_data_steps()[2].after == ("family_help",)
    assert [p.key for p in registry.home_panels()] == [
        "cases.work_requests",
        "family_help.waiting_list",
        "macpt.oversight",
        "fgdm.caseload",
        "reporting.returns",  # issue 16: the managers' returns panel
    ]
    # The FGDM strand receives the FGDM offer (the shared record's own until issue 15) and its referral; child
    # protection owns its own hand-offs.
    for kind in (WorkRequest.Kind.FGDM_OFFER, WorkRequest.Kind.FGDM_REFERRAL):
        assert registry.owner("work_request_kinds", kind) == "fgdm"
    for kind in (WorkRequest.Kind.STRATEGY_DISCUSSION, WorkRequest.Kind.EMERGENCY_ACTION):
        assert registry.owner("work_request_kinds", kind) == "macpt"
    # Accepting a strategy-discussion request starts the discussion on child protection's page; an emergency-action
    # request, the action's record.
    assert registry.work_request_kind(WorkRequest.Kind.STRATEGY_DISCUSSION).url_name == "macpt:strategy_accept"
    assert registry.work_request_kind(WorkRequest.Kind.EMERGENCY_ACTION).url_name == "macpt:emergency_accept"
    assert {p.key for p in registry.prompts("person_detail")} == {
        "cases.work_requests",
        "family_help.family",
        "macpt.child_protection",
        "macpt.cp_plan",
        "macpt.strategy_start",
        "macpt.emergency",
        "macpt.pre_proceedings",
    }
    assert [p.key for p in registry.prompts("decision_point")] == ["fgdm.decision_point"]  # issue 15 item 1
    owners = {action.split(".")[0] for action in registry.policy_actions()}
    assert owners == {"cases", "front_door", "family_help", "macpt", "fgdm", "reporting"}  # fgdm: issue 15's OFFER row
    assert all(registry.owner("policy", a) == a.split(".")[0] for a in registry.policy_actions())


def test_the_system_check_passes_for_what_the_apps_register():
    call_command("check", "--fail-level", "WARNING", stdout=io.StringIO())


def test_the_system_check_names_a_url_that_does_not_exist():
    from cases.checks import registry_check

    saved = registry.snapshot()
    try:
        registry.register_nav(
            app="macpt", entries=[NavEntry("Child protection", "macpt:no_such_page", frozenset({Role.LCPP}), order=300)]
        )
        errors = registry_check()
    finally:
        registry.restore(saved)
    assert [e.id for e in errors] == ["cases.E101"]
    assert "'macpt:no_such_page'" in errors[0].msg


@pytest.mark.django_db
def test_a_registered_merge_check_refuses_the_merge_and_nothing_moves(make_person, triage_officer):
    kept, merged = make_person(first="Ada", last="Same"), make_person(first="Ada", last="Same")

    def open_plans_overlap(kept_person, merged_person):
        return "Both records have a child protection plan over the same dates."

    saved = registry.snapshot()
    try:
        registry.register_merge_check(app="macpt", name="overlapping_plans", check=open_plans_overlap)
        with pytest.raises(MergeRefused, match="^Both records have a child protection plan over the same dates.$"):
            person_merge(kept=kept, merged=merged, actor=triage_officer, reason="Same child")
    finally:
        registry.restore(saved)
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert not PersonMerge.objects.exists()
    # Without the check the same merge goes through: the refusal above came from the registered check.
    person_merge(kept=kept, merged=merged, actor=triage_officer, reason="Same child")
    merged.refresh_from_db()
    assert merged.merged_into_id == kept.pk


def test_the_leading_strand_sets_the_plan_review_interval(db):
    from cases.services.plans import DEFAULT_REVIEW_EVERY_DAYS, review_every_days
    from family_help.models import FamilyHelpSettings

    assert registry.owner("plan_review_intervals", "family_help") == "family_help"
    settings = FamilyHelpSettings.load()
    settings.review_every_days = 42
    settings.save()
    assert review_every_days("family_help") == 42  # the admin setting, read when the plan is reviewed
    assert review_every_days("macpt") == DEFAULT_REVIEW_EVERY_DAYS  # no strand registered one
