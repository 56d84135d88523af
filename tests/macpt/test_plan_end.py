"""Issue 14 items 5 and 11: a child protection plan ends without a conference only where the statute allows it (the
child moved to another council, reached 18, became looked after, died), by an LCPP with the reason and the date, never
before the plan started nor in the future: its clocks are cancelled, the MACPT's involvement and the LCPP's lead role
end as at a review that ends the plan, the child's leads are told, and the page keeps what was typed on a refusal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import (
    AuditEvent,
    ChronologyEntry,
    Deadline,
    EpisodeLead,
    Involvement,
    InvolvementRole,
    LeadKind,
    Notification,
)
from macpt.models import ChildProtectionPlan
from macpt.services.cp_plans import cp_plan_end_without_conference
from tests.macpt.support import at, hold_icpc

pytestmark = pytest.mark.django_db

ENDS = dt.date(2026, 1, 14)


@pytest.fixture
def on_plan(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    clock.move_to(at(dt.date(2026, 1, 15), 10))
    return ChildProtectionPlan.objects.get()


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_an_lcpp_ends_the_plan_when_the_child_moves_away(on_plan, cp_family, chair, lcpp, sw_fhlp):
    mia = cp_family["mia"]
    assert Deadline.objects.filter(target_type="macpt.childprotectionplan", state=Deadline.State.OPEN).exists()
    cp_plan_end_without_conference(
        plan=on_plan, actor=chair, end_reason="transferred_out", end_date=ENDS, details="Moved to Leeds"
    )
    on_plan.refresh_from_db()
    assert (on_plan.end_date, on_plan.end_reason, on_plan.end_reason_text) == (
        ENDS,
        "transferred_out",
        "Moved to Leeds",
    )
    assert on_plan.ended_by_conference is None
    assert not Deadline.objects.filter(target_type="macpt.childprotectionplan", state=Deadline.State.OPEN).exists()
    assert not Involvement.objects.active().filter(person=mia, role=InvolvementRole.MACPT_MEMBER).exists()
    assert not EpisodeLead.objects.filter(episode__person=mia, kind=LeadKind.LCPP, ended_at__isnull=True).exists()
    assert EpisodeLead.objects.filter(episode__person=mia, kind=LeadKind.FHLP, user=sw_fhlp, ended_at__isnull=True)
    assert AuditEvent.objects.filter(verb="macpt.cp_plan_ended", actor_id=chair.pk).exists()
    assert ChronologyEntry.objects.filter(
        person=mia, kind="cp_plan_ended", summary__contains="Moved to another"
    ).exists()
    told = set(Notification.objects.filter(kind="macpt.cp_plan_ended").values_list("user_id", flat=True))
    assert told == {lcpp.pk, sw_fhlp.pk}
    assert "Okafor" not in " ".join(Notification.objects.values_list("title", flat=True))


def test_the_child_died_is_a_reason(on_plan, chair):
    cp_plan_end_without_conference(plan=on_plan, actor=chair, end_reason="died", end_date=ENDS)
    on_plan.refresh_from_db()
    assert on_plan.get_end_reason_display() == "The child died"


@pytest.mark.parametrize(
    ("reason", "day", "field", "words"),
    [
        ("adult", dt.date(2025, 12, 18), "end_date", "cannot end before it started"),
        ("care", dt.date(2026, 1, 16), "end_date", "today or in the past"),
        ("no_longer_at_risk", ENDS, "end_reason", "review conference"),
        ("adult", None, "end_date", "Enter the date"),
    ],
)
def test_refused_with_the_reason(on_plan, chair, reason, day, field, words):
    with pytest.raises(ValidationError) as info:
        cp_plan_end_without_conference(plan=on_plan, actor=chair, end_reason=reason, end_date=day)
    assert words in " ".join(info.value.message_dict[field])
    on_plan.refresh_from_db()
    assert on_plan.is_open and on_plan.end_reason == ""


def test_only_an_lcpp_ends_a_plan_without_a_conference(on_plan, sw_fhlp, police_officer):
    for user in (sw_fhlp, police_officer):
        with pytest.raises(PermissionDenied):
            cp_plan_end_without_conference(plan=on_plan, actor=user, end_reason="adult", end_date=ENDS)
    on_plan.refresh_from_db()
    assert on_plan.is_open


def test_the_page_from_the_plan_page_keeps_what_was_typed_and_ends_the_plan(client, on_plan, chair, sw_fhlp):
    plan_url = reverse("macpt:cp_plan", args=[on_plan.pk])
    url = reverse("macpt:cp_plan_end", args=[on_plan.pk])
    client.force_login(sw_fhlp)
    assert url not in client.get(plan_url).content.decode()
    assert client.get(url).status_code == 404
    client.force_login(chair)
    assert 'id="end-plan"' in client.get(plan_url).content.decode()
    response = client.post(
        url, {"end_reason": "care", **_date("end_date", dt.date(2025, 12, 1)), "details": "Section 20 placement"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "cannot end before it started" in page
    assert "Section 20 placement" in page and 'value="care"' in page and "checked" in page
    assert 'value="2025"' in page
    response = client.post(url, {"end_reason": "care", **_date("end_date", ENDS), "details": "Section 20 placement"})
    assert response.status_code == 302
    on_plan.refresh_from_db()
    assert (on_plan.end_date, on_plan.end_reason) == (ENDS, "care")
    assert client.get(url).status_code == 404  # an ended plan has nothing to end
    assert 'id="end-plan"' not in client.get(plan_url).content.decode()
