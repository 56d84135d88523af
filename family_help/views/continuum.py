"""Family Help pages: the continuum of need (change level, step up, step down, close), visits and notes in
the Family Help strand, and supervision.

selector -> form -> one service -> redirect. Out of scope is 404, and so is a page the user may not use (a
team-around-the-family member has no step-up page; only managers and the practitioner read a supervision).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import policy
from cases.http import require
from cases.models import CaseNote, FamilyCase, FamilyCaseMember, Role, User
from cases.permissions import can_edit_person
from cases.selectors import users_with_role
from cases.services import case_note_save
from cases.web import audit_shown, stale_rebind

from ..forms.continuum import ChangeLevelForm, CloseForm, FamilyNoteForm, StepDownForm, StepUpForm, SupervisionForm
from ..permissions import SUPERVISED
from ..selectors import continuum as sel
from ..selectors import family_case_get_for_user, family_case_visible, family_children
from ..services import continuum as services
from ..services.supervision import supervision_action_done as supervision_action_done_service
from ..services.supervision import supervision_record


def family_url(pk: int) -> str:
    """The family's Family Help page (the allocation area's); the first child's record until it exists."""
    try:
        return reverse("family_help:family", args=[pk])
    except NoReverseMatch:
        child = FamilyCaseMember.objects.filter(family_case_id=pk, role=FamilyCaseMember.Role.CHILD).first()
        return reverse("cases:person_detail", args=[child.person_id]) if child else reverse("home")


def _after_closure_url() -> str:
    try:
        return reverse("family_help:my_families")
    except NoReverseMatch:
        return reverse("home")


def _family_to_change(request: HttpRequest, pk: int) -> FamilyCase:
    family = family_case_get_for_user(user=request.user, family_case_id=pk)
    require(sel.can_change_continuum(user=request.user, family_case=family))
    return family


# --- the continuum ---------------------------------------------------------------------------------------

_PAGES = {
    "change_level": (
        ChangeLevelForm,
        "family_help/continuum/change_level.html",
        services.continuum_change_level,
        "Level of need changed",
    ),
    "step_up": (
        StepUpForm,
        "family_help/continuum/step_up.html",
        services.continuum_step_up,
        "Stepped up to child protection: the MACPT has been asked for a strategy discussion",
    ),
    "step_down": (StepDownForm, "family_help/continuum/step_down.html", services.continuum_step_down, "Stepped down"),
    "close": (CloseForm, "family_help/continuum/close.html", services.continuum_close, "Family Help closed"),
}


def _values(name: str, data: dict) -> dict:
    keys = {
        "change_level": ("to", "reason", "changed_on", "referral_source", "reason_code"),
        "step_up": ("worry", "reason", "urgent", "referral_source"),
        "step_down": ("to", "reason", "changed_on", "reason_code", "summary"),
        "close": ("reason_code", "summary", "closed_on"),
    }[name]
    return {k: data.get(k) for k in keys}


def _continuum_page(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    form_class, template, service, done = _PAGES[name]
    user = request.user
    family = _family_to_change(request, pk)
    rows = sel.family_continuum(family_case=family, user=user)
    # Stepping down from child protection, or closing with child protection work open, is the LCPP's.
    locked = sel.child_protection_locked(user=user, rows=rows) if name in ("step_down", "close") else {}
    if request.method == "POST":
        form = form_class(request.POST, rows=rows, locked=locked)
        if form.is_valid():
            try:
                service(
                    family_case=family,
                    actor=user,
                    children=form.chosen_people(),
                    expected_state=form.cleaned_data.get("state") or None,
                    **_values(name, form.cleaned_data),
                )
            except PermissionDenied:
                raise Http404 from None
            except services.StaleContinuum as exc:
                rows = sel.family_continuum(family_case=family, user=user)
                locked = sel.child_protection_locked(user=user, rows=rows) if name in ("step_down", "close") else {}
                form = stale_rebind(
                    lambda data: form_class(data, rows=rows, locked=locked),
                    request.POST,
                    exc.current["state"],
                    exc.messages,
                    version_field="state",
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, done)
                if not family_case_visible(user=user, family_case_id=family.pk):
                    # Closing ends the lead's access with the episodes: back to their list, not a missing page.
                    return redirect(_after_closure_url())
                return redirect(family_url(family.pk))
    else:
        initial = {"state": sel.continuum_state(family_case=family)}
        open_rows = [r for r in rows if r.episode is not None and r.person.pk not in locked]
        if name == "close" or len(open_rows) == 1:
            initial["children"] = [str(r.person.pk) for r in open_rows]
        if name == "close":
            initial["closed_on"] = timezone.localdate()
        form = form_class(initial=initial, rows=rows, locked=locked)
    audit_shown(request, f"family_help.{name}_form_viewed", [r.person.pk for r in rows], target=family)
    return render(
        request,
        template,
        {
            "family": family,
            "form": form,
            "rows": rows,
            "family_url": family_url(family.pk),
            "lcpp_count": _lcpp_count() if name == "step_up" else None,
            "locked_rows": [(r, locked[r.person.pk]) for r in rows if r.person.pk in locked],
            "offerable": any(r.episode is not None and r.person.pk not in locked for r in rows),
        },
    )


def _lcpp_count() -> int:
    return users_with_role(Role.LCPP).count()


@login_required
@require_http_methods(["GET", "POST"])
def change_level(request: HttpRequest, pk: int) -> HttpResponse:
    return _continuum_page(request, pk, "change_level")


@login_required
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _continuum_page(request, pk, "step_up")


@login_required
@require_http_methods(["GET", "POST"])
def step_down(request: HttpRequest, pk: int) -> HttpResponse:
    return _continuum_page(request, pk, "step_down")


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _continuum_page(request, pk, "close")


# --- visits and notes --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit (child seen, seen alone) or a case note about one of the family's children, in the
    Family Help strand; the shared record's note services do the rest (drafts, finalising, the chronology)."""
    user = request.user
    family = family_case_get_for_user(user=user, family_case_id=pk)
    children = [c for c in family_children(family_case=family, user=user) if can_edit_person(user, c)]
    require(bool(children))
    if request.method == "POST":
        form = FamilyNoteForm(request.POST, children=children)
        if form.is_valid():
            child = form.chosen_child()
            episode = sel.open_episodes(family_case=family, children=[child]).get(child.pk)
            try:
                note = case_note_save(
                    person=child,
                    actor=user,
                    data={**form.note_data(), "episode": episode},
                    finalise=request.POST.get("action") == "final",
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    "Saved and made final"
                    if note.status == CaseNote.Status.FINAL
                    else "Draft saved. Only you can see it until you make it final.",
                )
                return redirect("cases:case_note_detail", pk=note.pk)
    else:
        kind = request.GET.get("kind", CaseNote.Kind.VISIT)
        initial = {
            "occurred_on": timezone.localdate(),
            "kind": kind if kind in CaseNote.Kind.values else CaseNote.Kind.VISIT,
        }
        if len(children) == 1:
            initial["child"] = str(children[0].pk)
        form = FamilyNoteForm(initial=initial, children=children)
    audit_shown(request, "family_help.note_form_viewed", [c.pk for c in children], target=family)
    return render(
        request,
        "family_help/continuum/note_form.html",
        {"family": family, "form": form, "family_url": family_url(family.pk)},
    )


# --- supervision ---------------------------------------------------------------------------------------


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    """Managers: every practitioner's supervision frequency, overdue and never held first. A practitioner: their
    own supervision records and when the next is due."""
    user = request.user
    if sel.is_manager(user):
        overdue_only = request.GET.get("show") == "overdue"
        rows = sel.supervision_frequency(overdue_only=overdue_only)
        audit_shown(
            request,
            "family_help.supervision_frequency_viewed",
            [],
            target_type="family_help.supervision",
            reason=f"{len(rows)} practitioners",
        )
        return render(
            request,
            "family_help/continuum/supervision_frequency.html",
            {"rows": rows, "overdue_only": overdue_only, "overdue_count": sum(1 for r in rows if r.overdue)},
        )
    require(policy.may(user, SUPERVISED))
    return _practitioner_page(request, user)


@login_required
@require_GET
def supervision_practitioner(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(sel.is_manager(user) or user.pk == pk)
    practitioner = sel.practitioner_get(practitioner_id=pk)
    require(practitioner is not None)
    return _practitioner_page(request, practitioner)


def _practitioner_page(request: HttpRequest, practitioner: User) -> HttpResponse:
    records = list(sel.supervision_list_for_user(user=request.user, practitioner_id=practitioner.pk))
    due = sel.supervision_frequency(practitioner_ids=[practitioner.pk])
    audit_shown(
        request,
        "family_help.supervision_listed",
        sel.supervision_child_ids(records),
        target_type="family_help.supervision",
        target_id=",".join(str(r.pk) for r in records),
    )
    return render(
        request,
        "family_help/continuum/supervision_practitioner.html",
        {
            "practitioner": practitioner,
            "records": records,
            "due": due[0] if due else None,
            "own": practitioner.pk == request.user.pk,
            "can_add": sel.is_manager(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(sel.is_manager(user))
    options = {
        "practitioners": sel.practitioners(excluding=user),
        "families": sel.supervisable_families(),
        "supervisor": user,
    }
    if request.method == "POST":
        form = SupervisionForm(request.POST, **options)
        if form.is_valid():
            try:
                record = supervision_record(actor=user, **form.service_values())
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Supervision recorded")
                return redirect("family_help:supervision_detail", pk=record.pk)
    else:
        initial = {"held_on": timezone.localdate()}
        for key, name in (("practitioner", "practitioner"), ("family", "family_case")):
            if request.GET.get(key, "").isdigit():
                initial[name] = int(request.GET[key])
        form = SupervisionForm(initial=initial, **options)
    return render(request, "family_help/continuum/supervision_form.html", {"form": form})


@login_required
@require_GET
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = sel.supervision_get_for_user(user=request.user, supervision_id=pk, with_actions=True)
    actions = list(record.actions.all())
    audit_shown(request, "family_help.supervision_viewed", sel.supervision_child_ids([record]), target=record)
    return render(
        request,
        "family_help/continuum/supervision_detail.html",
        {
            "record": record,
            "actions": actions,
            "today": timezone.localdate(),
            "can_mark": {
                a.pk
                for a in actions
                if not a.done_on
                and (sel.is_manager(request.user) or request.user.pk in {a.owner_id, record.practitioner_id})
            },
            "family_url": family_url(record.family_case_id) if record.family_case_id else "",
        },
    )


@login_required
@require_POST
def supervision_action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    record = sel.supervision_get_for_user(user=request.user, supervision_id=pk)
    action = sel.supervision_action_get(record=record, action_id=action_pk)
    require(action is not None)
    try:
        supervision_action_done_service(action=action, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Action marked done")
    return redirect("family_help:supervision_detail", pk=record.pk)


urlpatterns = [
    path("families/<int:pk>/level/", change_level, name="change_level"),
    path("families/<int:pk>/step-up/", step_up, name="step_up"),
    path("families/<int:pk>/step-down/", step_down, name="step_down"),
    path("families/<int:pk>/close/", close, name="close"),
    path("families/<int:pk>/notes/new/", note_add, name="note_add"),
    path("supervision/", supervision, name="supervision"),
    path("supervision/new/", supervision_add, name="supervision_add"),
    path("supervision/practitioners/<int:pk>/", supervision_practitioner, name="supervision_practitioner"),
    path("supervision/<int:pk>/", supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/actions/<int:action_pk>/done/", supervision_action_done, name="supervision_action_done"),
]
