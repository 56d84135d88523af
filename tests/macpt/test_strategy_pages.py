"""Issue 14 item 2 through the pages: the request's accept page starts the discussion (the request's own page links
there), an LCPP starts one from a child's record, the child's record points to the open enquiry, and bad input on the
forms is answered with the reason, nothing saved."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import WorkRequest
from macpt.models import S47Enquiry, StrategyDiscussion
from macpt.services.strategy import strategy_decide

pytestmark = pytest.mark.django_db


def _start_data(children, macpt, **extra) -> dict:
    now = timezone.localtime()
    return {
        "children": [c.pk for c in children],
        "team": macpt.pk,
        "form": "meeting",
        "held_on": now.date().isoformat(),
        "held_time": now.strftime("%H:%M"),
        "reason": "Disclosure",
        **extra,
    }


def test_the_requests_page_leads_to_the_accept_page_which_starts_the_discussion(
    client, family, lcpp, macpt, strategy_request
):
    client.force_login(lcpp)
    page = client.get(reverse("cases:work_request", args=[strategy_request.pk])).content.decode()
    accept = reverse("macpt:strategy_accept", args=[strategy_request.pk])
    assert f'href="{accept}"' in page
    response = client.get(accept)
    assert response.status_code == 200 and "Leo Okafor-Lewis" in response.content.decode()  # siblings offered
    response = client.post(accept, _start_data([family["mia"], family["leo"]], macpt))
    discussion = StrategyDiscussion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("macpt:strategy", args=[discussion.pk])
    assert discussion.form == "meeting" and discussion.work_request == strategy_request
    strategy_request.refresh_from_db()
    assert strategy_request.status == WorkRequest.Status.ACCEPTED
    # Handled: the page says so and starts nothing more.
    again = client.post(accept, _start_data([family["mia"]], macpt))
    assert again.status_code == 200 and "This request was accepted" in again.content.decode()
    assert StrategyDiscussion.objects.count() == 1


def test_the_start_form_refuses_no_child_and_a_bad_time_with_the_reason(client, family, lcpp, macpt):
    client.force_login(lcpp)
    url = reverse("macpt:strategy_start", args=[family["mia"].pk])
    response = client.post(url, _start_data([], macpt, held_time="25:99"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one child" in page and "Enter a time using the 24-hour clock" in page
    assert not StrategyDiscussion.objects.exists()


def test_an_lcpp_starts_a_discussion_from_the_childs_record_which_then_points_to_the_enquiry(
    client, family, lcpp, macpt, discussion
):
    from macpt.models import StrategyChild

    client.force_login(lcpp)
    record = reverse("cases:person_detail", args=[family["mia"].pk])
    page = client.get(record).content.decode()
    assert reverse("macpt:strategy_start", args=[family["mia"].pk]) in page
    assert reverse("macpt:strategy", args=[discussion.pk]) in page  # the record not shared yet
    row = StrategyChild.objects.select_related("discussion", "person").get(discussion=discussion, person=family["mia"])
    strategy_decide(child=row, actor=lcpp, decision="s47_single", reason="Disclosure")
    enquiry = S47Enquiry.objects.get(person=family["mia"])
    page = client.get(record).content.decode()
    assert (
        reverse("macpt:s47", args=[enquiry.pk]) in page and "the initial child protection conference is due by" in page
    )


def test_the_decision_form_refuses_no_s47_without_the_next_step(client, discussion, family, lcpp):
    from macpt.models import StrategyChild

    row = StrategyChild.objects.get(discussion=discussion, person=family["leo"])
    client.force_login(lcpp)
    url = reverse("macpt:strategy_decision", args=[discussion.pk, row.pk])
    response = client.post(url, {"decision-decision": "no_s47", "decision-reason": "Below threshold"})
    assert response.status_code == 200
    assert "Choose what happens next when there is no section 47 enquiry" in response.content.decode()
    row.refresh_from_db()
    assert row.decision == ""


def test_the_share_button_without_decisions_says_what_is_missing(client, discussion, lcpp):
    client.force_login(lcpp)
    response = client.post(reverse("macpt:strategy_share", args=[discussion.pk]))
    assert response.status_code == 200
    assert "Record the decision for every child first (2 to decide)" in response.content.decode()
    discussion.refresh_from_db()
    assert discussion.record_shared_at is None


def test_an_attendee_is_a_member_of_the_team_or_named_with_an_agency(client, discussion, lcpp, education_member):
    client.force_login(lcpp)
    url = reverse("macpt:strategy_attendee_add", args=[discussion.pk])
    response = client.post(url, {"attendee-attendance": "attended"})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose the attendee&#x27;s agency" in page
    assert discussion.attendees.count() == 2
    response = client.post(url, {"attendee-user": education_member.pk, "attendee-attendance": "attended"})
    assert response.status_code == 302
    added = discussion.attendees.get(user=education_member)
    assert (added.name, added.agency) == (education_member.full_name, education_member.agency)


def test_immediate_protective_action_leads_the_lcpp_to_the_emergency_action_page(
    client, discussion, family, lcpp, police_officer
):
    mia = discussion.children.get(person=family["mia"])
    strategy_decide(child=mia, actor=lcpp, decision="immediate_protection", reason="Mia cannot go home tonight.")
    url = reverse("macpt:strategy", args=[discussion.pk])
    emergency = reverse("macpt:emergency_action_create", args=[family["mia"].pk])
    client.force_login(lcpp)
    assert f'href="{emergency}"' in client.get(url).content.decode()
    assert client.get(emergency).status_code == 200
    client.force_login(police_officer)  # a MACPT member reads the discussion but does not record emergency action
    page = client.get(url)
    assert page.status_code == 200 and f'href="{emergency}"' not in page.content.decode()
