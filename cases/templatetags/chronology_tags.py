"""{% chronology_rows entries %}: the rows of includes/chronology_table.html (cases.views.chronology)."""

from types import SimpleNamespace

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.models import Strand

register = template.Library()

_STRAND_LABELS = dict(Strand.choices)


@register.simple_tag
def chronology_rows(rows: list[SimpleNamespace]) -> SafeString:
    """The chronology table's rows, built in Python: the longest list on a child's record, where the
    template engine's per-variable lookups were most of the page's time. Every value is escaped."""
    parts = []
    for entry in rows:
        author = entry.author_name
        agency = f'<br><span class="govuk-body-s">{escape(entry.agency_name)}</span>' if entry.agency_name else ""
        significant = '<strong class="govuk-tag govuk-tag--red">Significant</strong><br>' if entry.significant else ""
        if entry.safe_link:
            summary = f'<a class="govuk-link" href="{escape(entry.safe_link)}">{escape(entry.summary)}</a>'
        else:
            summary = escape(entry.summary).replace("\r\n", "<br>").replace("\n", "<br>")
        if entry.tag_labels:
            summary += "".join(
                f' <strong class="govuk-tag govuk-tag--grey app-info-tag">{escape(label)}</strong>'
                for label in entry.tag_labels
            )
        parts.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell app-nowrap"><time datetime="{entry.when_iso}">{entry.when_date}<br>'
            f"{entry.when_time}</time></td>"
            f'<td class="govuk-table__cell"><strong class="govuk-tag {entry.strand_tag}">'
            f"{escape(_STRAND_LABELS.get(entry.strand, entry.strand))}</strong></td>"
            f'<td class="govuk-table__cell">{significant}<span class="govuk-body-s app-entry-kind">'
            f'{escape(entry.kind_label)}</span> <span class="app-block">{summary}</span></td>'
            f'<td class="govuk-table__cell">{escape(author)}{agency}</td></tr>\n'
        )
    return mark_safe("".join(parts))  # noqa: S308  (built from escaped values only)  # nosec B308 B703
