"""The rows of "My families" (family_help/allocation/my_families.html), written in Python: a lead practitioner's
caseload page rendered an include per due date and a URL reversal per link for every family, most of the page's
time. {% load fh_caseload %}{% family_rows rows lead %} writes the same markup directly."""

from django import template
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_NONE = '<span class="govuk-body-s">None</span>'
_OVERDUE = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'


def _time(day) -> str:
    return f'<time datetime="{date_format(day, "Y-m-d")}">{date_format(day, "j M Y")}</time>'


def _due(due) -> str:
    if not due:
        return _NONE
    out = _time(due.due_on) if due.due_on else "Not set"
    if due.overdue:
        out += _OVERDUE
    if due.note:
        out += f'<br><span class="govuk-body-s">{conditional_escape(due.note)}</span>'
    return out


def _children(row, lead: bool) -> str:
    if not row.children:
        return "None"
    names = []
    for child in row.children:
        name = conditional_escape(child.display_name)
        if lead:
            url = reverse("cases:person_detail", args=[child.pk])
            names.append(f'<a class="govuk-link" href="{conditional_escape(url)}">{name}</a>')
        else:
            names.append(name)
    return "<br>".join(names)


def _actions(row) -> str:
    if not row.actions:
        return '<span class="govuk-body-s">None open</span>'
    lines = []
    for action in row.actions:
        line = f"{conditional_escape(truncatewords(action.description, 12))}: {_time(action.due_on)}"
        lines.append(line + (_OVERDUE if getattr(action, "is_overdue", False) else ""))
    return "<br>".join(lines)


@register.simple_tag
def family_rows(rows, lead: bool) -> str:
    """One table row per family: the family (linked), its children, the next visit (lead) or the lead practitioner
    (team around the family), the next plan review, the user's open actions and, for the lead, assessments due."""
    out = []
    for row in rows:
        family = row.family_case
        url = reverse("family_help:family" if lead else "cases:plan", args=[family.pk])
        overdue = row.overdue_count
        first = f'<a class="govuk-link" href="{conditional_escape(url)}">{conditional_escape(family.name)}</a>'
        if overdue:
            first += f'<br><strong class="govuk-tag govuk-tag--red">{overdue} overdue</strong>'
        if not lead:
            first += f'<br><span class="govuk-body-s">{conditional_escape(row.role)}</span>'
        cells = [first, _children(row, lead)]
        if lead:
            cells.append(_due(row.next_visit))
        elif row.lead:
            cells.append(
                f"{conditional_escape(row.lead.full_name)}<br>"
                f'<span class="govuk-body-s">{conditional_escape(row.lead.agency)}</span>'
            )
        else:
            cells.append("None yet")
        cells.append(_due(row.next_review))
        cells.append(_actions(row))
        if lead:
            cells.append("".join(_due(d) for d in row.assessments) or _NONE)
        overdue_class = " app-row--overdue" if overdue else ""
        tds = "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
        out.append(f'<tr class="govuk-table__row{overdue_class}">{tds}</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped  # nosec B308 B703
