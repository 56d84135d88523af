"""Allocation: a manager gives a family a lead practitioner from any agency (access to that family's children
only, in pages and API), changes the lead (the old lead loses access at once, the history stays), refuses bad
input with field errors and the input kept, and the family's letter names the lead and their agency."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from cases.models import (
    AuditEvent,
    ChronologyEntry,
    EpisodeLead,
    FamilyCaseMember,
    Involvement,
    Notification,
    Strand,
    WorkRequest,
)
from cases.services import episode_open, person_create, relationship_add, work_request_create
from family_help.models import Allocation
from family_help.services.allocation import allocation_change_lead, allocation_create
from tests.support import unchanged

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def other_family(triage_officer, levels):
    """A second family, in the waiting list too: nobody allocated to the first may see it."""
    import datetime as dt

    from cases.services import family_case_create

    sam = person_create(
        actor=triage_officer,
        data={"first_name": "Sam", "last_name": "Brennan", "date_of_birth": dt.date(2016, 3, 3), "sex": "M"},
    )
    case = family_case_create(actor=triage_officer, name="Brennan family", members=[(sam, FamilyCaseMember.Role.CHILD)])
    episode = episode_open(
        person=sam,
        actor=triage_officer,
        level=levels["child_in_need"],
        family_case=case,
        reason="Front door: child in need",
    )
    request = work_request_create(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
        person=sam,
        actor=triage_officer,
        episode=episode,
        summary="Sam needs a s17 assessment.",
        urgent=True,
    )
    return {"case": case, "sam": sam, "request": request}


@pytest.fixture
def val_allocation(family, fh_manager, vcs_fhlp):
    """Val Voluntary allocated as the family's lead practitioner: the allocation."""
    return allocation_create(work_request=family["request"], actor=fh_manager, lead=vcs_fhlp, reason="Knows the school")


# --- the service -----------------------------------------------------------------------------------------------


def test_allocating_sets_the_lead_on_every_childs_episode_accepts_the_request_and_tells_the_lead(
    family, fh_manager, vcs_fhlp
):
    allocation = allocation_create(work_request=family["request"], actor=fh_manager, lead=vcs_fhlp, reason="Local")
    assert allocation.family_case == family["case"] and allocation.lead == vcs_fhlp
    assert allocation.allocated_by == fh_manager and allocation.work_request_id == family["request"].pk
    for child in ("Mia", "Leo"):
        lead = EpisodeLead.objects.get(episode=family["episodes"][child], ended_at__isnull=True)
        assert lead.user == vcs_fhlp and lead.kind == "fhlp"
    family["request"].refresh_from_db()
    assert family["request"].status == WorkRequest.Status.ACCEPTED and family["request"].handled_by == fh_manager
    note = Notification.objects.get(user=vcs_fhlp, kind="family_help.allocated")
    assert note.link == reverse("family_help:family", args=[family["case"].pk])
    assert ChronologyEntry.objects.filter(
        person=family["leo"], strand=Strand.FAMILY_HELP, kind="fh_lead_allocated", summary__contains="Val Voluntary"
    ).exists()
    assert AuditEvent.objects.filter(verb="fh_allocation.created", target_id=str(allocation.pk)).exists()


def test_a_child_with_no_family_case_gets_one_made_from_their_relationships(
    triage_officer, fh_manager, sw_fhlp, levels
):
    import datetime as dt

    ava = person_create(
        actor=triage_officer, data={"first_name": "Ava", "last_name": "Stone", "date_of_birth": dt.date(2018, 1, 1)}
    )
    ben = person_create(
        actor=triage_officer, data={"first_name": "Ben", "last_name": "Stone", "date_of_birth": dt.date(2020, 1, 1)}
    )
    dad = person_create(
        actor=triage_officer, data={"first_name": "Carl", "last_name": "Stone", "date_of_birth": dt.date(1985, 1, 1)}
    )
    stranger = person_create(
        actor=triage_officer, data={"first_name": "Dee", "last_name": "Other", "date_of_birth": dt.date(2019, 1, 1)}
    )
    for child in (ava, ben):
        relationship_add(
            actor=triage_officer, from_person=dad, to_person=child, type="father", parental_responsibility=True
        )
    episodes = [
        episode_open(person=c, actor=triage_officer, level=levels["targeted_early_help"], reason="x")
        for c in (ava, ben, stranger)
    ]
    request = work_request_create(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
        person=ava,
        actor=triage_officer,
        episode=episodes[0],
        summary="Help",
    )
    allocation = allocation_create(work_request=request, actor=fh_manager, lead=sw_fhlp)
    members = {(m.person_id, m.role) for m in allocation.family_case.members.all()}
    assert members == {(ava.pk, "child"), (ben.pk, "child"), (dad.pk, "parent")}
    episodes[1].refresh_from_db()
    assert episodes[1].family_case_id == allocation.family_case_id
    assert EpisodeLead.objects.filter(episode=episodes[1], user=sw_fhlp, ended_at__isnull=True).exists()
    assert not EpisodeLead.objects.filter(episode=episodes[2]).exists()


def test_only_a_manager_may_allocate(family, vcs_fhlp, sw_fhlp):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        allocation_create(work_request=family["request"], actor=sw_fhlp, lead=vcs_fhlp)
    assert not Allocation.objects.exists()


def test_change_of_lead_ends_the_old_period_revokes_access_and_keeps_the_history(
    val_allocation, family, fh_manager, vcs_fhlp, sw_fhlp, client
):
    client.force_login(vcs_fhlp)
    mia_url = reverse("cases:person_detail", args=[family["mia"].pk])
    assert client.get(mia_url).status_code == 200
    new = allocation_change_lead(
        family_case=family["case"],
        actor=fh_manager,
        lead=sw_fhlp,
        reason="Val is moving to another team",
        expected_allocation_id=val_allocation.pk,
    )
    val_allocation.refresh_from_db()
    assert val_allocation.ended_at is not None and val_allocation.ended_at == new.started_at
    assert new.reason == "Val is moving to another team"
    # The old lead loses access on the very next request: the record, the family page and the API.
    assert client.get(mia_url).status_code == 404
    assert client.get(reverse("family_help:family", args=[family["case"].pk])).status_code == 404
    assert not Involvement.objects.filter(user=vcs_fhlp, end_date__isnull=True).exists()
    client.force_login(sw_fhlp)
    assert client.get(mia_url).status_code == 200
    # The history stays visible, both periods with their dates.
    client.force_login(fh_manager)
    body = page(client.get(reverse("family_help:family", args=[family["case"].pk])))
    assert "Val Voluntary" in body and "Sol Social" in body and "Val is moving to another team" in body
    assert list(Allocation.objects.filter(family_case=family["case"]).values_list("lead__full_name", flat=True)) == [
        "Sol Social",
        "Val Voluntary",
    ]
    assert Notification.objects.filter(user=vcs_fhlp, kind="family_help.lead_changed").exists()


def test_a_stale_change_of_lead_is_refused(val_allocation, family, fh_manager, sw_fhlp, vcs_fhlp):
    from cases.services import Conflict

    allocation_change_lead(
        family_case=family["case"],
        actor=fh_manager,
        lead=sw_fhlp,
        reason="First change",
        expected_allocation_id=val_allocation.pk,
    )
    with pytest.raises(Conflict, match="changed to Sol Social while you were editing"):
        allocation_change_lead(
            family_case=family["case"],
            actor=fh_manager,
            lead=vcs_fhlp,
            reason="Second",
            expected_allocation_id=val_allocation.pk,
        )
    assert Allocation.objects.filter(family_case=family["case"]).count() == 2


# --- access: a voluntary-sector lead sees that family only -----------------------------------------------------


def test_allocation_to_a_voluntary_sector_fhlp_gives_access_to_that_family_only_in_pages(
    family, other_family, fh_manager, vcs_fhlp, client
):
    client.force_login(vcs_fhlp)
    urls = [
        reverse("cases:person_detail", args=[family["mia"].pk]),
        reverse("cases:person_detail", args=[family["leo"].pk]),
        reverse("family_help:family", args=[family["case"].pk]),
    ]
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    allocation_create(work_request=family["request"], actor=fh_manager, lead=vcs_fhlp)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    assert client.get(reverse("cases:person_detail", args=[other_family["sam"].pk])).status_code == 404
    assert client.get(reverse("family_help:family", args=[other_family["case"].pk])).status_code == 404
    # The lead may not allocate: the waiting list and the allocate page do not exist for them.
    assert client.get(reverse("family_help:allocations")).status_code == 404
    assert client.get(reverse("family_help:allocate", args=[other_family["request"].pk])).status_code == 404


def test_allocation_to_a_voluntary_sector_fhlp_gives_access_to_that_family_only_in_the_api(
    family, other_family, fh_manager, vcs_fhlp
):
    manager, lead = APIClient(), APIClient()
    manager.force_authenticate(fh_manager)
    lead.force_authenticate(vcs_fhlp)
    etag = next(
        r["etag"]
        for r in manager.get("/api/v1/family-help/allocation-requests/").json()
        if r["id"] == family["request"].pk
    )
    response = manager.post(
        f"/api/v1/family-help/allocation-requests/{family['request'].pk}/allocate/",
        {"lead": vcs_fhlp.pk, "reason": "Near the family"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 201, response.content
    assert response.json()["lead"]["agency_type"] == "voluntary_sector"
    assert response.json()["family_case_id"] == family["case"].pk
    assert lead.get(f"/api/v1/people/{family['mia'].pk}/").status_code == 200
    assert lead.get(f"/api/v1/people/{other_family['sam'].pk}/").status_code == 404
    assert lead.get(f"/api/v1/family-help/families/{family['case'].pk}/allocations/").status_code == 200
    assert lead.get(f"/api/v1/family-help/families/{other_family['case'].pk}/allocations/").status_code == 404
    mine = lead.get("/api/v1/family-help/my-families/").json()
    assert [f["family_case_id"] for f in mine] == [family["case"].pk]
    assert {c["name"] for c in mine[0]["children"]} == {"Mia Okafor-Lewis", "Leo Okafor-Lewis"}
    # The lead cannot allocate or change leads: 404, as the front door's API answers a role that may not act.
    assert lead.get("/api/v1/family-help/allocation-requests/").status_code == 404
    assert (
        lead.post(
            f"/api/v1/family-help/allocation-requests/{other_family['request'].pk}/allocate/",
            {"lead": vcs_fhlp.pk},
            format="json",
            HTTP_IF_MATCH='"open"',
        ).status_code
        == 404
    )
    assert (
        lead.post(
            f"/api/v1/family-help/families/{family['case'].pk}/lead/",
            {"lead": vcs_fhlp.pk, "reason": "x"},
            format="json",
        ).status_code
        == 404
    )  # not 428
    assert APIClient().get("/api/v1/family-help/my-families/").status_code in (401, 403)


def test_api_change_of_lead_and_its_bad_input(val_allocation, family, fh_manager, sw_fhlp, health_practitioner):
    api = APIClient()
    api.force_authenticate(fh_manager)
    url = f"/api/v1/family-help/families/{family['case'].pk}/lead/"
    history_url = f"/api/v1/family-help/families/{family['case'].pk}/allocations/"
    etag = api.get(history_url)["ETag"]
    assert etag == f'"{val_allocation.pk}"'
    with unchanged(Allocation, EpisodeLead):
        missing = api.post(url, {"lead": sw_fhlp.pk, "reason": "Sickness"}, format="json")
        bad = api.post(url, {"lead": health_practitioner.pk, "reason": ""}, format="json", HTTP_IF_MATCH=etag)
        assert api.post(url, {"reason": "x"}, format="json", HTTP_IF_MATCH=etag).json() == {
            "code": "invalid",
            "lead": ["Choose a lead practitioner"],
        }
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]
    assert bad.status_code == 400
    assert set(bad.json()) == {"code", "lead", "reason"}
    assert "not a Family Help Lead Practitioner" in bad.json()["lead"][0]
    ok = api.post(url, {"lead": sw_fhlp.pk, "reason": "Sickness"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 201 and ok.json()["lead"]["name"] == "Sol Social"
    assert ok["ETag"] == f'"{ok.json()["id"]}"'
    # A second change from the same (now stale) read: 412 with the lead now, and nothing saved.
    with unchanged(Allocation, EpisodeLead):
        stale = api.post(url, {"lead": fh_manager.pk, "reason": "Again"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["ETag"] == ok["ETag"] and stale.json()["current"] == {"allocation": ok.json()["id"]}
    history = api.get(history_url).json()
    assert [(a["lead"]["name"], a["ended_at"] is None) for a in history] == [
        ("Sol Social", True),
        ("Val Voluntary", False),
    ]


def test_api_waiting_list_is_urgent_then_oldest_and_audited(family, other_family, fh_manager, levels):
    api = APIClient()
    api.force_authenticate(fh_manager)
    rows = api.get("/api/v1/family-help/allocation-requests/").json()
    assert [r["id"] for r in rows] == [other_family["request"].pk, family["request"].pk]
    assert [r["level"] for r in rows] == [levels["child_in_need"].name, levels["targeted_early_help"].name]
    event = AuditEvent.objects.filter(verb="fh_allocation_requests.listed").latest("id")
    assert set(event.child_ids) == {family["mia"].pk, other_family["sam"].pk}


def test_api_allocate_bad_input(family, fh_manager, health_practitioner):
    api = APIClient()
    api.force_authenticate(fh_manager)
    url = f"/api/v1/family-help/allocation-requests/{family['request'].pk}/allocate/"
    assert api.post(url, {"lead": health_practitioner.pk}, format="json").status_code == 428
    assert api.post(url, {}, format="json", HTTP_IF_MATCH='"open"').json() == {
        "code": "invalid",
        "lead": ["Choose a lead practitioner"],
    }
    response = api.post(url, {"lead": health_practitioner.pk}, format="json", HTTP_IF_MATCH='"open"')
    assert response.status_code == 400 and "lead" in response.json()
    assert api.post(url, {"lead": 999999}, format="json", HTTP_IF_MATCH='"open"').status_code == 400
    assert not Allocation.objects.exists()


# --- pages: the waiting list, allocating, bad input ----------------------------------------------------------


def test_waiting_list_shows_child_family_level_and_summary_urgent_first(
    family, other_family, fh_manager, client, levels
):
    client.force_login(fh_manager)
    body = page(client.get(reverse("family_help:allocations")))
    assert body.index("Sam Brennan") < body.index("Mia Okafor-Lewis")
    assert "Okafor-Lewis family" in body and "Mum struggling with housing" in body and "Urgent" in body
    assert levels["targeted_early_help"].name in body and levels["child_in_need"].name in body
    assert AuditEvent.objects.filter(verb="fh_allocation_requests.viewed", actor_id=fh_manager.pk).exists()


def test_front_door_managers_may_see_the_waiting_list(family, front_door_manager, client):
    client.force_login(front_door_manager)
    assert client.get(reverse("family_help:allocations")).status_code == 200


def test_allocate_page_shows_each_practitioners_caseload_qualification_and_agency(
    val_allocation, other_family, fh_manager, sw_fhlp, client
):
    client.force_login(fh_manager)
    body = page(client.get(reverse("family_help:allocate", args=[other_family["request"].pk])))
    assert "Val Voluntary, Test Family Charity (alternatively qualified): leads 1 family, 2 children" in body
    assert "Sol Social, Test Council Children&#x27;s Social Care (social worker): leads 0 families, 0 children" in body


def test_allocating_on_the_page_redirects_to_the_family(family, fh_manager, vcs_fhlp, client):
    client.force_login(fh_manager)
    response = client.post(
        reverse("family_help:allocate", args=[family["request"].pk]), {"lead": vcs_fhlp.pk, "reason": "Near"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("family_help:family", args=[family["case"].pk])
    assert Allocation.objects.get().lead == vcs_fhlp
    # The request is dealt with: the page says so and offers no form.
    body = page(client.get(reverse("family_help:allocate", args=[family["request"].pk])))
    assert "This request was accepted" in body and 'name="lead"' not in body


def test_no_practitioner_chosen_gives_a_field_error_and_keeps_the_reason(family, fh_manager, client):
    client.force_login(fh_manager)
    response = client.post(
        reverse("family_help:allocate", args=[family["request"].pk]), {"reason": "Someone near Leo's nursery"}
    )
    body = page(response)
    assert response.status_code == 200
    assert "There is a problem" in body and 'href="#id_lead_0">Choose a lead practitioner</a>' in body
    assert "Someone near Leo&#x27;s nursery" in body
    assert not Allocation.objects.exists()


def test_a_user_who_is_not_an_fhlp_gives_a_field_error_and_keeps_the_input(
    family, fh_manager, health_practitioner, client
):
    client.force_login(fh_manager)
    response = client.post(
        reverse("family_help:allocate", args=[family["request"].pk]),
        {"lead": health_practitioner.pk, "reason": "The health visitor knows them"},
    )
    body = page(response)
    assert "Choose a Family Help Lead Practitioner from the list" in body
    assert "govuk-form-group--error" in body and "The health visitor knows them" in body
    assert not Allocation.objects.exists()


def test_change_lead_page_needs_a_reason_and_keeps_the_choice(val_allocation, family, fh_manager, sw_fhlp, client):
    client.force_login(fh_manager)
    url = reverse("family_help:change_lead", args=[family["case"].pk])
    body = page(client.post(url, {"lead": sw_fhlp.pk, "reason": "", "current_allocation": val_allocation.pk}))
    assert "Give the reason for changing the lead practitioner" in body
    assert f'name="lead" value="{sw_fhlp.pk}" class="govuk-radios__input" id="id_lead_0" required checked>' in body
    assert Allocation.objects.filter(family_case=family["case"]).count() == 1
    response = client.post(url, {"lead": sw_fhlp.pk, "reason": "Leave", "current_allocation": val_allocation.pk})
    assert response.status_code == 302
    assert Allocation.objects.get(ended_at__isnull=True).lead == sw_fhlp


def test_change_lead_page_is_not_there_for_a_lead(val_allocation, family, vcs_fhlp, client):
    client.force_login(vcs_fhlp)
    assert client.get(reverse("family_help:change_lead", args=[family["case"].pk])).status_code == 404


# --- the family's page and the letter --------------------------------------------------------------------------


def test_family_page_shows_children_levels_adults_lead_and_links(val_allocation, family, vcs_fhlp, client):
    client.force_login(vcs_fhlp)
    response = client.get(reverse("family_help:family", args=[family["case"].pk]))
    body = page(response)
    for text in (
        "Mia Okafor-Lewis",
        "Leo Okafor-Lewis",
        "Grace Okafor",
        "Targeted early help",
        "Val Voluntary",
        "Test Family Charity",
        "Alternatively qualified practitioner",
    ):
        assert text in body, text
    assert reverse("cases:person_detail", args=[family["mia"].pk]) in body
    assert reverse("family_help:letter", args=[val_allocation.pk]) in body
    assert "Change the lead practitioner" not in body
    event = AuditEvent.objects.filter(verb="fh_family.viewed").latest("id")
    assert {family["mia"].pk, family["leo"].pk} <= set(event.child_ids)


def test_letter_pdf_names_the_lead_and_their_agency_and_records_it_was_sent(val_allocation, family, vcs_fhlp, client):
    client.force_login(vcs_fhlp)
    response = client.get(reverse("family_help:letter", args=[val_allocation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Your lead practitioner is Val Voluntary" in text
    assert "They work for Test Family Charity" in text
    assert "vcs.fhlp@example.test" in text and "What happens next" in text
    assert "Dear Grace" in text and "Thank you for agreeing to Family Help for Mia and Leo" in text
    val_allocation.refresh_from_db()
    assert val_allocation.letter_sent_at is not None
    assert AuditEvent.objects.filter(verb="fh_allocation_letter.printed", kind="read").exists()
    assert AuditEvent.objects.filter(verb="fh_allocation.letter_sent", kind="write").count() == 1


def test_letter_is_not_there_for_someone_outside_the_family(val_allocation, sw_fhlp, client):
    client.force_login(sw_fhlp)
    assert client.get(reverse("family_help:letter", args=[val_allocation.pk])).status_code == 404
    val_allocation.refresh_from_db()
    assert val_allocation.letter_sent_at is None


def test_a_request_allocated_by_a_colleague_meanwhile_is_refused_with_a_message(
    family, fh_manager, vcs_fhlp, sw_fhlp, client
):
    client.force_login(fh_manager)
    url = reverse("family_help:allocate", args=[family["request"].pk])
    assert 'name="lead"' in page(client.get(url))  # the form is open ...
    allocation_create(work_request=family["request"], actor=fh_manager, lead=vcs_fhlp)  # ... a colleague allocates
    api = APIClient()
    api.force_authenticate(fh_manager)
    second = api.post(
        f"/api/v1/family-help/allocation-requests/{family['request'].pk}/allocate/",
        {"lead": sw_fhlp.pk},
        format="json",
        HTTP_IF_MATCH='"open"',
    )  # as listed before
    assert second.status_code == 412
    assert second["ETag"] == '"accepted"' and second.json()["current"] == {"status": "accepted"}
    body = page(client.post(url, {"lead": sw_fhlp.pk}))
    assert "This request was accepted by Mo Manager" in body
    assert list(Allocation.objects.values_list("lead__full_name", flat=True)) == ["Val Voluntary"]


def test_waiting_list_queries_do_not_grow_with_the_requests(
    family, other_family, fh_manager, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(fh_manager)
    url = reverse("family_help:allocations")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        work_request_create(
            kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
            person=family["leo"],
            actor=fh_manager,
            episode=family["episodes"]["Leo"],
            summary=f"Request {i}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = page(client.get(url))
    assert body.count("/allocate/") == 14


def test_a_partner_in_the_team_around_the_family_cannot_send_the_letter(
    val_allocation, family, health_practitioner, vcs_fhlp, client
):
    from cases.models import InvolvementRole
    from cases.services import involvement_add

    for child in (family["mia"], family["leo"]):
        involvement_add(person=child, actor=vcs_fhlp, role=InvolvementRole.TAF_MEMBER, user=health_practitioner)
    client.force_login(health_practitioner)
    # The summary level: not the family's Family Help page (cases.policy), nor the letter.
    assert client.get(reverse("family_help:family", args=[family["case"].pk])).status_code == 404
    assert client.get(reverse("family_help:letter", args=[val_allocation.pk])).status_code == 404
    val_allocation.refresh_from_db()
    assert val_allocation.letter_sent_at is None
