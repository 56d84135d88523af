"""{% search_rows rows restricted_text %}: the rows of the person search's results table (cases/person_search.html).

Built in Python, as the chronology's rows are: a postcode search lists dozens of people, and the template
engine's per-variable lookups were most of that page's time. Every value is escaped; the output is the
markup the template loop wrote (tests/cases/test_pages_record.py reads it as a user would)."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _day(value) -> str:
    return f"{value.day} {value:%b %Y}"


def _name_cell(row: dict) -> str:
    person = row["person"]
    cell = f'<a class="govuk-link" href="{escape(reverse("cases:person_detail", args=[person.pk]))}">'
    cell += f"{escape(person.full_name)}</a>"
    if person.preferred_name and person.preferred_name != person.first_name:
        cell += f'<br><span class="govuk-body-s">Known as {escape(person.preferred_name)}</span>'
    if person.restricted:
        cell += '<br><strong class="govuk-tag govuk-tag--red">Restricted</strong>'
    if row["reasons"]:
        reasons = ", ".join(escape(reason) for reason in row["reasons"])
        cell += f'<br><span class="govuk-body-s app-reasons">{reasons[:1].upper()}{reasons[1:]}</span>'
    return cell + likely_duplicate_html(row.get("duplicates") or [], person)


def likely_duplicate_html(duplicates: list[dict], person) -> str:
    """The flag on a record that is likely the same person as another record found by the same search, with a link
    to compare the two on the merge page (for those who may merge)."""
    if not duplicates:
        return ""
    parts = []
    for duplicate in duplicates:
        other = duplicate["person"]
        text = f"May be the same child as {escape(other.full_name)}, LA child ID {escape(other.la_child_id)}."
        if duplicate["compare"]:
            text += (
                f' <a class="govuk-link" href="{escape(duplicate["compare"])}">Compare and merge'
                f'<span class="govuk-visually-hidden"> {escape(person.la_child_id)} and {escape(other.la_child_id)}'
                "</span></a>"
            )
        parts.append(text)
    return (
        '<br><strong class="govuk-tag govuk-tag--orange app-duplicate-flag">Likely duplicate</strong>'
        f'<br><span class="govuk-body-s">{" ".join(parts)}</span>'
    )


@register.simple_tag
def search_rows(rows: list[dict], restricted_text: str) -> SafeString:
    parts = []
    for row in rows:
        if row.get("restricted_placeholder"):
            parts.append(
                '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="5">'
                f'<strong class="govuk-tag govuk-tag--grey">Restricted</strong> {escape(restricted_text)}</td></tr>\n'
            )
            continue
        person = row["person"]
        if person.date_of_birth:
            born = _day(person.date_of_birth)
        elif person.expected_date_of_birth:
            born = f"Expected {_day(person.expected_date_of_birth)}"
        else:
            born = "Not recorded"
        if row.get("outside"):
            # Found by a whole-council search outside the user's work: the name and date of birth, nothing else;
            # opening it is breaking glass (a page that asks to confirm the reason).
            link = escape(reverse("cases:break_glass_start", args=[person.pk]))
            parts.append(
                '<tr class="govuk-table__row app-outside-row">'
                f'<td class="govuk-table__cell"><a class="govuk-link" href="{link}">{escape(person.full_name)}'
                '<span class="govuk-visually-hidden"> (break glass)</span></a>'
                '<br><strong class="govuk-tag govuk-tag--orange">Outside your work</strong></td>'
                f'<td class="govuk-table__cell">{born}</td>'
                '<td class="govuk-table__cell" colspan="3">'
                '<span class="govuk-body-s">Opening this record is break-glass access: it lasts an hour, every view is '
                "recorded and the privacy officer is told.</span></td></tr>\n"
            )
            continue
        parts.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell">{_name_cell(row)}</td>'
            f'<td class="govuk-table__cell">{born}</td>'
            f'<td class="govuk-table__cell">{escape(person.la_child_id or "")}</td>'
            f'<td class="govuk-table__cell">{escape(row["postcode"] or "Not recorded")}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(row["score"])}%</td></tr>\n'
        )
    return mark_safe("".join(parts))  # noqa: S308  (built from escaped values only)  # nosec B308 B703
