"""Information tags on the Family Help pages (issue 11 finding 3): the family page's latest notes and the
caseload's last visit apply the same rule as the record (cases.policy TAGS), so the voluntary-sector lead
practitioner never meets a police note about the family's children there either."""

import pytest
from django.template import Context, Template
from django.utils import timezone

from cases.models import CaseNote, VisibilityTag
from cases.services import case_note_save
from family_help.selectors.allocation import my_families

pytestmark = pytest.mark.django_db


def _note(child, author, subject, tags=(), kind=CaseNote.Kind.MEETING, when=None):
    data = {
        "kind": kind,
        "occurred_at": when or timezone.now(),
        "subject": subject,
        "body": f"{subject}.",
        "visibility_tags": list(tags),
    }
    if kind == CaseNote.Kind.VISIT:
        data.update(child_seen=True, child_seen_alone=False)
    return case_note_save(person=child, actor=author, data=data, finalise=True)


def panel(family_case, user) -> str:
    return Template("{% load fh_continuum %}{% fh_continuum_panel family_case user %}").render(
        Context({"family_case": family_case, "user": user})
    )


def test_the_family_panel_leaves_out_a_police_note_the_voluntary_sector_lead_may_not_read(led, vcs_fhlp, lcpp):
    mia = led["mia"]
    _note(mia, lcpp, "Strategy discussion: police intelligence", tags=[VisibilityTag.POLICE])
    _note(mia, lcpp, "Core group summary")
    html = panel(led["case"], vcs_fhlp)
    assert "Core group summary" in html
    assert "police intelligence" not in html
    # The LCPP, whom the police tag admits, sees both on the same panel.
    both = panel(led["case"], lcpp)
    assert "Core group summary" in both and "police intelligence" in both


def test_my_families_does_not_date_a_visit_from_a_note_the_lead_may_not_read(led, vcs_fhlp, lcpp):
    mia = led["mia"]
    _note(mia, lcpp, "Joint visit with police", tags=[VisibilityTag.POLICE], kind=CaseNote.Kind.VISIT)
    (row,) = my_families(user=vcs_fhlp)
    assert row.next_visit.note == "No visit recorded yet"
    _note(mia, lcpp, "Joint visit", kind=CaseNote.Kind.VISIT)  # the control: a visit the lead may read counts
    (row,) = my_families(user=vcs_fhlp)
    assert row.next_visit.note == ""
