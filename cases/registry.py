"""The one place an app plugs into the shared record.

Each app registers what it adds from its AppConfig.ready(), and only there (`cases` registers its own core
entries the same way, from CasesConfig.ready()):

- deadline breach handlers: what else a breach of one of its deadline kinds changes on its own records;
- merge checks: reasons to refuse merging two people that only the app's records can give;
- navigation entries, and panels on the home page;
- prompts: a line an app adds to another app's page, in a named slot, when it applies to the object shown;
- the work-request kinds it receives, with the page that accepts one;
- its additions to the permission policy table (cases.policy): who may take its role-gated actions;
- its demo data (seed_demo) and its share of the generated data set (generate_dataset), in order;
- decision points: how a record it owns (a front-door decision, a strategy discussion) is described to another
  strand that acts at decision points (family group decision making offers are made at each);
- providers: a named function another strand calls without importing this one (the one selector of the FGDM
  pre-proceedings measures, which child protection's census and the quarterly return both read).

`cases` reads all of it from here, so it never names a strand's URL, model or module. Registering the same
key again from the same app replaces the entry (ready() can run more than once in tests); the same key
from another app is a configuration error. `manage.py check` reverses every registered URL name and checks
every role and work-request kind (cases.checks).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class NavEntry:
    """A link in the service navigation (and in the home page's "Your work" list)."""

    label: str
    url_name: str  # reversed without arguments
    roles: frozenset[str] | None  # the roles that see it; None: every signed-in user
    description: str = ""
    order: int = 500  # position in the menu (README, "Adding a strand", has the bands)


@dataclass(frozen=True)
class HomePanel:
    """A panel on the home page. `context(user)` gives the template's context (as `panel`), or None when
    there is nothing to show; `roles` is asked first, so other users cost no query."""

    key: str
    template: str
    context: Callable[[Any], Mapping[str, Any] | None]
    roles: frozenset[str] | None = None
    order: int = 500


@dataclass(frozen=True)
class PromptContent:
    """What a prompt says: a sentence and, usually, a link to act on it."""

    text: str
    link_text: str = ""
    url: str = ""


@dataclass(frozen=True)
class Prompt:
    """A prompt in a named slot of another app's page (slots: "person_detail"; on the family's plan page
    "decision_point" and "family_plan", the family's own plan from an FGDM meeting). `show(user, obj)` returns what to
    say when it applies to that object for that user, else None; `roles` is asked first."""

    key: str
    slot: str
    show: Callable[[Any, Any], PromptContent | None]
    roles: frozenset[str] | None = None
    order: int = 500


@dataclass(frozen=True)
class PlanStart:
    """What a family plan starts from: its text fields (cases.models.Plan: worries, working_well, family_views), and
    where they came from, said on the page ("From the assessment authorised on 3 March 2027")."""

    values: Mapping[str, str]
    source: str


@dataclass(frozen=True)
class WorkRequestKind:
    """A hand-off kind (cases.WorkRequest.Kind) an app receives: who receives it, and the page that accepts
    one request (its URL takes the request's pk). A child's record prompts the receivers to it."""

    kind: str
    label: str
    receiving_roles: frozenset[str]
    url_name: str
    action: str  # the link's words, e.g. "Allocate a lead practitioner"
    # Received only by the child's current lead practitioner(s) holding one of the roles, not by every holder.
    to_leads: bool = False


@dataclass(frozen=True)
class DecisionPoint:
    """A record where a decision about children is made, as the strand that owns it describes it to other strands
    (`describe(obj)` registered per model). `kind` is one of the decision-point kinds the describing strand names
    (e.g. "strategy_discussion"); `facts` carries what a reader may need to check against the record (for
    pre-proceedings: "start_date", "lbp_sent_date", "end_date")."""

    kind: str
    label: str  # "Strategy discussion on 3 March 2027"
    children: tuple[int, ...]  # the children (cases.Person pks) the decision is about
    family_case_id: int | None
    date: Any  # datetime.date of the decision
    url: str  # the record's page
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DataStep:
    """An app's demo data or its share of a generated data set. `run()` for demo data returns counts for
    seed_demo's summary; `run(ctx)` for generated data takes cases.datagen.Context. `after` names the steps
    that must run first (the shared record's people are always written before any step)."""

    key: str
    run: Callable[..., Any]
    after: tuple[str, ...] = ()


class _Entries:
    """One kind of entry: key -> (app label, entry)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.by_key: dict[Any, tuple[str, Any]] = {}

    def put(self, app: str, key: Any, entry: Any) -> None:
        held = self.by_key.get(key)
        if held is not None and held[0] != app:
            raise ImproperlyConfigured(f"{app} registers the {self.what} {key!r}, which {held[0]} has registered")
        self.by_key[key] = (app, entry)

    def get(self, key: Any) -> Any:
        held = self.by_key.get(key)
        return None if held is None else held[1]

    def values(self) -> list[Any]:
        return [entry for _app, entry in self.by_key.values()]


def _roles(roles: Iterable[str] | None) -> frozenset[str] | None:
    return None if roles is None else frozenset(roles)


def _ordered_steps(steps: list[DataStep], what: str) -> list[DataStep]:
    """Each step after the steps it names (ties by key, so the order never depends on INSTALLED_APPS)."""
    by_key = {step.key: step for step in steps}
    waiting_on = {}
    for step in steps:
        unknown = [key for key in step.after if key not in by_key]
        if unknown:
            raise ImproperlyConfigured(
                f"The {what} step {step.key!r} runs after {', '.join(unknown)}, which no app registers"
            )
        waiting_on[step.key] = set(step.after)
    ready = [key for key, deps in waiting_on.items() if not deps]
    heapq.heapify(ready)
    ordered: list[DataStep] = []
    while ready:
        key = heapq.heappop(ready)
        ordered.append(by_key[key])
        for other, deps in waiting_on.items():
            if key in deps:
                deps.discard(key)
                if not deps:
                    heapq.heappush(ready, other)
    if len(ordered) != len(steps):
        stuck = sorted(set(by_key) - {step.key for step in ordered})
        raise ImproperlyConfigured(f"The {what} steps {', '.join(stuck)} wait on each other")
    return ordered


class Registry:
    """What each app adds to the shared record. One instance, `registry`, filled from AppConfig.ready()."""

    def __init__(self) -> None:
        self._breach_handlers = _Entries("deadline breach handler for")
        self._merge_checks = _Entries("merge check")
        self._nav = _Entries("navigation entry for")
        self._home_panels = _Entries("home panel")
        self._prompts = _Entries("prompt")
        self._work_request_kinds = _Entries("work-request kind")
        self._policy = _Entries("policy action")
        self._demo_data = _Entries("demo data step")
        self._generated_data = _Entries("generated data step")
        self._plan_review_intervals = _Entries("plan review interval for")
        self._plan_starting_points = _Entries("plan starting point for")
        self._sealed_tables = _Entries("sealed table")
        self._decision_points = _Entries("decision point for")
        self._providers = _Entries("provider")
        self._sorted: dict[str, Any] = {}

    def _changed(self) -> None:
        self._sorted.clear()

    # --- registering: from AppConfig.ready() only ------------------------------------------------------------

    def register_deadline_breach_handler(self, *, app: str, kind: str, handler: Callable[[Any], None]) -> None:
        """`handler(deadline)` runs in the sweep's transaction when a deadline of `kind` is breached, so what
        it flags and the alerts commit together."""
        self._breach_handlers.put(app, kind, handler)
        self._changed()

    def register_merge_check(self, *, app: str, name: str, check: Callable[[Any, Any], str | None]) -> None:
        """`check(kept, merged)` returns why merging these two people would make an impossible record, or
        None (e.g. child protection: overlapping plans)."""
        self._merge_checks.put(app, name, check)
        self._changed()

    def register_nav(self, *, app: str, entries: Iterable[NavEntry]) -> None:
        for entry in entries:
            self._nav.put(app, entry.url_name, entry)
        self._changed()

    def register_home_panel(self, *, app: str, panel: HomePanel) -> None:
        self._home_panels.put(app, panel.key, panel)
        self._changed()

    def register_prompt(self, *, app: str, prompt: Prompt) -> None:
        self._prompts.put(app, (prompt.slot, prompt.key), prompt)
        self._changed()

    def register_work_request_kind(self, *, app: str, kind: WorkRequestKind) -> None:
        self._work_request_kinds.put(app, kind.kind, kind)
        self._changed()

    def register_policy(self, *, app: str, actions: Mapping[str, Iterable[str]]) -> None:
        """Role-gated actions and the roles that may take them, named "<app>.<verb>"."""
        for action, roles in actions.items():
            self._policy.put(app, action, frozenset(roles))
        self._changed()

    def register_demo_data(self, *, app: str, step: DataStep) -> None:
        self._demo_data.put(app, step.key, step)
        self._changed()

    def register_generated_data(self, *, app: str, step: DataStep) -> None:
        self._generated_data.put(app, step.key, step)
        self._changed()

    def register_plan_review_interval(self, *, app: str, strand: str, days: Callable[[], int]) -> None:
        """`days()` is the usual gap between reviews of a family plan this strand leads (read when a plan is
        started or reviewed, so a setting the strand keeps as data takes effect at once)."""
        self._plan_review_intervals.put(app, strand, days)
        self._changed()

    def register_plan_starting_point(self, *, app: str, strand: str, start: Callable[[Any], PlanStart | None]) -> None:
        """`start(family_case)`: what a family plan this strand leads starts from (its authorised assessment, say),
        or None; the plan's start page fills its fields with it, to be checked and changed (issue 13 item 12)."""
        self._plan_starting_points.put(app, strand, start)
        self._changed()

    def register_sealed_table(self, *, app: str, model: str, written_at: str) -> None:
        """An append-only table whose rows the audit sealing covers (cases.services.seals): `model` as
        "app_label.ModelName", `written_at` the field that stamps when a row was written (rows younger than the
        sealing delay wait for the next run)."""
        self._sealed_tables.put(app, model, written_at)
        self._changed()

    def register_decision_point(self, *, app: str, model: str, describe: Callable[[Any], DecisionPoint | None]) -> None:
        """`model` ("app_label.ModelName") is a decision point's record; `describe(obj)` says what it is (or None when
        that record is not a decision point, e.g. a discussion not yet decided)."""
        self._decision_points.put(app, model.lower(), describe)
        self._changed()

    def register_provider(self, *, app: str, name: str, provide: Callable[..., Any]) -> None:
        """A named function other strands call through the record (`registry.provider(name)`), so the one answer
        lives in one place without one strand importing another. Its signature is documented where registered."""
        self._providers.put(app, name, provide)
        self._changed()

    # --- reading -------------------------------------------------------------------------------------------

    def _cached(self, name: str, build: Callable[[], Any]) -> Any:
        if name not in self._sorted:
            self._sorted[name] = build()
        return self._sorted[name]

    def deadline_breach_handler(self, kind: str) -> Callable[[Any], None] | None:
        return self._breach_handlers.get(kind)

    def merge_checks(self) -> tuple[Callable[[Any, Any], str | None], ...]:
        return self._cached("merge", lambda: tuple(self._merge_checks.values()))

    def nav_entries(self) -> tuple[NavEntry, ...]:
        return self._cached("nav", lambda: tuple(sorted(self._nav.values(), key=lambda e: (e.order, e.label))))

    def home_panels(self) -> tuple[HomePanel, ...]:
        return self._cached("panels", lambda: tuple(sorted(self._home_panels.values(), key=lambda p: (p.order, p.key))))

    def prompts(self, slot: str) -> tuple[Prompt, ...]:
        return self._cached(
            f"prompts:{slot}",
            lambda: tuple(
                sorted((p for p in self._prompts.values() if p.slot == slot), key=lambda p: (p.order, p.key))
            ),
        )

    def prompt_slots(self) -> set[str]:
        return {prompt.slot for prompt in self._prompts.values()}

    def work_request_kind(self, kind: str) -> WorkRequestKind | None:
        return self._work_request_kinds.get(kind)

    def work_request_kinds(self) -> tuple[WorkRequestKind, ...]:
        return self._cached("work", lambda: tuple(sorted(self._work_request_kinds.values(), key=lambda k: k.kind)))

    def plan_review_interval(self, strand: str) -> Callable[[], int] | None:
        return self._plan_review_intervals.get(strand)

    def plan_starting_point(self, strand: str) -> Callable[[Any], PlanStart | None] | None:
        return self._plan_starting_points.get(strand)

    def sealed_tables(self) -> tuple[tuple[str, str], ...]:
        """(model label, written-at field) of each sealed table, in label order."""
        return self._cached(
            "sealed", lambda: tuple(sorted((k, e) for k, (_app, e) in self._sealed_tables.by_key.items()))
        )

    def decision_point(self, obj: Any) -> DecisionPoint | None:
        """What a registered decision-point record is, or None (not a decision point, or no strand describes it)."""
        describe = self._decision_points.get(obj._meta.label_lower)
        return None if describe is None else describe(obj)

    def decision_point_models(self) -> tuple[str, ...]:
        return tuple(sorted(self._decision_points.by_key))

    def provider(self, name: str) -> Callable[..., Any] | None:
        return self._providers.get(name)

    def policy_actions(self) -> dict[str, frozenset[str]]:
        return dict(self._cached("policy", lambda: {a: r for a, (_app, r) in sorted(self._policy.by_key.items())}))

    def policy_roles(self, action: str) -> frozenset[str] | None:
        return self._policy.get(action)

    def demo_data_steps(self) -> list[DataStep]:
        return list(self._cached("demo", lambda: _ordered_steps(self._demo_data.values(), "demo data")))

    def generated_data_steps(self) -> list[DataStep]:
        return list(self._cached("generated", lambda: _ordered_steps(self._generated_data.values(), "generated data")))

    def owner(self, what: str, key: Any) -> str | None:
        """Which app registered an entry (for the tests and the system check's messages)."""
        entries = getattr(self, f"_{what}")
        held = entries.by_key.get(key)
        return None if held is None else held[0]

    # --- for tests that register an entry of their own ------------------------------------------------------

    def snapshot(self) -> dict[str, dict]:
        return {name: dict(value.by_key) for name, value in vars(self).items() if isinstance(value, _Entries)}

    def restore(self, snapshot: dict[str, dict]) -> None:
        for name, by_key in snapshot.items():
            getattr(self, name).by_key = dict(by_key)
        self._changed()


registry = Registry()
