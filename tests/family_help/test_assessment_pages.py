"""The assessment's pages and autosave endpoint, through the Django test client: what they show, what they
save, how they refuse, and that every page showing a child's data is audited."""

import datetime as dt
import json

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent
from cases.workdays import LONDON
from family_help.models import Assessment, AssessmentStatus
from family_help.services.assessment import assessment_save_draft, assessment_start, assessment_submit
from tests.family_help.assessment_support import complete

pytestmark = pytest.mark.django_db


def _form_data(assessment: Assessment, **overrides) -> dict:
    data = {"version": str(assessment.version), "action": "save"}
    for section in assessment.children.all():
        data[f"child-{section.pk}-child_voice"] = section.child_voice
        data[f"child-{section.pk}-primary_need"] = section.primary_need
    data.update(overrides)
    return data


def _autosave(client, assessment: Assessment, payload: dict):
    return client.post(
        reverse("family_help:assessment_autosave", args=[assessment.pk]),
        data=json.dumps(payload),
        content_type="application/json",
    )


# --- start -------------------------------------------------------------------------------------------------


def test_the_start_page_offers_the_front_door_date_and_starting_opens_the_edit_page(
    time_machine, client, led, vcs_fhlp
):
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON))  # the day after the referral
    client.force_login(vcs_fhlp)
    url = reverse("family_help:assessment_start", args=[led["case"].pk])
    page = client.get(url)
    assert page.status_code == 200
    opened = led["episodes"]["Mia"].opened_on
    assert f'value="{opened.day}"' in page.content.decode() and "Mia Okafor-Lewis" in page.content.decode()
    assert AuditEvent.objects.filter(verb="family_help.assessment_start.viewed", actor_id=vcs_fhlp.pk).exists()
    response = client.post(url, {"referral_date_day": "1", "referral_date_month": "12", "referral_date_year": "2026"})
    created = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "family_help:assessment_edit", args=[created.pk]
    )
    assert created.due_on == dt.date(2027, 2, 5)


def test_a_bad_referral_date_is_an_error_with_the_input_kept(client, led, vcs_fhlp):
    client.force_login(vcs_fhlp)
    response = client.post(
        reverse("family_help:assessment_start", args=[led["case"].pk]),
        {"referral_date_day": "31", "referral_date_month": "2", "referral_date_year": "2026"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "Referral date must be a real date" in body and 'value="31"' in body
    assert not Assessment.objects.exists()


# --- edit, save draft, autosave ----------------------------------------------------------------------------


def test_save_draft_without_javascript_stores_everything(client, assessment, led, vcs_fhlp):
    client.force_login(vcs_fhlp)
    mia = assessment.children.get(person=led["mia"])
    url = reverse("family_help:assessment_edit", args=[assessment.pk])
    response = client.post(
        url,
        _form_data(
            assessment,
            housing="Overcrowded",
            **{f"child-{mia.pk}-child_voice": "I want my own bed", f"child-{mia.pk}-factors": ["4B", "7A"]},
        ),
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    mia.refresh_from_db()
    assert assessment.housing == "Overcrowded" and assessment.version == 2 and not assessment.autosaved
    assert mia.child_voice == "I want my own bed" and mia.factors == ["4B", "7A"]
    page = client.get(url)
    assert "I want my own bed" in page.content.decode()
    assert AuditEvent.objects.filter(verb="family_help.assessment_edit.viewed", actor_id=vcs_fhlp.pk).exists()


def test_an_unknown_factor_code_is_a_field_error_with_the_rest_kept(client, assessment, led, vcs_fhlp):
    client.force_login(vcs_fhlp)
    leo = assessment.children.get(person=led["leo"])
    response = client.post(
        reverse("family_help:assessment_edit", args=[assessment.pk]),
        _form_data(
            assessment,
            risks="Dad's visits are unpredictable",
            **{f"child-{leo.pk}-factors": ["4B", "99Z"], f"child-{leo.pk}-needs": "Speech delay"},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "99Z is not a CIN assessment factor code" in body
    assert f'href="#id_child-{leo.pk}-factors_0"' in body
    assert "Dad&#x27;s visits are unpredictable" in body and "Speech delay" in body
    assert body.count("checked") >= 1  # 4B still ticked
    assessment.refresh_from_db()
    assert assessment.version == 1 and assessment.risks == ""


def test_autosave_stores_the_draft_and_says_when(client, assessment, led, vcs_fhlp):
    client.force_login(vcs_fhlp)
    mia = assessment.children.get(person=led["mia"])
    response = _autosave(
        client,
        assessment,
        {"version": 1, f"child-{mia.pk}-child_voice": "Home is noisy", f"child-{mia.pk}-factors": []},
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    saved = Assessment.objects.get(pk=assessment.pk).last_saved_at
    assert response.json()["message"] == f"Saved at {timezone.localtime(saved):%H:%M}"
    mia.refresh_from_db()
    assessment.refresh_from_db()
    assert mia.child_voice == "Home is noisy" and assessment.autosaved
    # Only what was sent changes: Leo's section and the family's fields are left alone.
    assert assessment.children.get(person=led["leo"]).child_voice == ""


def test_autosave_with_a_stale_version_is_409_with_the_reason_and_their_changes(
    client, assessment, vcs_fhlp, fh_manager
):
    assessment_save_draft(assessment=assessment, actor=fh_manager, expected_version=1, data={"risks": "Theirs"})
    client.force_login(vcs_fhlp)
    response = _autosave(client, assessment, {"version": 1, "risks": "Mine"})
    assert response.status_code == 409
    body = response.json()
    assert "Someone else saved this assessment" in body["detail"] and body["version"] == 2
    assert {"label": "Risks", "saved": "Theirs", "entered": "Mine"} in body["changes"]
    assessment.refresh_from_db()
    assert assessment.risks == "Theirs"


def test_autosave_refuses_a_bad_code_with_reasons_by_field(client, assessment, led, vcs_fhlp):
    client.force_login(vcs_fhlp)
    mia = assessment.children.get(person=led["mia"])
    response = _autosave(client, assessment, {"version": 1, f"child-{mia.pk}-factors": ["ZZ"]})
    assert response.status_code == 400
    assert "ZZ is not a CIN assessment factor code" in response.json()["errors"][f"child-{mia.pk}-factors"][0]
    assert _autosave(client, assessment, ["not", "an", "object"]).status_code == 400


def test_a_stale_save_on_the_page_shows_their_changes_and_keeps_mine(client, assessment, vcs_fhlp, fh_manager):
    assessment_save_draft(
        assessment=assessment, actor=fh_manager, expected_version=1, data={"strengths": "Grandma helps every day"}
    )
    client.force_login(vcs_fhlp)
    response = client.post(
        reverse("family_help:assessment_edit", args=[assessment.pk]),
        _form_data(assessment, version="1", strengths="Mum is warm with the children"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this assessment" in body and "What changed while you were editing" in body
    assert "Grandma helps every day" in body and "Mum is warm with the children" in body
    assert 'name="version" value="2"' in body  # a second save, made knowing their change, goes through
    assessment.refresh_from_db()
    assert assessment.strengths == "Grandma helps every day"


# --- submit and authorise -------------------------------------------------------------------------------------


def test_the_submit_page_lists_what_is_missing_with_links_to_the_fields(client, assessment, led, vcs_fhlp):
    client.force_login(vcs_fhlp)
    body = client.get(reverse("family_help:assessment_submit", args=[assessment.pk])).content.decode()
    mia = assessment.children.get(person=led["mia"])
    assert "Write the analysis" in body and "Choose the outcome of the assessment" in body
    assert f"#id_child-{mia.pk}-child_voice" in body and "Record Mia&#x27;s voice" in body
    assert "Submit for authorisation</button>" not in body


def test_submitting_a_complete_assessment(client, assessment, vcs_fhlp):
    complete(assessment, vcs_fhlp)
    assessment.refresh_from_db()
    client.force_login(vcs_fhlp)
    response = client.post(
        reverse("family_help:assessment_submit", args=[assessment.pk]), {"version": assessment.version}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    # Once submitted it can no longer be edited.
    assert client.get(reverse("family_help:assessment_edit", args=[assessment.pk])).status_code == 302


def test_authorisation_is_refused_to_a_non_manager_and_done_by_a_manager(client, assessment, vcs_fhlp, fh_manager):
    assessment_submit(assessment=complete(assessment, vcs_fhlp), actor=vcs_fhlp)
    url = reverse("family_help:assessment_authorise", args=[assessment.pk])
    client.force_login(vcs_fhlp)
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"decision": "authorise", "authorised_on": timezone.localdate().isoformat()}).status_code
        == 404
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    client.force_login(fh_manager)
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "decision": "authorise",
            "authorised_on_day": future.day,
            "authorised_on_month": future.month,
            "authorised_on_year": future.year,
        },
    )
    assert response.status_code == 200 and "must be today or in the past" in response.content.decode()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "decision": "authorise",
            "authorised_on_day": today.day,
            "authorised_on_month": today.month,
            "authorised_on_year": today.year,
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED and assessment.authorised_on == today


def test_returning_needs_a_reason(client, assessment, vcs_fhlp, fh_manager):
    assessment_submit(assessment=complete(assessment, vcs_fhlp), actor=vcs_fhlp)
    client.force_login(fh_manager)
    url = reverse("family_help:assessment_authorise", args=[assessment.pk])
    response = client.post(url, {"decision": "return"})
    assert response.status_code == 200 and "Say what needs to change" in response.content.decode()
    assert client.post(url, {"decision": "return", "returned_reason": "More on Leo"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT and assessment.returned_reason == "More on Leo"


def test_the_assessment_page_shows_the_due_date_and_days_left_and_is_audited(client, assessment, led, fh_manager):
    client.force_login(fh_manager)
    body = client.get(reverse("family_help:assessment", args=[assessment.pk])).content.decode()
    assert f"{assessment.due_on:%B %Y}" in body and "working days left" in body and "On track" in body
    event = AuditEvent.objects.get(verb="family_help.assessment.viewed", actor_id=fh_manager.pk)
    assert sorted(event.child_ids) == sorted([led["mia"].pk, led["leo"].pk])


# --- out of scope: 404 everywhere ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("assessment", "get"),
        ("assessment_edit", "get"),
        ("assessment_edit", "post"),
        ("assessment_submit", "get"),
        ("assessment_submit", "post"),
        ("assessment_authorise", "get"),
        ("assessment_autosave", "post"),
    ],
)
def test_someone_outside_the_family_gets_404_on_every_page(client, assessment, health_fhlp, name, method):
    client.force_login(health_fhlp)
    url = reverse(f"family_help:{name}", args=[assessment.pk])
    response = (
        getattr(client, method)(url, data=json.dumps({"version": 1, "risks": "x"}), content_type="application/json")
        if method == "post"
        else client.get(url)
    )
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert assessment.version == 1


def test_someone_outside_the_family_cannot_start_one(client, led, health_fhlp):
    client.force_login(health_fhlp)
    url = reverse("family_help:assessment_start", args=[led["case"].pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"referral_date_day": "1", "referral_date_month": "12", "referral_date_year": "2026"}
        ).status_code
        == 404
    )
    assert not Assessment.objects.exists()


# --- the panel on the family page -----------------------------------------------------------------------------------


def test_the_panel_offers_to_start_then_shows_the_current_assessment_with_its_timescale(led, vcs_fhlp):
    template = Template("{% load fh_assessment %}{% fh_assessment_panel family user %}")
    html = template.render(Context({"family": led["case"], "user": vcs_fhlp}))
    assert "No assessment in progress" in html and "Start an assessment" in html
    started = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    html = template.render(Context({"family": led["case"], "user": vcs_fhlp}))
    assert "Start an assessment" not in html and "Draft" in html
    assert reverse("family_help:assessment", args=[started.pk]) in html
    assert f"{started.due_on:%B %Y}" in html and "working days left" in html


def test_the_panel_takes_the_same_number_of_queries_however_many_past_assessments(led, vcs_fhlp, fh_manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from family_help.services.assessment import assessment_authorise

    def authorised_one():
        started = complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp)
        assessment_submit(assessment=started, actor=vcs_fhlp)
        assessment_authorise(assessment=started, actor=fh_manager, authorised_on=timezone.localdate())

    template = Template("{% load fh_assessment %}{% fh_assessment_panel family user %}")
    authorised_one()
    assessment_start(family_case=led["case"], actor=vcs_fhlp)
    with CaptureQueriesContext(connection) as few:
        template.render(Context({"family": led["case"], "user": vcs_fhlp}))
    Assessment.objects.filter(status=AssessmentStatus.DRAFT).delete()
    for _ in range(3):
        authorised_one()
    assessment_start(family_case=led["case"], actor=vcs_fhlp)
    with CaptureQueriesContext(connection) as many:
        html = template.render(Context({"family": led["case"], "user": vcs_fhlp}))
    assert html.count("Authorised ") == 4
    assert len(many) == len(few)


def test_a_team_around_the_family_partner_neither_reads_nor_writes_the_assessment(
    client, assessment, led, health_practitioner, vcs_fhlp
):
    """The team around the family sees the summary level (the plan), never assessments (cases.policy)."""
    from cases.models import InvolvementRole
    from cases.services import involvement_add

    for child in (led["mia"], led["leo"]):
        involvement_add(person=child, actor=vcs_fhlp, role=InvolvementRole.TAF_MEMBER, user=health_practitioner)
    client.force_login(health_practitioner)
    assert client.get(reverse("family_help:assessment", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("family_help:assessment_edit", args=[assessment.pk])).status_code == 404
    assert _autosave(client, assessment, {"version": 1, "risks": "x"}).status_code == 404
    assessment.refresh_from_db()
    assert assessment.version == 1
