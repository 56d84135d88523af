"""Pages of the shared record: sign in and out, home, the health check, and the child's record.

Every page that shows a person's data writes one read-audit row before it renders (if that insert
fails, the page fails and shows nothing), and everything out of the user's scope is 404, never 403.
Views stay thin: selector, form, one service, redirect; the rules live in cases.services.
"""

import csv
import datetime as dt
import logging
from types import SimpleNamespace

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import permissions, policy, selectors, services
from .codes import disability_choices, ethnicity_choices
from .forms import (
    AuditFilterForm,
    CaseNoteForm,
    ChronologyFilterForm,
    CorrectionForm,
    MergeChooseForm,
    MergeForm,
    PersonCreateForm,
    PersonEditForm,
    PersonSearchForm,
    SignInForm,
    UnmergeForm,
)
from .http import require
from .models import (
    Address,
    AuditEvent,
    CaseNote,
    ChronologyEntry,
    Episode,
    Person,
    PersonMerge,
    Role,
    Sex,
    Strand,
    User,
    VisibilityTag,
)
from .selectors import worker_heartbeat_latest
from .services import audit_record

logger = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    """GOV.UK sign-in. Every attempt, good or bad, leaves an audit row."""

    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(actor=form.get_user(), verb="auth.sign_in", kind=AuditEvent.Kind.AUTH)
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        if form.is_bound and not (form.has_error("username") or form.has_error("password")):
            audit_record(
                actor=None,
                verb="auth.sign_in_failed",
                kind=AuditEvent.Kind.AUTH,
                after={"email": form.data.get("username", "")[:254]},
            )
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        if was_signed_in:
            audit_record(actor=request.user, verb="auth.sign_out", kind=AuditEvent.Kind.AUTH)
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, "You have signed out.")
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    labels = dict(Role.choices)
    return render(
        request,
        "home.html",
        {
            "teams": user.teams.all(),
            "role_labels": sorted(labels[r] for r in user.roles if r in labels),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and a worker heartbeat no older than HEARTBEAT_STALE_SECONDS; 503 otherwise."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:  # any failure means unhealthy; the reason goes to the log, not the page
        logger.warning("healthz: database check failed: %s", exc)
        checks["database"] = {"ok": False}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        checks["redis"] = {"ok": bool(client.ping())}
    except Exception as exc:  # noqa: BLE001  (same as above)
        logger.warning("healthz: redis check failed: %s", exc)
        checks["redis"] = {"ok": False}
    latest = worker_heartbeat_latest() if checks["database"]["ok"] else None
    age = (timezone.now() - latest).total_seconds() if latest else None
    checks["worker"] = {
        "ok": age is not None and age <= settings.HEARTBEAT_STALE_SECONDS,
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "stale_after_seconds": settings.HEARTBEAT_STALE_SECONDS,
    }
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)


# ================================================================================================
# The shared record
# ================================================================================================

CHRONOLOGY_PAGE_SIZE = 100
RECORD_CHRONOLOGY_ENTRIES = 10
NOTES_PAGE_SIZE = 20
ACCESS_LOG_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50

# GOV.UK tag colours for the strands (each strand keeps its colour on every page).
STRAND_TAGS = {
    Strand.RECORD: "govuk-tag--grey",
    Strand.FRONT_DOOR: "govuk-tag--teal",
    Strand.FAMILY_HELP: "govuk-tag--green",
    Strand.MACPT: "govuk-tag--pink",
    Strand.FGDM: "govuk-tag--purple",
}
STRAND_LABELS = dict(Strand.choices)
DUPLICATE_RESTRICTED_TEXT = "A restricted record also matches. Ask the front door manager."


# --- small helpers -------------------------------------------------------------------------------


def _may_use_records(user: User) -> bool:
    # A partner referrer or administrator never sees a child's record, and neither does a user with no role.
    return not (user.roles <= policy.NEVER)


def _audit_read(request: HttpRequest, verb: str, child_ids, target=None, target_type: str = "") -> None:
    """One read-audit row for this response, written before anything is rendered."""
    services.audit_read(actor=request.user, verb=verb, child_ids=list(child_ids), target=target,
                        target_type=target_type)


def _in_scope_ids(user: User, ids) -> set[int]:
    """Which of these people the user may open, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(permissions.person_scope(user).filter(pk__in=ids).values_list("pk", flat=True))


def _safe_link(link: str) -> str:
    """Only a path on this site becomes a link (a chronology entry's link is data, not markup)."""
    if link and link.startswith("/") and not link.startswith("//") and url_has_allowed_host_and_scheme(
            link, allowed_hosts=None):
        return link
    return ""


def _page(items, per_page: int, number) -> tuple[Page, list]:
    page = Paginator(items, per_page).get_page(number)
    page_range = [n if isinstance(n, int) else None
                  for n in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]
    return page, page_range


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


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ").strip().capitalize()


def _entries_for_display(entries) -> list[ChronologyEntry]:
    rows = list(entries)
    for entry in rows:
        # Formatted once here: Django's date filter, three times a row, was a fifth of the page's time.
        when = timezone.localtime(entry.occurred_at)
        entry.when_iso, entry.when_date, entry.when_time = (when.isoformat(), f"{when.day} {when:%b %Y}",
                                                            f"{when:%H:%M}")
        entry.safe_link = _safe_link(entry.link)
        entry.strand_tag = STRAND_TAGS.get(entry.strand, "govuk-tag--grey")
        entry.kind_label = _kind_label(entry.kind)
    return rows


_TABLE_FIELDS = ("occurred_at", "strand", "kind", "summary", "significant", "link", "author__full_name",
                 "source_agency__name")


def _rows_for_table(entries: QuerySet[ChronologyEntry]) -> list[SimpleNamespace]:
    """The chronology table's rows as plain values (no model instances: a page holds up to a hundred)."""
    rows = []
    for occurred_at, strand, kind, summary, significant, link, author, agency in entries.values_list(*_TABLE_FIELDS):
        when = timezone.localtime(occurred_at)
        rows.append(SimpleNamespace(
            when_iso=when.isoformat(), when_date=f"{when.day} {when:%b %Y}", when_time=f"{when:%H:%M}",
            strand=strand, strand_tag=STRAND_TAGS.get(strand, "govuk-tag--grey"), kind_label=_kind_label(kind),
            summary=summary, significant=significant, safe_link=_safe_link(link), author_name=author or "System",
            agency_name=agency or ""))
    return rows


def _person_facts(person: Person) -> dict:
    today = timezone.localdate()
    return {
        "age": person.age_on(person.date_of_death or today),
        "nhs_number": _format_nhs(person.nhs_number),
        "ethnicity": _ethnicity_label(person.ethnicity),
        "disabilities": _disability_labels(person.disabilities),
    }


def _current_postcodes(ids) -> dict[int, str]:
    """The current address's postcode for each of these people (one query)."""
    postcodes: dict[int, str] = {}
    for person_id, postcode in Address.objects.filter(person_id__in=list(ids), end_date__isnull=True).order_by(
            "person_id", "-start_date", "-id").values_list("person_id", "postcode"):
        postcodes.setdefault(person_id, postcode)
    return postcodes


def _hit_rows(hits) -> list[dict]:
    """Search or duplicate hits for a table: a restricted placeholder carries nothing but its text."""
    postcodes = _current_postcodes(h.person.pk for h in hits if h.person is not None)
    rows = []
    for hit in hits:
        if hit.person is None:
            rows.append({"restricted_placeholder": True})
            continue
        rows.append({"person": hit.person, "score": round(hit.score * 100), "reasons": hit.reasons,
                     "postcode": postcodes.get(hit.person.pk, "")})
    return rows


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


def _open_episode(person: Person) -> Episode | None:
    return Episode.objects.filter(person=person, closed_on__isnull=True).first()


# --- search ----------------------------------------------------------------------------------------


@login_required
@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(_may_use_records(user))
    form = PersonSearchForm(request.GET or None)
    rows: list[dict] = []
    searched = False
    if form.is_bound and form.is_valid():
        criteria = selectors.SearchCriteria(**form.criteria_values())
        if not criteria.is_empty:
            hits = selectors.person_search(user=user, criteria=criteria)
            rows = _hit_rows(hits)
            searched = True
            # One row for the whole list, holding every id shown (never a restricted placeholder's).
            _audit_read(request, "person_search.viewed", [h.person.pk for h in hits if h.person is not None],
                        target_type="cases.person")
    return render(request, "cases/person_search.html", {
        "form": form, "rows": rows, "searched": searched, "restricted_text": DUPLICATE_RESTRICTED_TEXT,
        "create_query": request.GET.urlencode() if searched else "",
    })


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
    record = selectors.person_record(person=person)
    network = selectors.family_network(person=person)
    openable = _in_scope_ids(user, [member["person"].pk for member in network])
    for member in network:
        member["openable"] = member["person"].pk in openable
        # A restricted relative the viewer may not open is shown only as a relationship, never by name.
        member["hidden"] = member["person"].restricted and not member["openable"]
    involvements = record["involvements"]
    current_episode = record["current_episode"]
    notes_page, notes_range = _page(_notes_visible_to(user, person), NOTES_PAGE_SIZE, request.GET.get("notes_page"))
    is_merger = user.has_role(*policy.MERGERS)
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
            selectors.chronology_for_person(person=person)[:RECORD_CHRONOLOGY_ENTRIES]),
        "notes_page": notes_page,
        "notes_range": notes_range,
        "can_edit": permissions.can_edit_person(user, person),
        "can_merge": is_merger,
        "can_read_audit": user.has_role(*policy.AUDIT_READERS),
        "merges": list(PersonMerge.objects.filter(kept=person, unmerged_at__isnull=True).select_related("merged"))
        if is_merger else [],
    }
    _audit_read(request, "person.viewed", [person.pk], target=person)
    return render(request, "cases/person_detail.html", context)


# --- create and edit -------------------------------------------------------------------------------


def _create_initial(request: HttpRequest) -> dict:
    """Carry what was searched for into the new record, so nothing is typed twice."""
    search = PersonSearchForm(request.GET)
    if not request.GET or not search.is_valid():
        return {}
    tokens = search.cleaned_data["name"].split()
    initial = {"date_of_birth": search.cleaned_data["dob"], "nhs_number": search.cleaned_data["nhs_number"],
               "postcode": search.cleaned_data["postcode"]}
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
    require(user.has_role(*policy.CREATORS))
    duplicates: list[dict] = []
    if request.method == "POST":
        form = PersonCreateForm(request.POST)
        valid = form.is_valid()
        data = form.person_data()
        hits = []
        # Likely duplicates are shown whenever the name is usable, even beside errors in other fields, so
        # that fixing a mistyped NHS number does not hide them (or undo the "none of these" answer).
        if "first_name" in form.cleaned_data and "last_name" in form.cleaned_data:
            hits = selectors.person_find_duplicates(user=user, data={
                **data, "postcode": form.cleaned_data.get("postcode", "")})
        confirmed = request.POST.get("confirm_no_duplicate") == "yes"
        if valid and (not hits or confirmed):
            try:
                # Both or neither: a record must not be left half made because its address was refused.
                with transaction.atomic():
                    person = services.person_create(actor=user, data=data)
                    if form.address:
                        services.person_add_address(person=person, actor=user, **form.address)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Record created for {person.full_name}, LA child ID "
                                          f"{person.la_child_id}")
                return redirect("cases:person_detail", pk=person.pk)
        duplicates = _hit_rows(hits)
        shown = [h.person.pk for h in hits if h.person is not None]
        if shown:
            _audit_read(request, "person_duplicates.viewed", shown, target_type="cases.person")
    else:
        form = PersonCreateForm(initial=_create_initial(request))
    return render(request, "cases/person_form.html", {
        "form": form, "creating": True, "duplicates": duplicates, "restricted_text": DUPLICATE_RESTRICTED_TEXT,
        "confirmed": request.method == "POST" and request.POST.get("confirm_no_duplicate") == "yes",
    })


def _conflict_rows(saved: Person, form: PersonEditForm) -> list[dict]:
    """Each field where the record as saved now differs from what this user entered."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        mine, theirs = _display(name, form.cleaned_data[name]), _display(name, getattr(saved, name))
        if name == "sex" and not form.cleaned_data[name]:
            mine = _display(name, Sex.UNKNOWN)
        if mine != theirs:
            rows.append({"label": field.label, "saved": theirs, "entered": mine})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.person_get_for_user(user=user, person_id=pk)
    require(permissions.can_edit_person(user, person))
    conflict: list[dict] | None = None
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            try:
                services.person_update(person=person, actor=user, data=form.person_data(),
                                       expected_version=form.cleaned_data["version"])
            except services.StaleEdit as exc:
                person.refresh_from_db()
                conflict = _conflict_rows(person, form)
                # Keep everything typed; a second save, made knowing the other change, is based on the new version.
                data = request.POST.copy()
                data["version"] = str(exc.current_version)
                form = PersonEditForm(data)
                form.is_valid()
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Changes saved")
                return redirect("cases:person_detail", pk=person.pk)
    else:
        form = PersonEditForm(initial={**{name: getattr(person, name) for name in PersonEditForm.base_fields
                                          if hasattr(person, name)}, "version": person.version})
    _audit_read(request, "person_edit.viewed", [person.pk], target=person)
    return render(request, "cases/person_form.html", {"form": form, "person": person, "creating": False,
                                                      "conflict": conflict})


# --- chronology ------------------------------------------------------------------------------------


def _chronology(request: HttpRequest, pk: int) -> tuple[Person, ChronologyFilterForm, QuerySet[ChronologyEntry]]:
    person = selectors.person_get_for_user(user=request.user, person_id=pk)
    form = ChronologyFilterForm(request.GET)
    form.is_valid()  # a bad filter is shown as an error and left out; the valid ones still apply
    return person, form, selectors.chronology_for_person(person=person, **form.filters())


@login_required
@require_GET
def person_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    person, form, entries = _chronology(request, pk)
    page, page_range = _page(entries, CHRONOLOGY_PAGE_SIZE, request.GET.get("page"))
    rows = _rows_for_table(page.object_list)
    _audit_read(request, "chronology.viewed", [person.pk], target=person)
    return render(request, "cases/person_chronology.html", {
        "person": person, "form": form, "page_obj": page, "page_range": page_range, "entries": rows,
        "filter_query": request.GET.urlencode(),
    })


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """A spreadsheet must not run a summary as a formula: such a cell starts with an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _entry_cells(entry: ChronologyEntry) -> list[str]:
    when = timezone.localtime(entry.occurred_at)
    return [when.strftime("%Y-%m-%d"), when.strftime("%H:%M"), STRAND_LABELS.get(entry.strand, entry.strand),
            _kind_label(entry.kind), entry.summary, "Yes" if entry.significant else "No",
            entry.author.full_name if entry.author else "", str(entry.source_agency or ""), entry.link]


def _download_name(person: Person, extension: str) -> str:
    return f"chronology-{person.la_child_id}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def person_chronology_csv(request: HttpRequest, pk: int) -> HttpResponse:
    person, _form, entries = _chronology(request, pk)
    rows = list(entries)
    _audit_read(request, "person.chronology_exported", [person.pk], target=person)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(person, "csv")}"'
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Date", "Time", "Strand", "Kind", "Summary", "Significant", "Author", "Agency", "Link"])
    for entry in rows:
        writer.writerow([_csv_cell(cell) for cell in _entry_cells(entry)])
    return response


@login_required
@require_GET
def person_chronology_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person, form, entries = _chronology(request, pk)
    rows = _entries_for_display(entries)
    filters = form.filters()
    context = {
        "person": person, "entries": rows, "printed_at": timezone.localtime(), "printed_by": request.user,
        "strand_label": STRAND_LABELS.get(filters["strand"], ""), "filters": filters,
        "council_name": settings.COUNCIL_NAME, "service_name": settings.SERVICE_NAME,
    }
    _audit_read(request, "person.chronology_printed", [person.pk], target=person)
    from . import documents  # WeasyPrint takes a second to import: only PDF requests pay for it

    pdf = documents.render_pdf("cases/chronology_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(person, "pdf")}"'
    return response


# --- case notes ------------------------------------------------------------------------------------


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


# --- who has looked at this record ------------------------------------------------------------------


@login_required
@require_GET
def person_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user.has_role(*policy.AUDIT_READERS))
    person = selectors.person_get_for_user(user=user, person_id=pk)
    # Written first, so this viewing is the newest line of the log it shows.
    _audit_read(request, "access_log.viewed", [person.pk], target=person)
    page, page_range = _page(selectors.person_access_log(person=person), ACCESS_LOG_PAGE_SIZE,
                             request.GET.get("page"))
    return render(request, "cases/person_access_log.html", {"person": person, "page_obj": page,
                                                            "page_range": page_range})


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user.has_role(Role.PRIVACY_OFFICER))
    form = AuditFilterForm(request.GET)
    form.is_valid()
    events = AuditEvent.objects.order_by("-occurred_at", "-id")
    email = form.cleaned_data.get("email", "").strip()
    verb = form.cleaned_data.get("verb", "").strip()
    if email:
        events = events.filter(actor_email__icontains=email)
    if verb:
        events = events.filter(verb__startswith=verb)
    services.audit_read(actor=user, verb="audit.viewed", child_ids=[], target_type="cases.auditevent")
    page, page_range = _page(events, AUDIT_PAGE_SIZE, request.GET.get("page"))
    return render(request, "cases/audit.html", {"form": form, "page_obj": page, "page_range": page_range})


# --- merging duplicates ----------------------------------------------------------------------------


_MERGE_FIELDS = ("first_name", "middle_names", "last_name", "preferred_name", "date_of_birth",
                 "expected_date_of_birth", "sex", "nhs_number", "upn", "ethnicity", "first_language",
                 "gender_identity")


def _merge_rows(kept: Person, other: Person) -> list[dict]:
    postcodes = _current_postcodes([kept.pk, other.pk])
    rows = [{"label": "LA child ID", "kept": kept.la_child_id, "other": other.la_child_id}]
    for name in _MERGE_FIELDS:
        label = Person._meta.get_field(name).verbose_name
        label = "NHS number" if name == "nhs_number" else label[:1].upper() + label[1:]
        rows.append({"label": label, "kept": _display(name, getattr(kept, name)),
                     "other": _display(name, getattr(other, name))})
    rows.append({"label": "Current postcode", "kept": postcodes.get(kept.pk, "Not recorded"),
                 "other": postcodes.get(other.pk, "Not recorded")})
    rows.append({"label": "Restricted", "kept": "Yes" if kept.restricted else "No",
                 "other": "Yes" if other.restricted else "No"})
    for row in rows:
        row["differs"] = row["kept"] != row["other"]
    return rows


def _merge_candidates(user: User, person: Person) -> list[dict]:
    hits = selectors.person_find_duplicates(user=user, data={
        "first_name": person.first_name, "last_name": person.last_name, "date_of_birth": person.date_of_birth,
        "nhs_number": person.nhs_number or ""}, exclude_id=person.pk)
    return [row for row in _hit_rows(hits) if not row.get("restricted_placeholder")]


def _render_merge_page(request: HttpRequest, person: Person, *, choose_form: MergeChooseForm | None = None,
                       merge_form: MergeForm | None = None, other: Person | None = None,
                       unmerge_form: UnmergeForm | None = None, unmerge_id: int | None = None,
                       status: int = 200) -> HttpResponse:
    user = request.user
    merges = list(PersonMerge.objects.filter(kept=person, unmerged_at__isnull=True)
                  .select_related("merged", "actor").order_by("-created_at"))
    for merge in merges:
        merge.undo_form = (unmerge_form if merge.pk == unmerge_id and unmerge_form is not None
                           else UnmergeForm(auto_id=f"id_unmerge_{merge.pk}_%s"))
    candidates = _merge_candidates(user, person) if other is None else []
    # The page's error summary covers whichever form was just sent.
    form = next((f for f in (unmerge_form, merge_form, choose_form) if f is not None and f.is_bound),
                choose_form or MergeChooseForm())
    context = {
        "person": person, "other": other, "choose_form": choose_form or MergeChooseForm(),
        "merge_form": merge_form, "rows": _merge_rows(person, other) if other else [],
        "candidates": candidates, "merges": merges, "form": form,
        "error_anchor": "merges" if form is unmerge_form else ("comparison" if other else ""),
    }
    shown = {person.pk, *(c["person"].pk for c in candidates), *(m.merged_id for m in merges)}
    if other is not None:
        shown.add(other.pk)
    _audit_read(request, "person_merge.viewed", shown, target=person)
    return render(request, "cases/person_merge.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user.has_role(*policy.MERGERS))
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
                messages.success(request, f"Record {other.la_child_id} merged into this one. You can undo this "
                                          f"from the merge page.")
                return redirect("cases:person_detail", pk=person.pk)
        elif "merged" not in merge_form.errors:
            other = selectors.person_get_for_user(user=user, person_id=merge_form.cleaned_data["merged"])
        return _render_merge_page(request, person, merge_form=merge_form, other=other)
    if "duplicate" not in request.GET:
        return _render_merge_page(request, person)
    choose_form = MergeChooseForm(request.GET)
    other = None
    if choose_form.is_valid():
        other = permissions.person_scope(user).filter(la_child_id=choose_form.cleaned_data["duplicate"]).first()
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
    require(user.has_role(*policy.MERGERS))
    merge = get_object_or_404(PersonMerge.objects.filter(kept__in=permissions.person_scope(user))
                              .select_related("kept", "merged"), pk=pk)
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
