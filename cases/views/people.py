"""The child's record: search, the record page, create and edit."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from .. import permissions, policy, selectors, services
from ..codes import disability_choices, ethnicity_choices
from ..forms import (
    PersonCreateForm,
    PersonEditForm,
    PersonSearchForm,
)
from ..http import require
from ..models import (
    Episode,
    Person,
    Sex,
)
from ..services.breakglass import break_glass_current
from ..web import Difference, audit_shown, differences, likely_duplicate_links, paginate, stale_rebind
from .breakglass import BREAK_GLASS_REASON_KEY
from .chronology import _rows_for_table
from .common import (
    DUPLICATE_RESTRICTED_TEXT,
    NOTES_PAGE_SIZE,
    RECORD_CHRONOLOGY_ENTRIES,
    _may_use_records,
)


def _ethnicity_label(code: str) -> str:
    return dict(ethnicity_choices()).get(code, code) if code else ""


def _disability_labels(codes) -> list[str]:
    labels = dict(disability_choices())
    return [labels.get(code, code) for code in codes or []]


def _display(name: str, value) -> str:
    """A person's field as the pages show it (also used to compare two versions of a record)."""
    if value in (None, "", []):
        return "Not recorded"
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if name == "sex":
        return dict(Sex.choices).get(value, value)
    if name == "ethnicity":
        return f"{_ethnicity_label(value)} ({value})"
    if name == "disabilities":
        return ", ".join(_disability_labels(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "nhs_number":
        return _format_nhs(value)
    return str(value)


def _format_nhs(value: str | None) -> str:
    if value and len(value) == 10:
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    return value or ""


def _person_facts(person: Person) -> dict:
    today = timezone.localdate()
    return {
        "age": person.age_on(person.date_of_death or today),
        "nhs_number": _format_nhs(person.nhs_number),
        "ethnicity": _ethnicity_label(person.ethnicity),
        "disabilities": _disability_labels(person.disabilities),
    }


def _hit_rows(hits, user) -> list[dict]:
    """Search or duplicate hits for a table: a restricted placeholder carries nothing but its text."""
    postcodes = selectors.current_postcodes(
        user=user, ids=[h.person.pk for h in hits if h.person is not None and not h.outside]
    )
    rows = []
    for hit in hits:
        if hit.person is None:
            rows.append({"restricted_placeholder": True})
            continue
        if hit.outside:
            # Name and date of birth only; the name links to the break-glass page.
            rows.append({"person": hit.person, "outside": True})
            continue
        rows.append(
            {
                "person": hit.person,
                "score": round(hit.score * 100),
                "reasons": hit.reasons,
                "postcode": postcodes.get(hit.person.pk, ""),
                "duplicates": likely_duplicate_links(hit, user),
            }
        )
    return rows


# --- search ----------------------------------------------------------------------------------------


@login_required
@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(_may_use_records(user))
    break_glass = permissions.may_break_glass(user)
    form = PersonSearchForm(request.GET or None, break_glass=break_glass)
    rows: list[dict] = []
    searched = False
    whole_council = False
    if form.is_bound and form.is_valid():
        criteria = selectors.SearchCriteria(**form.criteria_values())
        whole_council = form.searches_whole_council
        if not criteria.is_empty:
            hits = selectors.person_search(user=user, criteria=criteria, whole_council=whole_council)
            rows = _hit_rows(hits, user)
            searched = True
            reason = form.cleaned_data["reason"] if whole_council else ""
            if whole_council:
                # The reason goes with the user to the record they open (the break-glass page asks to confirm it).
                request.session[BREAK_GLASS_REASON_KEY] = reason
            # One row for the whole list, holding every id shown (never a restricted placeholder's); a whole-council
            # search is its own verb, with its reason.
            audit_shown(
                request,
                "person_search.whole_council" if whole_council else "person_search.viewed",
                [h.person.pk for h in hits if h.person is not None],
                target_type="cases.person",
                reason=reason,
            )
    return render(
        request,
        "cases/person_search.html",
        {
            "form": form,
            "rows": rows,
            "searched": searched,
            "restricted_text": DUPLICATE_RESTRICTED_TEXT,
            "create_query": request.GET.urlencode() if searched else "",
            "whole_council": whole_council,
        },
    )


# --- the child's record ----------------------------------------------------------------------------


def _episode_view(episode: Episode) -> dict:
    levels = list(episode.levels.all())  # prefetched by person_record, oldest first
    leads = list(episode.leads.all())
    return {
        "episode": episode,
        "level": next((lv for lv in levels if lv.ended_at is None), None),
        "levels": list(reversed(levels)),
        "leads": [lead for lead in leads if lead.ended_at is None],
        "past_leads": [lead for lead in reversed(leads) if lead.ended_at is not None],
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get_for_user(user=user, person_id=pk)
    record = selectors.person_record(person=person, user=user)
    network = selectors.family_network(person=person)
    openable = selectors.person_ids_in_scope(user=user, ids=[member["person"].pk for member in network])
    # A restricted relative the viewer is not on the list of is shown only as a relationship, never by name.
    hidden = selectors.people_restricted_for_user(user=user, people=[member["person"] for member in network])
    for member in network:
        member["openable"] = member["person"].pk in openable
        member["hidden"] = member["person"].pk in hidden
    involvements = record["involvements"]
    current_episode = record["current_episode"]
    notes = paginate(
        request, selectors.case_notes_for_person(user=user, person=person), per_page=NOTES_PAGE_SIZE, param="notes_page"
    )
    is_merger = policy.may(user, policy.MERGE)
    context = {
        "person": person,
        "facts": _person_facts(person),
        "addresses": sorted(record["addresses"], key=lambda a: a.end_date is not None),
        "other_names": record["other_names"],
        "network": network,
        "involvements_current": [i for i in involvements if i.is_active],
        "involvements_past": [i for i in involvements if not i.is_active],
        "episode": _episode_view(current_episode) if current_episode else None,
        "past_episodes": [e for e in record["episodes"] if e.closed_on is not None],
        "chronology": _rows_for_table(
            selectors.chronology_for_person(user=user, person=person)[:RECORD_CHRONOLOGY_ENTRIES]
        ),
        "notes_page": notes.page,
        "notes_pagination": notes,
        "can_edit": permissions.can_edit_person(user, person),
        "can_merge": is_merger,
        "can_read_audit": policy.may(user, policy.READ_AUDIT),
        "merges": selectors.merges_into(person=person) if is_merger else [],
        # Only a user the request loaded with an active grant asks which (cases.auth): no query for anyone else.
        "break_glass": break_glass_current(user=user, person=person),
    }
    audit_shown(request, "person.viewed", [person.pk], target=person)
    return render(request, "cases/person_detail.html", context)


# --- create and edit -------------------------------------------------------------------------------


def _create_initial(request: HttpRequest) -> dict:
    """Carry what was searched for into the new record, so nothing is typed twice."""
    search = PersonSearchForm(request.GET)
    if not request.GET or not search.is_valid():
        return {}
    tokens = search.cleaned_data["name"].split()
    initial = {
        "date_of_birth": search.cleaned_data["dob"],
        "nhs_number": search.cleaned_data["nhs_number"],
        "postcode": search.cleaned_data["postcode"],
    }
    if tokens:
        initial["first_name"] = tokens[0]
    if len(tokens) > 1:
        initial["last_name"] = tokens[-1]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The same rule as the API: only roles that see every record create one (anyone else would lose
    # sight of the record they had just made).
    require(policy.may(user, policy.CREATE_PERSON))
    duplicates: list[dict] = []
    if request.method == "POST":
        form = PersonCreateForm(request.POST)
        valid = form.is_valid()
        data = form.person_data()
        hits = []
        # Likely duplicates are shown whenever the name is usable, even beside errors in other fields, so
        # that fixing a mistyped NHS number does not hide them (or undo the "none of these" answer).
        if "first_name" in form.cleaned_data and "last_name" in form.cleaned_data:
            hits = selectors.person_find_duplicates(
                user=user, data={**data, "postcode": form.cleaned_data.get("postcode", "")}
            )
        confirmed = request.POST.get("confirm_no_duplicate") == "yes"
        if valid and (not hits or confirmed):
            try:
                person = services.person_create_with_address(actor=user, data=data, address=form.address)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Record created for {person.full_name}, LA child ID {person.la_child_id}")
                return redirect("cases:person_detail", pk=person.pk)
        duplicates = _hit_rows(hits, user)
        shown = [h.person.pk for h in hits if h.person is not None]
        if shown:
            audit_shown(request, "person_duplicates.viewed", shown, target_type="cases.person")
    else:
        form = PersonCreateForm(initial=_create_initial(request))
    return render(
        request,
        "cases/person_form.html",
        {
            "form": form,
            "creating": True,
            "duplicates": duplicates,
            "restricted_text": DUPLICATE_RESTRICTED_TEXT,
            "confirmed": request.method == "POST" and request.POST.get("confirm_no_duplicate") == "yes",
        },
    )


def _conflict_rows(saved: Person, form: PersonEditForm) -> list[Difference]:
    """Each field where the record as saved now differs from what this user entered."""

    def entered(name: str):
        value = form.cleaned_data[name]
        return Sex.UNKNOWN if name == "sex" and not value else value

    return differences(
        (field.label, _display(name, getattr(saved, name)), _display(name, entered(name)))
        for name, field in form.fields.items()
        if name != "version" and name in form.cleaned_data
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get_for_user(user=user, person_id=pk)
    require(permissions.can_edit_person(user, person))
    conflict: list[Difference] | None = None
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            try:
                services.person_update(
                    person=person, actor=user, data=form.person_data(), expected_version=form.cleaned_data["version"]
                )
            except services.StaleEdit as exc:
                person.refresh_from_db()
                conflict = _conflict_rows(person, form)
                form = stale_rebind(PersonEditForm, request.POST, exc.current_version, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Changes saved")
                return redirect("cases:person_detail", pk=person.pk)
    else:
        form = PersonEditForm(
            initial={
                **{name: getattr(person, name) for name in PersonEditForm.base_fields if hasattr(person, name)},
                "version": person.version,
            }
        )
    audit_shown(request, "person_edit.viewed", [person.pk], target=person)
    return render(
        request, "cases/person_form.html", {"form": form, "person": person, "creating": False, "conflict": conflict}
    )
