"""The web toolkit (cases.web) and the one API exception handler, through the pages and endpoints that use
them: a stored link that leads off the site is never followed, pagination past the end shows the last page,
and every refusal, missing row, bad input and stale save gets its status and a reason in the body."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from cases.models import Notification
from cases.services import InvalidTransition, StaleEdit, notify
from cases.web import audit_shown, differences, error_list, paginate, safe_link, stale_rebind
from ffp.exceptions import api_exception_handler

pytestmark = pytest.mark.django_db


# --- safe links -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "/\\evil.example/x",
        "javascript:alert(1)",
        "evil.example/x",
        "",
        None,
    ],
)
def test_a_link_off_this_site_is_refused(link):
    assert safe_link(link) == ""


def test_a_path_on_this_site_is_kept():
    assert safe_link("/people/12/?tab=notes#n3") == "/people/12/?tab=notes#n3"


@pytest.mark.parametrize(("link", "lands_on"), [("//evil.example/x", None), ("/people/", "/people/")])
def test_opening_a_notification_follows_only_a_link_on_this_site(client, triage_officer, link, lands_on):
    notify(user=triage_officer, kind="test", title="Look at this", unique_key=f"t-{link}", link=link)
    note = Notification.objects.get(unique_key=f"t-{link}")
    client.force_login(triage_officer)
    response = client.post(reverse("cases:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == (lands_on or reverse("cases:notifications"))
    assert Notification.objects.get(pk=note.pk).read_at is not None


# --- pagination ---------------------------------------------------------------------------------------------------


def test_a_page_past_the_end_shows_the_last_page_and_keeps_the_other_parameters():
    request = RequestFactory().get("/x/", {"q": "smith", "page": "99"})
    pages = paginate(request, list(range(25)), per_page=10)
    assert pages.page.number == 3 and list(pages.page.object_list) == [20, 21, 22, 23, 24]
    assert pages.previous_href == "?q=smith&page=2" and pages.next_href == ""
    assert [(link.number, link.current) for link in pages.links] == [(1, False), (2, False), (3, True)]


def test_a_page_number_that_is_not_a_number_shows_the_first_page():
    request = RequestFactory().get("/x/", {"notes_page": "abc"})
    pages = paginate(request, list(range(25)), per_page=10, param="notes_page")
    assert pages.page.number == 1 and pages.next_href == "?notes_page=2"


def test_a_long_run_of_pages_is_elided():
    pages = paginate(RequestFactory().get("/x/", {"page": "10"}), list(range(200)), per_page=10)
    assert [link.number for link in pages.links] == [1, None, 9, 10, 11, None, 20]


def test_the_api_answers_a_page_past_the_end_with_400_and_a_reason(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    response = api_client.get("/api/v1/people/", {"page": 99})
    assert response.status_code == 400 and "page" in response.json()


# --- the read-audit row ------------------------------------------------------------------------------------------


def test_audit_shown_records_people_and_ids_and_leaves_out_unmatched_children(triage_officer, make_person):
    from cases.models import AuditEvent

    amelia, ben = make_person(), make_person(first="Ben")
    request = RequestFactory().get("/x/")
    request.user = triage_officer
    audit_shown(request, "test.viewed", [amelia, ben.pk, None], target=amelia)
    event = AuditEvent.objects.get(verb="test.viewed")
    assert event.kind == AuditEvent.Kind.READ and event.child_ids == sorted([amelia.pk, ben.pk])
    assert (event.actor_id, event.target_id) == (triage_officer.pk, str(amelia.pk))


# --- the error summary and the stale-edit re-bind --------------------------------------------------------------------


def _form(data):
    from django import forms

    from cases.forms import GovukFormMixin

    class Form(GovukFormMixin, forms.Form):
        name = forms.CharField(label="Name", error_messages={"required": "Enter a name"})
        version = forms.IntegerField(widget=forms.HiddenInput)

    return Form(data)


def test_error_list_puts_the_errors_not_about_one_field_first_each_leading_somewhere():
    form = _form({"version": "1"})
    form.is_valid()
    form.add_error(None, "Someone else changed this")
    assert error_list(form) == [("id_name", "Someone else changed this"), ("id_name", "Enter a name")]
    first = error_list(form, anchor="conflict", label="Child 2: ")[0]
    assert first == ("conflict", "Child 2: Someone else changed this")


def test_the_one_error_summary_template_renders_rows_or_a_form():
    from django.template.loader import render_to_string

    form = _form({"version": "1"})
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert 'href="#id_name">Enter a name' in html
    html = render_to_string("includes/error_summary.html", {"errors": [("/a/#id_b", "Fill in b")]})
    assert 'href="/a/#id_b">Fill in b' in html
    assert render_to_string("includes/error_summary.html", {"form": _form(None)}).strip() == ""


def test_a_stale_form_keeps_what_was_typed_on_the_new_version_with_the_reason():
    from django.http import QueryDict

    typed = QueryDict("name=Mine&version=3")
    form = stale_rebind(_form, typed, 5, "Someone else changed this")
    assert form.data["name"] == "Mine" and form.data["version"] == "5" and typed["version"] == "3"
    assert form.non_field_errors() == ["Someone else changed this"]


def test_differences_lists_only_the_details_that_differ_as_shown():
    import datetime as dt

    rows = differences(
        [
            ("Name", "Theirs", "Mine"),
            ("Due", dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
            ("Notes", "", None),
            ("Done", True, False),
        ]
    )
    assert [(d.label, d.saved, d.entered) for d in rows] == [("Name", "Theirs", "Mine"), ("Done", "Yes", "No")]


# --- the API exception handler ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("exc", [PermissionDenied("not yours"), ObjectDoesNotExist(), Http404()])
def test_a_refusal_or_a_missing_row_is_404_with_a_reason_that_reveals_nothing(exc):
    response = api_exception_handler(exc, {})
    assert response.status_code == 404 and response.data == {"code": "not_found", "detail": "Not found."}


def test_a_service_validation_error_is_400_keyed_by_field_or_non_field_errors():
    assert api_exception_handler(ValidationError({"name": ["Enter a name"]}), {}).data == {
        "code": "invalid",
        "name": ["Enter a name"],
    }
    response = api_exception_handler(ValidationError("Not like that"), {})
    assert response.status_code == 400 and response.data == {"code": "invalid", "non_field_errors": ["Not like that"]}


def test_a_stale_version_is_412_with_the_version_saved_now():
    stale = api_exception_handler(StaleEdit(7), {})
    assert stale.status_code == 412 and stale.data["current_version"] == 7 and "Someone else" in stale.data["detail"]
    assert stale["ETag"] == '"7"'


def test_a_refused_state_change_is_409_with_the_reason_and_the_state_now():
    moved = api_exception_handler(InvalidTransition("received", "decided", current={"status": "decided"}), {})
    assert moved.status_code == 409 and "received" in moved.data["detail"]
    assert moved.data["current"] == {"status": "decided"}


def test_the_api_s_own_exceptions_keep_their_status():
    assert api_exception_handler(ApiPermissionDenied("Only the front door"), {}).status_code == 403
