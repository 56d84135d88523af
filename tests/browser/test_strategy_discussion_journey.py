"""Issue 14 items 1-3 in Chromium, through the real sign-in page: the LCPP accepts the strategy-discussion request,
which starts the discussion for Mia and her brother Leo; records the police officer attending and health's apologies
(the decision is refused until the reason is recorded); the police officer, a member of the MACPT, adds what the police
know, tagged as police information; the LCPP records an s47 joint with the police for Mia and Family Help for Leo,
shares the record with the attendees and downloads it; on Mia's s47 page the ICPC target is shown, the child seen and
the outcome (conference needed) recorded. axe-core finds no WCAG 2.2 AA violation on any page, and at 320 CSS pixels
nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from cases.models import Notification, WorkRequest
from cases.services import work_request_create
from macpt.models import S47Enquiry, StrategyDiscussion
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in, sign_out, success_banner
from tests.personas import agency

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_strategy_discussion_to_s47_outcome(page, live_server, family, triage_officer, lcpp, police_officer, password):
    agency("health")  # the trust whose GP sends apologies
    request = work_request_create(
        kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
        person=family["mia"],
        actor=triage_officer,
        episode=family["episodes"]["Mia"],
        summary="Mia disclosed at school that mum's partner hit her with a belt.",
    )
    base = live_server.url
    sign_in(page, base, lcpp.email, password)
    page.goto(base + f"/cases/work-requests/{request.pk}/")
    page.get_by_role("button", name="Accept the strategy discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a strategy discussion")
    _checked(page)
    page.get_by_label("Leo Okafor-Lewis").check()
    page.locator("#start-discussion").click()
    expect(success_banner(page)).to_contain_text("Strategy discussion started")
    discussion = StrategyDiscussion.objects.get()
    _checked(page)

    # Attendance: the police officer attended; health sent apologies.
    page.get_by_text("Add an attendee").click()
    page.locator("#id_attendee-user").select_option(label="Pat Police, Test Police")
    page.locator("#attendee-form").get_by_label("Attended").check()
    page.locator("#add-attendee").click()
    expect(success_banner(page)).to_contain_text("Pat Police added")
    page.get_by_text("Add an attendee").click()
    page.locator("#id_attendee-agency").select_option(label="Test Community Health Trust (Health)")
    page.locator("#id_attendee-name").fill("Dr Hill, GP")
    page.locator("#attendee-form").get_by_label("Apologies").check()
    page.locator("#add-attendee").click()
    expect(page.locator("#missing-agencies")).to_contain_text("Health did not attend")
    _checked(page)
    mia_row = discussion.children.get(person=family["mia"])
    page.locator(f"#decide-{mia_row.pk}").click()
    page.get_by_label("Section 47 enquiry (joint with police)").check()
    page.get_by_label("Why?").fill("Disclosure of physical harm by a household member.")
    page.locator("#record-decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Health did not attend")
    _checked(page)
    page.get_by_role("link", name="Back to the strategy discussion").click()
    page.get_by_text("Record why the police or health did not take part").click()
    page.get_by_label("Why did health not take part? (if they did not)").fill("GP in surgery; records sent ahead.")
    page.locator("#save-absence").click()
    expect(page.locator("#health-absence")).to_contain_text("GP in surgery")
    sign_out(page)

    # The police officer, in the MACPT, now reaches the discussion and adds what the police know.
    sign_in(page, base, police_officer.email, password)
    page.goto(base + f"/child-protection/strategy/{discussion.pk}/")
    page.locator("#id_information-person").select_option(label="Mia Okafor-Lewis")
    page.locator("#id_information-text").fill("Mum's partner was cautioned for assault in 2024.")
    page.locator("#add-information").click()
    expect(success_banner(page)).to_contain_text("Information from Test Police added")
    expect(page.locator("#information")).to_be_visible()
    expect(page.get_by_text("Police information", exact=True)).to_be_visible()
    _checked(page)
    sign_out(page)

    sign_in(page, base, lcpp.email, password)
    page.goto(base + f"/child-protection/strategy/{discussion.pk}/")
    page.locator(f"#decide-{mia_row.pk}").click()
    page.get_by_label("Section 47 enquiry (joint with police)").check()
    page.get_by_label("Why?").fill("Disclosure of physical harm by a household member.")
    page.locator("#record-decision").click()
    expect(success_banner(page)).to_contain_text("Section 47 enquiry started for Mia Okafor-Lewis")
    leo_row = discussion.children.get(person=family["leo"])
    page.locator(f"#decide-{leo_row.pk}").click()
    page.get_by_label("No section 47 enquiry").check()
    page.get_by_label("Family Help").check()
    page.get_by_label("Why?").fill("Leo was not present; the family need support.")
    page.locator("#record-decision").click()
    expect(success_banner(page)).to_contain_text("Decision recorded for Leo Okafor-Lewis")
    page.locator("#share-record").click()
    expect(page.locator("#record-shared")).to_contain_text("Shared with the attendees on")
    assert Notification.objects.filter(user=police_officer, kind="macpt.strategy_record_shared").count() == 1
    _checked(page)
    with page.expect_download() as download:
        page.locator("#record-pdf").click()
    assert download.value.suggested_filename.startswith(f"strategy-discussion-{discussion.pk}-")

    enquiry = S47Enquiry.objects.get(person=family["mia"])
    page.get_by_role("link", name="Section 47 enquiry for Mia Okafor-Lewis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 47 enquiry")
    expect(page.locator("#icpc-target")).to_contain_text(f"{enquiry.icpc_target:%-d %B %Y}")
    _checked(page)
    today = enquiry.start_date
    seen = page.locator("#child-seen")
    seen.get_by_label("Day").fill(str(today.day))
    seen.get_by_label("Month").fill(str(today.month))
    seen.get_by_label("Year").fill(str(today.year))
    page.locator("#save-child-seen").click()
    expect(page.locator("#child-seen-on")).to_contain_text(f"{today:%-d %B %Y}")
    outcome = page.locator("#outcome-form")
    outcome.get_by_label("Concerns substantiated, initial child protection conference needed").check()
    outcome.get_by_label("Day").fill(str(today.day))
    outcome.get_by_label("Month").fill(str(today.month))
    outcome.get_by_label("Year").fill(str(today.year))
    outcome.get_by_label("Why?").fill("Significant harm; a plan is needed.")
    page.locator("#record-outcome").click()
    expect(page.locator("#s47-outcome")).to_contain_text("conference needed")
    _checked(page)
