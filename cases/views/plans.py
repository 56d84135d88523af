"""The family's plan pages, under /cases/families/<id>/plan/ and /team/: selector -> form -> one service -> redirect.

Seeing the plan follows seeing the family (404 otherwise). Pages that change it are there only for the plan's
editors (the lead practitioner or a manager); an action's owner gets the page that updates their action's
status and progress. A refusal is a missing page (404), as everywhere in the service. Every page that shows a
child's data writes one read-audit row; a stale save is refused with what changed shown and nothing typed lost.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..disclosure import disclosure_path
from ..forms.plans import (
    ActionForm,
    ActionProgressForm,
    OutcomeForm,
    PlanEditForm,
    PlanForm,
    ReviewForm,
    TafAddForm,
    TafRemoveForm,
    TafSearchForm,
)
from ..http import require
from ..models import Action, ActionStatus, FamilyCase, Outcome, Plan, Strand, User
from ..registry import registry
from ..selectors import plans as sel
from ..selectors.families import (
    family_case_get_for_user,
    family_case_scope,
    family_children,
    family_children_shown,
    family_summary,
)
from ..services import plans as services
from ..services.state import StaleEdit
from ..web import Difference, audit_family_shown, differences, pdf_response, stale_rebind

STATUS_TAGS = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.DROPPED: "govuk-tag--yellow",
}
PLAN_FIELD_LABELS = {
    "worries": "What we are worried about",
    "working_well": "What is working well",
    "family_views": "What the family says",
    "professional_notes": "Professional notes",
    "next_review_on": "Next review date",
}


# --- helpers -------------------------------------------------------------------------------------------------


def _family_url(family_case: FamilyCase, plan: Plan | None) -> str | None:
    """The family's page in the strand that leads the plan (by convention its URL named `<strand>:family`), when
    it has one: the shared record names no strand's URL."""
    strand = plan.led_by_strand if plan is not None else Strand.FAMILY_HELP
    try:
        return reverse(f"{strand}:family", args=[family_case.pk])
    except NoReverseMatch:
        return None


def _context(request: HttpRequest, family_case: FamilyCase, *, record: bool | None = None, **extra) -> dict:
    """What every plan page shows around itself. The strand's family page is linked only for a user who sees the
    children's whole records (`record`, asked here when the caller does not know): a team-around-the-family member
    sees the summary level, and that page would be a 404 for them."""
    if record is None:
        record = family_case_scope(request.user, record=True).filter(pk=family_case.pk).exists()
    return {
        "family_case": family_case,
        "family_url": _family_url(family_case, extra.get("plan")) if record else None,
        "plan_url": reverse("cases:plan", args=[family_case.pk]),
        **extra,
    }


def _family_and_plan(request: HttpRequest, pk: int, *, edit: bool = False) -> tuple[FamilyCase, Plan]:
    family_case = family_case_get_for_user(user=request.user, family_case_id=pk)
    plan = sel.plan_for_family(family_case=family_case)
    require(plan is not None)
    if edit:
        require(sel.plan_can_edit(user=request.user, family_case=family_case))
    return family_case, plan


def _iso_date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _date(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


# --- the progress chart: server-rendered SVG, with the same numbers in a table ---------------------------------


@dataclass
class Chart:
    labels: list[str]
    values: list[int]
    scale_max: int
    target: int
    width: int = 360
    height: int = 150
    points: list[dict] = field(default_factory=list)
    gridlines: list[dict] = field(default_factory=list)
    polyline: str = ""
    target_y: float = 0.0

    LEFT, RIGHT, TOP, BOTTOM = 34, 16, 12, 30

    def __post_init__(self) -> None:
        inner_w = self.width - self.LEFT - self.RIGHT
        inner_h = self.height - self.TOP - self.BOTTOM
        step = inner_w / max(len(self.values) - 1, 1)

        def y(value: int) -> float:
            return round(self.TOP + inner_h - inner_h * value / max(self.scale_max, 1), 1)

        for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            x = round(self.LEFT + (step * i if len(self.values) > 1 else inner_w / 2), 1)
            self.points.append(
                {
                    "x": x,
                    "y": y(value),
                    "value": value,
                    "label": label,
                    "short": label.split(" (")[0],
                    "label_y": self.height - 10,
                }
            )
        self.polyline = " ".join(f"{p['x']},{p['y']}" for p in self.points)
        self.target_y = y(self.target)
        for value in sorted({0, self.scale_max // 2, self.scale_max}):
            self.gridlines.append({"y": y(value), "value": value, "text_y": y(value) + 4})
        self.right = self.width - self.RIGHT
        self.left = self.LEFT


def _rating_series(outcome: Outcome) -> tuple[list[str], list[int]]:
    """An outcome's ratings in order: when it was agreed (the start, or the day it was added), then each review."""
    labels, values = [], []
    for rating in outcome.ratings.all():
        version = rating.plan_version
        if version is not None and version.number > 1:
            labels.append(f"Review {version.number - 1} ({_date(rating.rated_on)})")
        elif version is not None:
            labels.append(f"Start ({_date(rating.rated_on)})")
        else:
            labels.append(f"Added ({_date(rating.rated_on)})")
        values.append(rating.rating)
    return labels, values


def _outcome_rows(outcomes: list[Outcome], can_edit: bool, family_case: FamilyCase) -> list[dict]:
    rows = []
    for outcome in outcomes:
        labels, values = _rating_series(outcome)
        chart = Chart(labels, values, outcome.scale_max, outcome.target) if values else None
        rows.append(
            {
                "outcome": outcome,
                "chart_id": f"chart-{outcome.pk}",
                "chart": chart,
                "edit_url": reverse("cases:outcome_edit", args=[family_case.pk, outcome.pk]) if can_edit else None,
            }
        )
    return rows


def _action_rows(actions: list[Action], user: User, can_edit: bool, family_case: FamilyCase) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for action in actions:
        open_ = action.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
        rows.append(
            {
                "action": action,
                "status_tag": STATUS_TAGS.get(action.status, "govuk-tag--grey"),
                "overdue": open_ and action.due_on < today,
                "edit_url": reverse("cases:action_edit", args=[family_case.pk, action.pk]) if can_edit else None,
                "update_url": reverse("cases:action_update", args=[family_case.pk, action.pk])
                if action.owner_id == user.pk
                else None,
            }
        )
    return rows


# --- the plan ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case = family_case_get_for_user(user=user, family_case_id=pk)
    plan = sel.plan_for_family(family_case=family_case)
    can_edit = sel.plan_can_edit(user=user, family_case=family_case)
    children, restricted_children = family_children_shown(family_case=family_case, user=user)
    summary = family_summary(family_case=family_case, children=children, user=user)
    if plan is None:
        audit_family_shown(request, "family_help.plan_viewed", family_case, children=children)
        return render(
            request,
            "cases/plan/none.html",
            _context(request, family_case, record=summary["record"], can_edit=can_edit, children=children),
        )
    visible = sel.plan_visible_child_ids(family_case=family_case, user=user, children=children)
    outcomes = sel.plan_outcomes_for_user(plan=plan, visible=visible)
    actions = sel.plan_actions_for_user(plan=plan, visible=visible)
    outcome_rows = _outcome_rows(outcomes, can_edit, family_case)
    columns = _chart_columns(outcome_rows)
    audit_family_shown(request, "family_help.plan_viewed", family_case, target=plan, children=children)
    return render(
        request,
        "cases/plan/plan.html",
        _context(
            request,
            family_case,
            record=summary["record"],
            plan=plan,
            can_edit=can_edit,
            children=children,
            restricted_children=restricted_children,
            summary=summary,
            outcome_rows=outcome_rows,
            chart_columns=columns,
            action_rows=_action_rows(actions, user, can_edit, family_case),
            taf=sel.taf_members(family_case=family_case),
            reviews=sel.plan_reviews(plan=plan),
            versions=sel.plan_versions(plan=plan),
            lead=sel.plan_lead(family_case=family_case, plan=plan),
            review_overdue=plan.next_review_on is not None and plan.next_review_on < timezone.localdate(),
        ),
    )


def _chart_columns(outcome_rows: list[dict]) -> list[str]:
    """The data table's columns: the longest rating history (a later outcome has fewer points)."""
    longest = max((row["chart"].labels for row in outcome_rows if row["chart"]), key=len, default=[])
    return [label.split(" (")[0] for label in longest]


@login_required
@require_http_methods(["GET", "POST"])
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case = family_case_get_for_user(user=user, family_case_id=pk)
    require(sel.plan_can_edit(user=user, family_case=family_case))
    if sel.plan_for_family(family_case=family_case) is not None:
        messages.info(request, "This family already has a plan")
        return redirect("cases:plan", pk=family_case.pk)
    # Nothing typed twice (issue 13 item 12): the plan starts from what the leading strand gives it (Family Help: the
    # family's authorised assessment), every field still the lead's to change before saving.
    starting_point = registry.plan_starting_point(Strand.FAMILY_HELP)
    start = starting_point(family_case) if starting_point else None
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                services.plan_start(family_case=family_case, actor=user, data=form.plan_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Plan started. Now add each child's outcomes.")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = PlanForm(initial=dict(start.values) if start else None)
    audit_family_shown(request, "family_help.plan_start_viewed", family_case)
    return render(
        request,
        "cases/plan/plan_form.html",
        _context(request, family_case, form=form, starting=True, started_from=start.source if start else ""),
    )


def _plan_conflict(saved: Plan, form: PlanEditForm) -> list[Difference]:
    """The plan's details where what is saved now differs from what this user entered."""
    return differences(
        (label, _plan_shown(name, getattr(saved, name)), _plan_shown(name, form.cleaned_data[name]))
        for name, label in PLAN_FIELD_LABELS.items()
        if name in form.cleaned_data
    )


def _plan_shown(name: str, value) -> str:
    return _date(value) if name == "next_review_on" else (value or "").strip()


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case, plan = _family_and_plan(request, pk, edit=True)
    conflict = None
    if request.method == "POST":
        form = PlanEditForm(request.POST)
        if form.is_valid():
            try:
                services.plan_update(
                    plan=plan, actor=user, data=form.plan_data(), expected_version=form.cleaned_data["version"]
                )
            except StaleEdit as exc:
                plan.refresh_from_db()
                conflict = _plan_conflict(plan, form)
                form = stale_rebind(PlanEditForm, request.POST, exc.current_version, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Plan saved")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = PlanEditForm(
            initial={**{name: getattr(plan, name) for name in PLAN_FIELD_LABELS}, "version": plan.version}
        )
    audit_family_shown(request, "family_help.plan_edit_viewed", family_case, target=plan)
    return render(
        request,
        "cases/plan/plan_form.html",
        _context(request, family_case, form=form, plan=plan, starting=False, conflict=conflict),
    )


# --- outcomes ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case, plan = _family_and_plan(request, pk, edit=True)
    children = family_children(family_case=family_case, user=user)
    if request.method == "POST":
        form = OutcomeForm(request.POST, children=children)
        if form.is_valid():
            try:
                services.outcome_add(plan=plan, actor=user, data=form.outcome_data({c.pk: c for c in children}))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Outcome added")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = OutcomeForm(children=children, initial={"child": children[0].pk} if len(children) == 1 else {})
    audit_family_shown(request, "family_help.outcome_form_viewed", family_case, target=plan, children=children)
    return render(
        request, "cases/plan/outcome_form.html", _context(request, family_case, form=form, plan=plan, outcome=None)
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    user = request.user
    family_case, plan = _family_and_plan(request, pk, edit=True)
    visible = sel.plan_visible_child_ids(family_case=family_case, user=user)
    outcome = sel.outcome_get(plan=plan, outcome_id=outcome_pk, visible=visible)
    if request.method == "POST":
        if request.POST.get("remove") == "yes":
            services.outcome_update(outcome=outcome, actor=user, data={"remove": True})
            messages.success(request, "Outcome removed from the plan")
            return redirect("cases:plan", pk=family_case.pk)
        form = OutcomeForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.outcome_update(outcome=outcome, actor=user, data=form.outcome_data({}))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Outcome saved")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = OutcomeForm(editing=True, initial={name: getattr(outcome, name) for name in services.OUTCOME_FIELDS})
    audit_family_shown(
        request, "family_help.outcome_form_viewed", family_case, target=outcome, children=[outcome.child]
    )
    return render(
        request, "cases/plan/outcome_form.html", _context(request, family_case, form=form, plan=plan, outcome=outcome)
    )


# --- actions -------------------------------------------------------------------------------------------------


def _action_form(request, family_case, plan, *, editing: bool, data=None, initial=None) -> ActionForm:
    return ActionForm(
        data,
        owners=sel.action_owner_choices(family_case=family_case, actor=request.user),
        outcomes=plan.outcomes.filter(
            removed_at__isnull=True,
            child_id__in=sel.plan_visible_child_ids(family_case=family_case, user=request.user),
        ).select_related("child"),
        editing=editing,
        initial=initial,
    )


_ACTION_LABELS = {
    "description": "What will be done",
    "owner": "Who will do it",
    "outcome": "Outcome",
    "due_on": "Due date",
    "status": "Status",
    "progress": "Progress",
    "not_for_family": "Not for the family",
}


def _action_conflict(saved: Action, entered: dict) -> list[Difference]:
    """The action's details where what is saved now differs from what this user entered."""
    return differences(
        (label, *_action_shown(name, saved, entered[name])) for name, label in _ACTION_LABELS.items() if name in entered
    )


def _action_shown(name: str, saved: Action, mine) -> tuple[str, str]:
    """(saved now, entered) for one of the action's details, as the page words them."""
    theirs = getattr(saved, name)
    if name == "status":
        return saved.get_status_display(), ActionStatus(mine).label if mine in ActionStatus.values else mine
    if name == "due_on":
        return _date(theirs), _date(mine)
    if name == "not_for_family":
        return ("Yes" if theirs else "No"), ("Yes" if mine else "No")
    return str(theirs or ""), str(mine or "").strip()


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case, plan = _family_and_plan(request, pk, edit=True)
    if request.method == "POST":
        form = _action_form(request, family_case, plan, editing=False, data=request.POST)
        if form.is_valid():
            try:
                services.action_add(plan=plan, actor=user, data=form.action_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Action added")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = _action_form(request, family_case, plan, editing=False)
    audit_family_shown(request, "family_help.action_form_viewed", family_case, target=plan)
    return render(
        request, "cases/plan/action_form.html", _context(request, family_case, form=form, plan=plan, action=None)
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    user = request.user
    family_case, plan = _family_and_plan(request, pk, edit=True)
    action = sel.action_get(
        plan=plan, action_id=action_pk, visible=sel.plan_visible_child_ids(family_case=family_case, user=user)
    )
    conflict = None
    if request.method == "POST":
        form = _action_form(request, family_case, plan, editing=True, data=request.POST)
        if form.is_valid():
            try:
                services.action_update(
                    action=action, actor=user, data=form.action_data(), expected_version=form.cleaned_data["version"]
                )
            except StaleEdit as exc:
                action.refresh_from_db()
                conflict = _action_conflict(action, form.cleaned_data)
                form = stale_rebind(
                    lambda data: _action_form(request, family_case, plan, editing=True, data=data),
                    request.POST,
                    exc.current_version,
                    str(exc),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Action saved")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = _action_form(
            request,
            family_case,
            plan,
            editing=True,
            initial={
                "description": action.description,
                "owner": action.owner_id,
                "outcome": action.outcome_id,
                "due_on": action.due_on,
                "status": action.status,
                "progress": action.progress,
                "not_for_family": action.not_for_family,
                "version": action.version,
            },
        )
    audit_family_shown(request, "family_help.action_form_viewed", family_case, target=action)
    return render(
        request,
        "cases/plan/action_form.html",
        _context(request, family_case, form=form, plan=plan, action=action, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """The action's owner records its status and progress (the plan's editors may too)."""
    user = request.user
    family_case, plan = _family_and_plan(request, pk)
    action = sel.action_get(
        plan=plan, action_id=action_pk, visible=sel.plan_visible_child_ids(family_case=family_case, user=user)
    )
    require(sel.action_can_update(user=user, action=action))
    conflict = None
    if request.method == "POST":
        form = ActionProgressForm(request.POST)
        if form.is_valid():
            try:
                services.action_update(
                    action=action,
                    actor=user,
                    data={"status": form.cleaned_data["status"], "progress": form.cleaned_data["progress"]},
                    expected_version=form.cleaned_data["version"],
                )
            except StaleEdit as exc:
                action.refresh_from_db()
                conflict = _action_conflict(action, form.cleaned_data)
                form = stale_rebind(ActionProgressForm, request.POST, exc.current_version, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Progress saved")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = ActionProgressForm(
            initial={"status": action.status, "progress": action.progress, "version": action.version}
        )
    audit_family_shown(request, "family_help.action_update_viewed", family_case, target=action)
    return render(
        request,
        "cases/plan/action_update.html",
        _context(request, family_case, form=form, plan=plan, action=action, conflict=conflict),
    )


# --- the team around the family ----------------------------------------------------------------------------


@login_required
@require_GET
def taf(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case = family_case_get_for_user(user=user, family_case_id=pk)
    members = sel.taf_members(family_case=family_case)
    audit_family_shown(request, "family_help.taf_viewed", family_case)
    return render(
        request,
        "cases/plan/taf.html",
        _context(
            request,
            family_case,
            members=members,
            can_edit=sel.plan_can_edit(user=user, family_case=family_case),
            plan=sel.plan_for_family(family_case=family_case),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def taf_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The team around the family is chosen from a searchable list of practitioners of any agency (issue 13 item
    12): the search is a GET form filtering the list on the server; the choice and the role are posted."""
    user = request.user
    family_case = family_case_get_for_user(user=user, family_case_id=pk)
    require(sel.plan_can_edit(user=user, family_case=family_case))
    search = TafSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_bound and search.is_valid() else ""
    candidates = sel.taf_candidates(user=user, family_case=family_case)
    if request.method == "POST":
        form = TafAddForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                member = services.taf_add(
                    family_case=family_case,
                    actor=user,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{member.user.full_name} added to the team around the family")
                return redirect("cases:taf", pk=family_case.pk)
    else:
        form = TafAddForm(candidates=candidates)
    shown = sel.taf_candidates_search(user=user, family_case=family_case, query=query)
    chosen = str(form["user"].value() or "")
    rows = [
        {"user": u, "id": f"{form['user'].auto_id}_{index}", "checked": chosen == str(u.pk)}
        for index, u in enumerate(shown)
    ]
    audit_family_shown(request, "family_help.taf_form_viewed", family_case)
    return render(
        request,
        "cases/plan/taf_add.html",
        _context(
            request,
            family_case,
            form=form,
            search=search if search.is_bound else TafSearchForm(),
            query=query,
            rows=rows,
            limit=sel.TAF_CANDIDATES_SHOWN,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def taf_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = request.user
    family_case = family_case_get_for_user(user=user, family_case_id=pk)
    require(sel.plan_can_edit(user=user, family_case=family_case))
    member = sel.taf_member_get(family_case=family_case, member_id=member_pk)
    if request.method == "POST":
        form = TafRemoveForm(request.POST)
        if form.is_valid():
            try:
                services.taf_remove(member=member, actor=user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{member.user.full_name} removed from the team around the family")
                return redirect("cases:taf", pk=family_case.pk)
    else:
        form = TafRemoveForm()
    audit_family_shown(request, "family_help.taf_form_viewed", family_case, target=member)
    return render(request, "cases/plan/taf_remove.html", _context(request, family_case, form=form, member=member))


# --- reviews and versions ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case, plan = _family_and_plan(request, pk, edit=True)
    outcomes = sel.plan_outcomes(plan=plan)
    members = sel.taf_members_current(family_case=family_case)
    if request.method == "POST":
        form = ReviewForm(request.POST, outcomes=outcomes, members=members)
        if form.is_valid():
            try:
                review = services.review_add(plan=plan, actor=user, data=form.review_data(), ratings=form.ratings())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Review recorded: this is version {review.plan_version.number} of the plan")
                return redirect("cases:plan", pk=family_case.pk)
    else:
        form = ReviewForm(
            outcomes=outcomes,
            members=members,
            initial={"held_on": timezone.localdate(), "family_views": plan.family_views},
        )
    audit_family_shown(request, "family_help.review_form_viewed", family_case, target=plan)
    return render(request, "cases/plan/review_form.html", _context(request, family_case, form=form, plan=plan))


@login_required
@require_GET
def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    family_case, plan = _family_and_plan(request, pk)
    version = sel.plan_version_get(plan=plan, number=number)
    snapshot = version.snapshot or {}
    can_edit = sel.plan_can_edit(user=request.user, family_case=family_case)
    snapshot = sel.plan_snapshot_for_user(
        snapshot=snapshot, visible=sel.plan_visible_child_ids(family_case=family_case, user=request.user)
    )
    outcomes = snapshot["outcomes"]
    actions = [
        {
            **a,
            "status_label": dict(ActionStatus.choices).get(a.get("status"), a.get("status", "")),
            "due_on": _iso_date(a.get("due_on")),
        }
        for a in snapshot.get("actions", [])
    ]
    review = snapshot.get("review")
    if review:
        review = {
            **review,
            "held_on": _iso_date(review.get("held_on")),
            "next_review_on": _iso_date(review.get("next_review_on")),
        }
    audit_family_shown(request, "family_help.plan_version_viewed", family_case, target=version)
    return render(
        request,
        "cases/plan/version.html",
        _context(
            request,
            family_case,
            plan=plan,
            version=version,
            snap=snapshot,
            text=snapshot.get("plan", {}),
            outcomes=outcomes,
            actions=actions,
            taf_rows=snapshot.get("taf", []),
            review=review,
            can_edit=can_edit,
            versions=sel.plan_versions(plan=plan),
        ),
    )


# --- the two PDFs --------------------------------------------------------------------------------------------


def _pdf(request: HttpRequest, pk: int, *, family_friendly: bool) -> HttpResponse:
    from ..documents import plans as plan_pdf  # WeasyPrint loads only when a PDF is asked for

    family_case, plan = _family_and_plan(request, pk)
    children = family_children(family_case=family_case, user=request.user)
    audit_family_shown(
        request,
        "family_help.plan_family_pdf" if family_friendly else "family_help.plan_pdf",
        family_case,
        target=plan,
        children=children,
    )
    pdf = plan_pdf.render_plan_pdf(
        plan=plan, children=children, printed_by=request.user, family_friendly=family_friendly
    )
    kind = "family-plan" if family_friendly else "plan"
    return pdf_response(pdf, f"{kind}-{family_case.pk}.pdf")


@login_required
@require_GET
@disclosure_path(key="plan_pdf", label="The family's plan (PDF)", url_name="cases:plan_pdf")
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, family_friendly=False)


@login_required
@require_GET
@disclosure_path(
    key="plan_family_pdf",
    label="The family's version of the plan (PDF)",
    url_name="cases:plan_family_pdf",
    family_facing=True,
    purpose="The family's plan, given to the family",
)
def plan_family_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, family_friendly=True)


urlpatterns = [
    path("families/<int:pk>/plan/", plan_page, name="plan"),
    path("families/<int:pk>/plan/start/", plan_start, name="plan_start"),
    path("families/<int:pk>/plan/edit/", plan_edit, name="plan_edit"),
    path("families/<int:pk>/plan/outcomes/add/", outcome_add, name="outcome_add"),
    path("families/<int:pk>/plan/outcomes/<int:outcome_pk>/", outcome_edit, name="outcome_edit"),
    path("families/<int:pk>/plan/actions/add/", action_add, name="action_add"),
    path("families/<int:pk>/plan/actions/<int:action_pk>/", action_edit, name="action_edit"),
    path("families/<int:pk>/plan/actions/<int:action_pk>/progress/", action_update, name="action_update"),
    path("families/<int:pk>/team/", taf, name="taf"),
    path("families/<int:pk>/team/add/", taf_add, name="taf_add"),
    path("families/<int:pk>/team/<int:member_pk>/remove/", taf_remove, name="taf_remove"),
    path("families/<int:pk>/plan/reviews/add/", review_add, name="review_add"),
    path("families/<int:pk>/plan/versions/<int:number>/", plan_version, name="plan_version"),
    path("families/<int:pk>/plan/plan.pdf", plan_pdf, name="plan_pdf"),
    path("families/<int:pk>/plan/family-plan.pdf", plan_family_pdf, name="plan_family_pdf"),
]
