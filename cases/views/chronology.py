"""The child's chronology: the page, its CSV and its PDF."""

import csv
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import selectors
from ..disclosure import disclosure_path
from ..forms import (
    ChronologyFilterForm,
)
from ..models import (
    ChronologyEntry,
    Person,
    tag_labels,
)
from ..moved import current_link
from ..web import attachment, audit_shown, paginate, pdf_response, safe_link
from .common import CHRONOLOGY_PAGE_SIZE, STRAND_LABELS, STRAND_TAGS, _kind_label


def _entries_for_display(entries) -> list[ChronologyEntry]:
    rows = list(entries)
    for entry in rows:
        # Formatted once here: Django's date filter, three times a row, was a fifth of the page's time.
        when = timezone.localtime(entry.occurred_at)
        entry.when_iso, entry.when_date, entry.when_time = (
            when.isoformat(),
            f"{when.day} {when:%b %Y}",
            f"{when:%H:%M}",
        )
        entry.safe_link = safe_link(entry.link)
        entry.strand_tag = STRAND_TAGS.get(entry.strand, "govuk-tag--grey")
        entry.kind_label = _kind_label(entry.kind)
        entry.tag_labels = tag_labels(entry.tags)
    return rows


_TABLE_FIELDS = (
    "occurred_at",
    "strand",
    "kind",
    "summary",
    "significant",
    "link",
    "author__full_name",
    "source_agency__name",
    "tags",
)


def _rows_for_table(entries: QuerySet[ChronologyEntry]) -> list[SimpleNamespace]:
    """The chronology table's rows as plain values (no model instances: a page holds up to a hundred)."""
    rows = []
    for occurred_at, strand, kind, summary, significant, link, author, agency, tags in entries.values_list(
        *_TABLE_FIELDS
    ):
        when = timezone.localtime(occurred_at)
        rows.append(
            SimpleNamespace(
                when_iso=when.isoformat(),
                when_date=f"{when.day} {when:%b %Y}",
                when_time=f"{when:%H:%M}",
                strand=strand,
                strand_tag=STRAND_TAGS.get(strand, "govuk-tag--grey"),
                kind_label=_kind_label(kind),
                summary=summary,
                significant=significant,
                safe_link=safe_link(link),
                author_name=author or "System",
                agency_name=agency or "",
                tag_labels=tag_labels(tags),
            )
        )
    return rows


def _chronology(request: HttpRequest, pk: int) -> tuple[Person, ChronologyFilterForm, QuerySet[ChronologyEntry]]:
    person = selectors.person_get_for_user(user=request.user, person_id=pk)
    form = ChronologyFilterForm(request.GET)
    form.is_valid()  # a bad filter is shown as an error and left out; the valid ones still apply
    return person, form, selectors.chronology_for_person(user=request.user, person=person, **form.filters())


@login_required
@require_GET
def person_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    person, form, entries = _chronology(request, pk)
    pagination = paginate(request, entries, per_page=CHRONOLOGY_PAGE_SIZE)
    rows = _rows_for_table(pagination.page.object_list)
    audit_shown(request, "chronology.viewed", [person.pk], target=person)
    return render(
        request,
        "cases/person_chronology.html",
        {
            "person": person,
            "form": form,
            "page_obj": pagination.page,
            "pagination": pagination,
            "entries": rows,
            "filter_query": request.GET.urlencode(),
        },
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """A spreadsheet must not run a summary as a formula: such a cell starts with an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _entry_cells(entry: ChronologyEntry) -> list[str]:
    when = timezone.localtime(entry.occurred_at)
    return [
        when.strftime("%Y-%m-%d"),
        when.strftime("%H:%M"),
        STRAND_LABELS.get(entry.strand, entry.strand),
        _kind_label(entry.kind),
        entry.summary,
        "Yes" if entry.significant else "No",
        entry.author.full_name if entry.author else "",
        str(entry.source_agency or ""),
        current_link(entry.link),
    ]


def _download_name(person: Person, extension: str) -> str:
    return f"chronology-{person.la_child_id}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
@disclosure_path(key="chronology_csv", label="Chronology (CSV)", url_name="cases:person_chronology_csv")
def person_chronology_csv(request: HttpRequest, pk: int) -> HttpResponse:
    person, _form, entries = _chronology(request, pk)
    rows = list(entries)
    audit_shown(request, "person.chronology_exported", [person.pk], target=person)
    response = attachment(HttpResponse(content_type="text/csv; charset=utf-8"), _download_name(person, "csv"))
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Date", "Time", "Strand", "Kind", "Summary", "Significant", "Author", "Agency", "Link"])
    for entry in rows:
        writer.writerow([_csv_cell(cell) for cell in _entry_cells(entry)])
    return response


@login_required
@require_GET
@disclosure_path(key="chronology_pdf", label="Chronology (PDF)", url_name="cases:person_chronology_pdf")
def person_chronology_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person, form, entries = _chronology(request, pk)
    rows = _entries_for_display(entries)
    filters = form.filters()
    context = {
        "person": person,
        "entries": rows,
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
        "strand_label": STRAND_LABELS.get(filters["strand"], ""),
        "filters": filters,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }
    audit_shown(request, "person.chronology_printed", [person.pk], target=person)
    from .. import documents  # WeasyPrint takes a second to import: only PDF requests pay for it

    return pdf_response(documents.render_pdf("cases/chronology_pdf.html", context), _download_name(person, "pdf"))
