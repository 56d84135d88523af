"""Merging a duplicate record into this one, and undoing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, policy, selectors, services
from ..forms import (
    MergeChooseForm,
    MergeForm,
    UnmergeForm,
)
from ..http import require
from ..models import (
    Person,
    User,
)
from ..web import audit_shown
from .people import _display, _hit_rows

_MERGE_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "ethnicity",
    "first_language",
    "gender_identity",
)


def _merge_rows(user, kept: Person, other: Person) -> list[dict]:
    postcodes = selectors.current_postcodes(user=user, ids=[kept.pk, other.pk])
    rows = [{"label": "LA child ID", "kept": kept.la_child_id, "other": other.la_child_id}]
    for name in _MERGE_FIELDS:
        label = Person._meta.get_field(name).verbose_name
        label = "NHS number" if name == "nhs_number" else label[:1].upper() + label[1:]
        rows.append(
            {"label": label, "kept": _display(name, getattr(kept, name)), "other": _display(name, getattr(other, name))}
        )
    rows.append(
        {
            "label": "Current postcode",
            "kept": postcodes.get(kept.pk, "Not recorded"),
            "other": postcodes.get(other.pk, "Not recorded"),
        }
    )
    rows.append(
        {
            "label": "Restricted",
            "kept": "Yes" if kept.restricted else "No",
            "other": "Yes" if other.restricted else "No",
        }
    )
    for row in rows:
        row["differs"] = row["kept"] != row["other"]
    return rows


def _merge_candidates(user: User, person: Person) -> list[dict]:
    hits = selectors.person_find_duplicates(
        user=user,
        data={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth,
            "nhs_number": person.nhs_number or "",
        },
        exclude_id=person.pk,
    )
    return [row for row in _hit_rows(hits, user) if not row.get("restricted_placeholder")]


def _render_merge_page(
    request: HttpRequest,
    person: Person,
    *,
    choose_form: MergeChooseForm | None = None,
    merge_form: MergeForm | None = None,
    other: Person | None = None,
    unmerge_form: UnmergeForm | None = None,
    unmerge_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    merges = selectors.merges_into(person=person)
    for merge in merges:
        merge.undo_form = (
            unmerge_form
            if merge.pk == unmerge_id and unmerge_form is not None
            else UnmergeForm(auto_id=f"id_unmerge_{merge.pk}_%s")
        )
    candidates = _merge_candidates(user, person) if other is None else []
    # The page's error summary covers whichever form was just sent.
    form = next(
        (f for f in (unmerge_form, merge_form, choose_form) if f is not None and f.is_bound),
        choose_form or MergeChooseForm(),
    )
    context = {
        "person": person,
        "other": other,
        "choose_form": choose_form or MergeChooseForm(),
        "merge_form": merge_form,
        "rows": _merge_rows(user, person, other) if other else [],
        "candidates": candidates,
        "merges": merges,
        "form": form,
        "error_anchor": "merges" if form is unmerge_form else ("comparison" if other else ""),
    }
    shown = {person.pk, *(c["person"].pk for c in candidates), *(m.merged_id for m in merges)}
    if other is not None:
        shown.add(other.pk)
    audit_shown(request, "person_merge.viewed", shown, target=person)
    return render(request, "cases/person_merge.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.MERGE))
    person = selectors.person_get_for_user(user=user, person_id=pk)
    require(permissions.can_edit_person(user, person))
    if request.method == "POST":
        merge_form = MergeForm(request.POST, auto_id="id_merge_%s")
        other = None
        if merge_form.is_valid():
            other = selectors.person_get_for_user(user=user, person_id=merge_form.cleaned_data["merged"])
            try:
                services.person_merge(kept=person, merged=other, actor=user, reason=merge_form.cleaned_data["reason"])
            except services.MergeRefused as exc:
                merge_form.add_error(None, str(exc))
            except ValidationError as exc:
                merge_form.add_service_errors(exc)
            else:
                messages.success(
                    request, f"Record {other.la_child_id} merged into this one. You can undo this from the merge page."
                )
                return redirect("cases:person_detail", pk=person.pk)
        elif "merged" not in merge_form.errors:
            other = selectors.person_get_for_user(user=user, person_id=merge_form.cleaned_data["merged"])
        return _render_merge_page(request, person, merge_form=merge_form, other=other)
    if "duplicate" not in request.GET:
        return _render_merge_page(request, person)
    choose_form = MergeChooseForm(request.GET)
    other = None
    if choose_form.is_valid():
        other = selectors.person_get_by_la_child_id(user=user, la_child_id=choose_form.cleaned_data["duplicate"])
        if other is None:
            choose_form.add_error("duplicate", "There is no record with that LA child ID that you can see")
        elif other.pk == person.pk:
            choose_form.add_error("duplicate", "That is this record: enter the LA child ID of the duplicate")
            other = None
    merge_form = MergeForm(initial={"merged": other.pk}, auto_id="id_merge_%s") if other else None
    return _render_merge_page(request, person, choose_form=choose_form, merge_form=merge_form, other=other)


@login_required
@require_POST
def person_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.MERGE))
    merge = selectors.merge_get_for_user(user=user, merge_id=pk)
    person = merge.kept
    require(permissions.can_edit_person(user, person))
    form = UnmergeForm(request.POST, auto_id=f"id_unmerge_{merge.pk}_%s")
    if form.is_valid():
        try:
            services.person_unmerge(merge=merge, actor=user, reason=form.cleaned_data["reason"])
        except services.MergeRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Merge undone: {merge.merged.la_child_id} is a separate record again")
            return redirect("cases:person_detail", pk=person.pk)
    return _render_merge_page(request, person, unmerge_form=form, unmerge_id=merge.pk)
