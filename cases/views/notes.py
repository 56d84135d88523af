"""Case notes: write (with a draft), read, correct."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
)
from ..web import audit_shown, form_differences, stale_rebind


def _save_note(request: HttpRequest, form: CaseNoteForm, person: Person, note: CaseNote | None) -> CaseNote:
    """Save the draft, and make it final when that button was pressed: both or neither (one service)."""
    data = (
        form.note_data()
        if note is not None
        else {**form.note_data(), "episode": selectors.episode_open_for(person=person)}
    )
    return services.case_note_save(
        person=person,
        actor=request.user,
        data=data,
        note=note,
        expected_version=form.cleaned_data.get("version") if note is not None else None,
        finalise=request.POST.get("action") == "final",
    )


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
    audit_shown(request, "case_note_form.viewed", [person.pk], target=person)
    return render(request, "cases/case_note_form.html", {"form": form, "person": person, "note": None})


@login_required
@require_http_methods(["GET", "POST"])
def case_note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    note = selectors.case_note_get_for_user(user=user, note_id=pk)
    # Only the author's own draft can be changed; a final note is only ever corrected.
    require(note.status == CaseNote.Status.DRAFT and note.author_id == user.pk)
    person = note.person
    require(permissions.can_edit_person(user, person))
    conflict = None
    if request.method == "POST":
        form = CaseNoteForm(request.POST)
        if form.is_valid():
            try:
                note = _save_note(request, form, person, note)
            except PermissionDenied:
                raise Http404 from None
            except services.StaleEdit as exc:
                note.refresh_from_db()
                conflict = form_differences(form, CaseNoteForm.initial_from(note))
                form = stale_rebind(
                    CaseNoteForm,
                    request.POST,
                    exc.current_version,
                    "This draft was saved from another window or tab while you were editing it. "
                    "Your changes here have not been saved: check them, then save again.",
                )
            except services.Conflict as exc:  # finalised from another window meanwhile
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                _note_saved_message(request, note)
                return redirect("cases:case_note_detail", pk=note.pk)
    else:
        form = CaseNoteForm(initial=CaseNoteForm.initial_from(note))
    audit_shown(request, "case_note_form.viewed", [person.pk], target=note)
    return render(
        request, "cases/case_note_form.html", {"form": form, "person": person, "note": note, "conflict": conflict}
    )


def _render_note(request: HttpRequest, note: CaseNote, form: CorrectionForm | None) -> HttpResponse:
    user = request.user
    can_correct = note.status == CaseNote.Status.FINAL and permissions.can_edit_person(user, note.person)
    context = {
        "note": note,
        "person": note.person,
        "corrections": selectors.case_note_corrections(note=note),
        "form": form or (CorrectionForm() if can_correct else None),
        "can_correct": can_correct,
        "can_edit": note.status == CaseNote.Status.DRAFT and note.author_id == user.pk,
        "visibility": note.visibility_labels,
    }
    audit_shown(request, "case_note.viewed", [note.person_id], target=note)
    return render(request, "cases/case_note_detail.html", context)


@login_required
@require_GET
def case_note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_note(request, selectors.case_note_get_for_user(user=request.user, note_id=pk), None)


@login_required
@require_POST
def case_note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    note = selectors.case_note_get_for_user(user=user, note_id=pk)
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
