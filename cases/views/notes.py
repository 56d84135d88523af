"""Case notes: write (with a draft), read, correct."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import permissions, selectors, services
from ..forms import (
    CaseNoteForm,
    CorrectionForm,
)
from ..http import require
from ..models import (
    CaseNote,
    Person,
    User,
    VisibilityTag,
)
from .common import _audit_read, _open_episode


def _notes_visible_to(user: User, person: Person) -> QuerySet[CaseNote]:
    """Final notes, and the user's own drafts (a draft is the author's alone until it is made final)."""
    return (CaseNote.objects.filter(person=person).filter(Q(status=CaseNote.Status.FINAL) | Q(author=user))
            .select_related("author", "author__agency").annotate(correction_count=Count("corrections"))
            .order_by("-occurred_at", "-id"))


def _note_for_user(user: User, note_id: int) -> CaseNote:
    """A note whose child the user may see; a draft only for its author. 404 otherwise."""
    qs = (CaseNote.objects.filter(person__in=permissions.person_scope(user))
          .filter(Q(status=CaseNote.Status.FINAL) | Q(author=user))
          .select_related("person", "author", "author__agency"))
    return get_object_or_404(qs, pk=note_id)


def _save_note(request: HttpRequest, form: CaseNoteForm, person: Person, note: CaseNote | None) -> CaseNote:
    """Save the draft, and make it final when that button was pressed: both or neither."""
    with transaction.atomic():
        if note is None:
            note = services.case_note_save_draft(person=person, actor=request.user,
                                                 data={**form.note_data(), "episode": _open_episode(person)})
        else:
            note = services.case_note_save_draft(person=person, actor=request.user, data=form.note_data(),
                                                 note=note, expected_version=form.cleaned_data.get("version"))
        if request.POST.get("action") == "final":
            note = services.case_note_finalise(note=note, actor=request.user)
    return note


def _note_saved_message(request: HttpRequest, note: CaseNote) -> None:
    if note.status == CaseNote.Status.FINAL:
        messages.success(request, "Note saved and made final")
    else:
        messages.success(request, "Draft saved. Only you can see it until you make it final.")


@login_required
@require_http_methods(["GET", "POST"])
def case_note_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get_for_user(user=user, person_id=pk)
    require(permissions.can_edit_person(user, person))
    if request.method == "POST":
        form = CaseNoteForm(request.POST)
        if form.is_valid():
            try:
                note = _save_note(request, form, person, None)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                _note_saved_message(request, note)
                return redirect("cases:case_note_detail", pk=note.pk)
    else:
        form = CaseNoteForm(initial={"occurred_on": timezone.localdate()})
    _audit_read(request, "case_note_form.viewed", [person.pk], target=person)
    return render(request, "cases/case_note_form.html", {"form": form, "person": person, "note": None})


@login_required
@require_http_methods(["GET", "POST"])
def case_note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    note = _note_for_user(user, pk)
    # Only the author's own draft can be changed; a final note is only ever corrected.
    require(note.status == CaseNote.Status.DRAFT and note.author_id == user.pk)
    person = note.person
    require(permissions.can_edit_person(user, person))
    if request.method == "POST":
        form = CaseNoteForm(request.POST)
        if form.is_valid():
            try:
                note = _save_note(request, form, person, note)
            except PermissionDenied:
                raise Http404 from None
            except services.StaleEdit as exc:
                data = request.POST.copy()
                data["version"] = str(exc.current_version)
                form = CaseNoteForm(data)
                form.is_valid()
                form.add_error(None, "This draft was saved from another window or tab while you were editing "
                                     "it. Your changes here have not been saved: check them, then save again.")
            except services.Conflict as exc:  # finalised from another window meanwhile
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                _note_saved_message(request, note)
                return redirect("cases:case_note_detail", pk=note.pk)
    else:
        form = CaseNoteForm(initial=CaseNoteForm.initial_from(note))
    _audit_read(request, "case_note_form.viewed", [person.pk], target=note)
    return render(request, "cases/case_note_form.html", {"form": form, "person": person, "note": note})


def _render_note(request: HttpRequest, note: CaseNote, form: CorrectionForm | None) -> HttpResponse:
    user = request.user
    can_correct = note.status == CaseNote.Status.FINAL and permissions.can_edit_person(user, note.person)
    context = {
        "note": note, "person": note.person,
        "corrections": list(note.corrections.select_related("author", "author__agency")),
        "form": form or (CorrectionForm() if can_correct else None), "can_correct": can_correct,
        "can_edit": note.status == CaseNote.Status.DRAFT and note.author_id == user.pk,
        "visibility": _visibility_labels(note.visibility_tags),
    }
    _audit_read(request, "case_note.viewed", [note.person_id], target=note)
    return render(request, "cases/case_note_detail.html", context)


def _visibility_labels(tags) -> list[str]:
    labels = dict(VisibilityTag.choices)
    return [labels.get(tag, tag) for tag in tags]


@login_required
@require_GET
def case_note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_note(request, _note_for_user(request.user, pk), None)


@login_required
@require_POST
def case_note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    note = _note_for_user(user, pk)
    require(permissions.can_edit_person(user, note.person))
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_correct(note=note, actor=user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Correction added to the note")
            return redirect("cases:case_note_detail", pk=note.pk)
    return _render_note(request, note, form)
