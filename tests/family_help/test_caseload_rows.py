""" "My families" rows are written by family_help.templatetags.fh_caseload: the same markup as the include templates
they replaced (tests/family_help/reference/), for leads and teams around the family, with and without what is due,
overdue and awkward text escaped the same way."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from cases.models import Action, Agency, FamilyCase, Person, User
from family_help.selectors.allocation import Due, FamilyRow
from tests.support import squash_html

REFERENCE = Path(__file__).parent / "reference"
AWKWARD = 'A <b>"bold"</b> & family'


def _reference_template() -> Template:
    due = (REFERENCE / "_due.html").read_text().strip()
    rows = (REFERENCE / "_family_rows.html").read_text()
    rows = re.sub(
        r'\{% include "family_help/allocation/_due\.html" with due=(\S+) %\}',
        lambda m: "{% with due=" + m.group(1) + " %}" + due + "{% endwith %}",
        rows,
    )
    return Template(rows)


def _action(description: str, due_on: dt.date, overdue: bool) -> Action:
    action = Action(description=description, due_on=due_on)
    action.is_overdue = overdue
    return action


def _rows() -> list[FamilyRow]:
    lead = User(full_name="Lee <Lead>", agency=Agency(name="Council & partners"))
    child = Person(pk=41, first_name="Ann", preferred_name="Annie", last_name=AWKWARD)
    other = Person(pk=42, first_name="Ben", last_name="Smith")
    words = " ".join(f"word{n}" for n in range(20)) + " <script>"
    return [
        FamilyRow(
            family_case=FamilyCase(pk=7, name=AWKWARD),
            role="Lead practitioner",
            lead=lead,
            children=[child, other],
            next_visit=Due("Visit", dt.date(2026, 1, 2), overdue=True, note="Every <2> weeks"),
            next_review=Due("Review", None),
            actions=[_action(words, dt.date(2026, 3, 4), True), _action("Call school", dt.date(2026, 12, 31), False)],
            assessments=[Due("Assessment", dt.date(2026, 2, 1)), Due("Assessment", dt.date(2025, 2, 1), True)],
        ),
        FamilyRow(family_case=FamilyCase(pk=8, name="Plain family"), role="Health visitor", lead=None),
        FamilyRow(
            family_case=FamilyCase(pk=9, name="Third family"),
            role="School <DSL>",
            lead=lead,
            children=[other],
            next_review=Due("Review", dt.date(2026, 5, 6), overdue=True),
        ),
    ]


@pytest.mark.parametrize("lead", [True, False])
def test_family_rows_write_what_the_include_templates_wrote(lead):
    context = {"rows": _rows(), "lead": lead}
    old = _reference_template().render(Context(context))
    new = Template("{% load fh_caseload %}{% family_rows rows lead %}").render(Context(context))
    old_body = old[old.index("<tbody") :]
    old_body = old_body[old_body.index(">") + 1 : old_body.index("</tbody>")]
    assert squash_html(new) == squash_html(old_body)
    assert "<b>" not in new and "<script>" not in new and "<Lead>" not in new
    assert new.count("app-row--overdue") == 2
