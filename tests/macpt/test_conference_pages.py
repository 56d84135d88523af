"""The conference and child protection plan pages (issue 14 items 4, 5, 11): each form through the page, bad input
answered with the reason on the form and nothing typed lost, the minutes PDF and the family's version (which
leaves out what is not for the family), and who gets which page: expected answers from tests/oracle.py, never
from the code under test; a refusal is 404."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from cases import policy
from cases.models import AuditEvent, InvolvementRole, Role, VisibilityTag
from cases.services import involvement_add
from macpt.models import ChildProtectionConference, ChildProtectionPlan, StatutoryVisit
from macpt.services.conference import conference_decide, conference_record, conference_report_save
from tests import oracle
from tests.factories import UserFactory
from tests.macpt.support import arrange, at, hold_icpc

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)


def test_an_lcpp_arranges_an_icpc_from_the_s47_and_a_weekend_is_refused_on_the_form(
    client, cp_family, lcpp, chair, enquiry
):
    client.force_login(chair)
    start = client.get(reverse("macpt:enquiry_conference", args=[enquiry.pk]))
    url = reverse("macpt:conference_arrange", args=[cp_family["case"].pk])
    assert start.status_code == 302 and start["Location"] == f"{url}?enquiry={enquiry.pk}"
    page = client.get(start["Location"])
    assert page.status_code == 200 and "After the s47 enquiry" in page.content.decode()
    data = {
        "kind": "initial",
        "children": [str(cp_family["mia"].pk)],
        "chair": str(chair.pk),
        "enquiry": str(enquiry.pk),
        **_date("date", dt.date(2025, 12, 20)),
    }
    refused = client.post(url, data)
    text = refused.content.decode()
    assert refused.status_code == 200 and "it is a weekend" in text and 'value="20"' in text  # nothing lost
    data.update(_date("date", dt.date(2025, 12, 19)))
    made = client.post(url, data)
    conference = ChildProtectionConference.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("macpt:conference", args=[conference.pk])
    assert conference.enquiry == enquiry and conference.chair == chair


def test_the_lead_lcpp_choosing_themself_as_chair_is_told_why(client, cp_family, lcpp):
    client.force_login(lcpp)
    url = reverse("macpt:conference_arrange", args=[cp_family["case"].pk])
    data = {"kind": "initial", "children": [str(cp_family["mia"].pk)], "chair": str(lcpp.pk)}
    response = client.post(url, {**data, **_date("date", dt.date(2025, 12, 19))})
    assert "lead practitioner" in response.content.decode() and not ChildProtectionConference.objects.exists()


def test_the_conference_pages_record_invitees_reports_minutes_and_decisions(
    client, cp_family, lcpp, chair, police_officer, clock
):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    client.force_login(chair)
    base = reverse("macpt:conference", args=[conference.pk])
    assert client.get(base).status_code == 200
    response = client.post(
        reverse("macpt:conference_invite", args=[conference.pk]),
        {"family_member": str(cp_family["grace"].pk), "role": "Mother"},
    )
    assert response.status_code == 302
    invitee = conference.invitees.get()
    response = client.post(
        reverse("macpt:conference_attendance", args=[conference.pk]), {f"attendance_{invitee.pk}": "attended"}
    )
    assert response.status_code == 302
    client.force_login(police_officer)
    response = client.post(reverse("macpt:conference_report_add", args=[conference.pk]), {"text": "Police log"})
    assert response.status_code == 302 and conference.reports.get().tags == [VisibilityTag.POLICE]
    client.force_login(chair)
    response = client.post(
        reverse("macpt:conference_minutes", args=[conference.pk]),
        {"family_views": "Grace wants help", "minutes": "Agreed a plan", "minutes_not_for_family": "Intelligence"},
    )
    assert response.status_code == 302
    decide = reverse("macpt:conference_decide", args=[conference.pk])
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    client.force_login(chair)  # a new day: a new session
    mia = cp_family["mia"]
    response = client.post(decide, {f"plan_{mia.pk}": "yes"})
    assert "Choose the category of abuse" in response.content.decode()
    response = client.post(decide, {f"plan_{mia.pk}": "yes", f"category_{mia.pk}": "NEG"})
    assert response.status_code == 302
    plan = ChildProtectionPlan.objects.get()
    page = client.get(base).content.decode()
    assert reverse("macpt:cp_plan", args=[plan.pk]) in page and "Held: decisions recorded" in page


def test_the_minutes_pdf_and_the_familys_version(cp_family, lcpp, chair, police_officer, clock, client):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    conference_report_save(conference=conference, actor=police_officer, text="Two call-outs")
    conference_report_save(
        conference=conference, actor=lcpp, text="Withheld words", tags=[VisibilityTag.NOT_FOR_FAMILY]
    )
    conference_record(
        conference=conference,
        actor=chair,
        family_views="Grace wants help",
        minutes="Agreed a plan",
        minutes_not_for_family="Intelligence from police",
    )
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    conference_decide(
        conference=conference, actor=chair, decisions={cp_family["mia"].pk: {"plan": True, "category": "PHY"}}
    )
    client.force_login(lcpp)
    full = _pdf_text(client.get(reverse("macpt:conference_minutes_pdf", args=[conference.pk])))
    family = _pdf_text(client.get(reverse("macpt:conference_family_pdf", args=[conference.pk])))
    for words in ("Mia Okafor-Lewis", "Two call-outs", "Withheld words", "Intelligence from police", "Physical"):
        assert words in full, words
    for words in ("Mia", "Grace wants help", "Agreed a plan", "Two call-outs", "physical abuse"):
        assert words in family, words
    for words in ("Withheld words", "Intelligence from police"):
        assert words not in family, words
    assert AuditEvent.objects.filter(verb="macpt.conference_family_pdf", child_ids=[cp_family["mia"].pk]).exists()


def test_the_familys_version_leaves_out_the_reports_its_reader_may_not_read(
    cp_family, lcpp, chair, police_officer, council, client
):
    """Found by the permission matrix: the family's version carried every report not withheld from the family, so a
    practitioner who may not read police information downloaded the police's report in it."""
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    conference_report_save(conference=conference, actor=police_officer, text="Two call-outs")
    conference_report_save(conference=conference, actor=lcpp, text="Social care report")
    education = UserFactory(agency=council, roles=[Role.FHLP])
    for row in conference.children.all():
        involvement_add(person=row.person, actor=lcpp, role=InvolvementRole.LEAD_PRACTITIONER, user=education)
    client.force_login(education)
    family = _pdf_text(client.get(reverse("macpt:conference_family_pdf", args=[conference.pk])))
    assert "Social care report" in family
    assert "Two call-outs" not in family
    client.force_login(lcpp)
    assert "Two call-outs" in _pdf_text(client.get(reverse("macpt:conference_family_pdf", args=[conference.pk])))


def test_the_plan_page_records_a_visit_and_a_core_group(client, cp_family, lcpp, chair, clock, sw_fhlp):
    hold_icpc(cp_family, lcpp, chair, clock)
    plan = ChildProtectionPlan.objects.get()
    client.force_login(sw_fhlp)  # the family's lead practitioner
    page = client.get(reverse("macpt:cp_plan", args=[plan.pk])).content.decode()
    assert "First core group" in page and 'id="record-visit"' in page
    clock.move_to(at(dt.date(2025, 12, 22), 15))
    client.force_login(sw_fhlp)
    response = client.post(
        reverse("macpt:cp_plan_visit", args=[plan.pk]), {**_date("date", dt.date(2025, 12, 22)), "seen": "no"}
    )
    assert response.status_code == 302 and StatutoryVisit.objects.get().seen is False
    response = client.post(
        reverse("macpt:cp_plan_core_group", args=[plan.pk]),
        {**_date("date", dt.date(2025, 12, 22)), "attendees": ""},
    )
    assert "Say who came" in response.content.decode()
    response = client.post(
        reverse("macpt:cp_plan_core_group", args=[plan.pk]),
        {**_date("date", dt.date(2025, 12, 22)), "attendees": "Sol, Lou, Pat (police)"},
    )
    assert response.status_code == 302 and plan.core_groups.count() == 1


def test_a_review_conference_through_the_pages_ends_the_plan_and_steps_down(client, cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock)
    plan = ChildProtectionPlan.objects.get()
    client.force_login(chair)
    url = reverse("macpt:conference_arrange", args=[cp_family["case"].pk])
    form = client.get(f"{url}?kind=review&child={plan.person_id}").content.decode()
    assert re.search(r'value="review"[^>]*checked', form) and re.search(rf'value="{plan.person_id}"[^>]*checked', form)
    mia = cp_family["mia"]
    response = client.post(
        url,
        {"kind": "review", "children": [str(mia.pk)], "chair": str(chair.pk), **_date("date", dt.date(2026, 3, 13))},
    )
    review = ChildProtectionConference.objects.get(kind="review")
    assert response.status_code == 302
    clock.move_to(at(dt.date(2026, 3, 13), 15))
    client.force_login(chair)
    response = client.post(
        reverse("macpt:conference_decide", args=[review.pk]),
        {
            f"plan_{mia.pk}": "no",
            f"end_reason_{mia.pk}": "no_longer_at_risk",
            f"step_down_to_{mia.pk}": "child_in_need",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == dt.date(2026, 3, 13)
    page = client.get(reverse("macpt:cp_plan", args=[plan.pk])).content.decode()
    assert "Ended on 13 March 2026" in page


PERSONAS = ["lcpp", "chair", "police_officer", "sw_fhlp", "vcs_fhlp", "fh_manager", "health_practitioner", "school_dsl"]


def _reader(user) -> oracle.Reader:
    return oracle.Reader(
        roles=frozenset(user.roles),
        agency_type=user.agency_type,
        qualification=user.qualification,
        agency=user.agency.name if user.agency_id else "",
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_gets_each_page_is_what_the_oracle_says(persona, request, client, cp_family, lcpp, chair, clock):
    conference = hold_icpc(cp_family, lcpp, chair, clock)
    ChildProtectionConference.objects.filter(pk=conference.pk).update(status="arranged")
    plan = ChildProtectionPlan.objects.get()
    user = request.getfixturevalue(persona)
    # Mia: the lead (her FHLP, her LCPP, and her MACPT's members through the team's involvement) or no one.
    involved = persona in ("lcpp", "police_officer", "sw_fhlp")
    relationship = oracle.LEAD if involved else oracle.NONE
    reader = _reader(user)
    client.force_login(user)
    pages = {
        reverse("macpt:conference", args=[conference.pk]): oracle.sees_conference,
        reverse("macpt:conference_minutes_pdf", args=[conference.pk]): oracle.sees_conference,
        reverse("macpt:conference_family_pdf", args=[conference.pk]): oracle.sees_conference,
        reverse("macpt:cp_plan", args=[plan.pk]): oracle.sees_conference,
        reverse("macpt:family_child_protection", args=[cp_family["case"].pk]): oracle.sees_conference,
        reverse("macpt:conference_arrange", args=[cp_family["case"].pk]): oracle.arranges_conference,
        reverse("macpt:conference_decide", args=[conference.pk]): oracle.arranges_conference,
        reverse("macpt:conference_invite", args=[conference.pk]): oracle.arranges_conference,
        reverse("macpt:conference_minutes", args=[conference.pk]): oracle.arranges_conference,
        reverse("macpt:conference_report_add", args=[conference.pk]): oracle.reports_to_conference,
        reverse("macpt:cp_plan_end", args=[plan.pk]): oracle.ends_cp_plan,
        reverse("macpt:cp_plan_visit", args=[plan.pk]): lambda r, rel: (
            oracle.records_on_cp_plan(r, rel) or (persona == "sw_fhlp")
        ),
    }
    for url, expect in pages.items():
        status = client.get(url).status_code
        assert status == (200 if expect(reader, relationship) else 404), (persona, url, status)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_a_role_may_add_a_report_exactly_when_the_table_says(role, client, cp_family, lcpp, chair, council):
    """The policy table's macpt.contribute row, probed through the report page by a user of each role who sits in
    the child's MACPT (an involvement on Mia: the page needs her whole record)."""
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    user = UserFactory(agency=council, roles=[role])
    involvement_add(person=cp_family["mia"], actor=lcpp, role=InvolvementRole.MACPT_MEMBER, user=user)
    client.force_login(user)
    status = client.get(reverse("macpt:conference_report_add", args=[conference.pk])).status_code
    assert status == (200 if role in policy.role_actions()["macpt.contribute"] else 404), (role, status)


def test_the_s47_page_leads_to_arranging_the_icpc_once_a_conference_is_needed(client, cp_family, chair, enquiry):
    client.force_login(chair)
    page = client.get(reverse("macpt:s47", args=[enquiry.pk])).content.decode()
    assert reverse("macpt:enquiry_conference", args=[enquiry.pk]) in page and 'id="arrange-icpc"' in page


def test_the_childs_record_points_to_the_arranged_conference_then_the_plan(client, cp_family, lcpp, chair, clock):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    client.force_login(chair)
    record = reverse("cases:person_detail", args=[cp_family["mia"].pk])
    page = client.get(record).content.decode()
    assert "initial child protection conference is arranged for 19 December 2025" in page
    assert reverse("macpt:conference", args=[conference.pk]) in page
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    conference_decide(
        conference=conference, actor=chair, decisions={cp_family["mia"].pk: {"plan": True, "category": "NEG"}}
    )
    client.force_login(chair)
    page = client.get(record).content.decode()
    plan = ChildProtectionPlan.objects.get()
    assert "Child protection plan since 19 December 2025 (Neglect)" in page
    assert "Next: first core group by 7 January 2026" in page  # due the same day as the first visit
    assert reverse("macpt:cp_plan", args=[plan.pk]) in page


def test_the_conference_page_needs_the_same_queries_however_many_invitees_and_reports(
    client, cp_family, lcpp, chair, police_officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from macpt.services.conference import conference_invitee_add

    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    client.force_login(chair)
    url = reverse("macpt:conference", args=[conference.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        conference_invitee_add(conference=conference, actor=chair, name=f"Invitee {n}", agency=chair.agency)
        conference_report_save(conference=conference, actor=police_officer if n % 2 else lcpp, text=f"Report {n}")
    print(f"\nconference page: {len(few)} queries at 0 and at 10 invitees and reports")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    assert page.status_code == 200 and "Report 9" in page.content.decode()
