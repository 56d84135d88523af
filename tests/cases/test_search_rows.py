"""The person search's result rows, written in Python (cases.templatetags.search_tags): the same markup the
template loop they replaced wrote, kept here as the reference, for the rows that take each branch."""

import datetime as dt

from django.template import Context, Template

from cases.models import Person
from cases.templatetags.search_tags import search_rows

# The loop as cases/person_search.html had it (whitespace between tags aside).
REFERENCE = Template(
    """{% for row in rows %}{% if row.restricted_placeholder %}<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="5"><strong class="govuk-tag govuk-tag--grey">Restricted</strong> {{ restricted_text }}</td></tr>
{% else %}<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{% url 'cases:person_detail' row.person.pk %}">{{ row.person.full_name }}</a>{% if row.person.preferred_name and row.person.preferred_name != row.person.first_name %}<br><span class="govuk-body-s">Known as {{ row.person.preferred_name }}</span>{% endif %}{% if row.person.restricted %}<br><strong class="govuk-tag govuk-tag--red">Restricted</strong>{% endif %}{% if row.reasons %}<br><span class="govuk-body-s app-reasons">{{ row.reasons|join:", "|capfirst }}</span>{% endif %}</td><td class="govuk-table__cell">{% if row.person.date_of_birth %}{{ row.person.date_of_birth|date:"j M Y" }}{% elif row.person.expected_date_of_birth %}Expected {{ row.person.expected_date_of_birth|date:"j M Y" }}{% else %}Not recorded{% endif %}</td><td class="govuk-table__cell">{{ row.person.la_child_id }}</td><td class="govuk-table__cell">{{ row.postcode|default:"Not recorded" }}</td><td class="govuk-table__cell govuk-table__cell--numeric">{{ row.score }}%</td></tr>
{% endif %}{% endfor %}"""  # noqa: E501
)


def _person(pk: int, **fields) -> Person:
    return Person(pk=pk, first_name="Ada", last_name="O'Neill <b>", la_child_id="LA1", **fields)


ROWS = [
    {
        "person": _person(1, date_of_birth=dt.date(2016, 9, 3)),
        "reasons": ["name sounds alike", "a & b"],
        "score": 87,
        "postcode": "ZZ9 9ZZ",
    },
    {
        "person": _person(2, preferred_name="Addy", expected_date_of_birth=dt.date(2027, 1, 15), restricted=True),
        "reasons": [],
        "score": 100,
        "postcode": "",
    },
    {"person": _person(3, preferred_name="Ada"), "reasons": ["<script>"], "score": 5, "postcode": "AB1 2CD"},
    {"restricted_placeholder": True},
]


def test_search_rows_write_what_the_template_loop_wrote():
    text = "A record you may not see matches: ask the <front door>."
    expected = REFERENCE.render(Context({"rows": ROWS, "restricted_text": text}))
    assert str(search_rows(ROWS, text)) == expected
    assert "&lt;script&gt;" in expected and "Known as Addy" in expected and "Expected 15 Jan 2027" in expected
