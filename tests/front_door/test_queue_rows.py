"""The triage queue's rows are written by front_door.templatetags.queue_tags: the same markup as the template loop
they replaced (tests/front_door/reference/queue_rows.html), urgent or not, assigned or not, the user's own or not,
with awkward text escaped the same way and the same CSRF token in each row's form."""

from pathlib import Path

import pytest
from django.template import Context, Template

from cases.models import Agency, User
from front_door.models import Contact, ContactStatus
from front_door.selectors import QueueRow
from tests.support import squash_html

REFERENCE = Path(__file__).parent / "reference" / "queue_rows.html"
AWKWARD = 'A <b>"bold"</b> & name'


def _row(pk, *, urgent, agency, assigned, mine, names, anonymous=False) -> QueueRow:
    contact = Contact(
        pk=pk,
        reference=f"C-{pk}<x>",
        urgent=urgent,
        referrer_name=AWKWARD,
        referrer_agency=agency,
        no_identifiable_child=anonymous,
        assigned_to=assigned,
        status=ContactStatus.IN_TRIAGE,
    )
    row = QueueRow(contact=contact, rag="red", hours_left=-1.5, due_label="Mon 1 Dec 09:00", child_names=names)
    row.received_label, row.time_left = "Fri 28 Nov 16:30", "1.5 hours over"
    row.rag_label, row.rag_class = "Overdue", "govuk-tag--red"
    row.detail_url, row.assign_url = f"/front-door/contacts/{pk}/", f"/front-door/contacts/{pk}/assign/"
    row.mine = mine
    return row


@pytest.mark.parametrize("query", ["", "status=received&urgent=yes&x=<y>"])
def test_queue_rows_write_what_the_template_loop_wrote(query):
    someone = User(full_name="Tess <Triage>")
    rows = [
        _row(1, urgent=True, agency=Agency(name="School & <Co>"), assigned=someone, mine=True, names=("Ann", AWKWARD)),
        _row(2, urgent=False, agency=None, assigned=None, mine=False, names=(), anonymous=True),
        _row(3, urgent=False, agency=None, assigned=someone, mine=False, names=("Ben",)),
    ]
    context = {"rows": rows, "query": query, "csrf_token": "TOKEN123"}
    old = Template("{% load web %}" + REFERENCE.read_text()).render(Context(context))
    new = Template("{% load queue_tags %}{% queue_rows rows query %}").render(Context(context))
    assert squash_html(new) == squash_html(old)
    assert new.count('value="TOKEN123"') == 2 and "<b>" not in new and "<Triage>" not in new and "<y>" not in new
