"""Emergency action and pre-proceedings in Chromium (issue 14 items 7 and 8), the LCPP signing in through the real
sign-in page: the emergency-action request's page leads to the form that records police protection (over 72 hours
refused with the reason, what was typed kept), the action and its end are in the child's chronology; on the child's
record the LCPP starts pre-proceedings, a letter before proceedings without the FGDM answer is refused and then saved
with it, meetings are recorded and the review count shown, and the decision's outcome carries the council's label.
axe-core finds no WCAG 2.2 AA violation on any of these pages, and at 320 CSS pixels nothing scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import WorkRequest
from cases.services import work_request_create
from cases.workdays import LONDON
from macpt.models import EmergencyAction, PreProceedings
from macpt.selectors.pre_proceedings import census_block
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, success_banner
from tests.fgdm.pp_support import offer_at

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(page, prefix: str, day: dt.date) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(day.day))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_year").fill(str(day.year))


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_lcpp_records_police_protection_from_the_request(page, live_server, family, triage_officer, lcpp, password):
    request = work_request_create(
        kind=WorkRequest.Kind.EMERGENCY_ACTION,
        person=family["mia"],
        actor=triage_officer,
        episode=family["episodes"]["Mia"],
        summary="Mia found alone at home at night; police attending.",
        urgent=True,
    )
    started = (timezone.now() - dt.timedelta(days=7)).astimezone(LONDON).replace(hour=23, minute=5)
    base = live_server.url
    sign_in(page, base, lcpp.email, password)
    nav(page, "Work requests").click()
    page.locator(f"#work-request-{request.pk}").get_by_role("link", name="Open").click()
    page.get_by_role("button", name="Take the emergency action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take the emergency action")
    _checked(page)

    page.get_by_label("Police protection", exact=True).check()
    _fill_date(page, "started_on", started.date())
    page.get_by_label("Time it started").fill("23:05")
    page.get_by_label("Who took it").fill("PC 1234 Dana Reyes, Test Police")
    page.get_by_label("Why the child needed immediate protection").fill("Found alone at home, no adult reachable.")
    ended = started + dt.timedelta(hours=80)
    _fill_date(page, "ended_on", ended.date())
    page.get_by_label("Time it ended").fill(f"{ended:%H:%M}")
    page.get_by_label("Placed with family or friends").check()
    page.locator("#record-emergency-action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Police protection lasts at most 72 hours")
    expect(page.get_by_label("Who took it")).to_have_value("PC 1234 Dana Reyes, Test Police")
    _checked(page)

    ended = started + dt.timedelta(hours=30)
    _fill_date(page, "ended_on", ended.date())
    page.get_by_label("Time it ended").fill(f"{ended:%H:%M}")
    page.locator("#record-emergency-action").click()
    expect(success_banner(page)).to_contain_text("Police protection recorded and the request accepted")
    expect(page.locator("#emergency-ended")).to_contain_text("Placed with family or friends")
    _checked(page)
    assert EmergencyAction.objects.get().work_request_id == request.pk

    page.get_by_role("link", name="See Mia's chronology").click()
    expect(page.locator("main")).to_contain_text("Police protection from")
    expect(page.locator("main")).to_contain_text("Police protection ended")


def test_lcpp_runs_pre_proceedings_from_the_childs_record(page, live_server, family, lcpp, password):
    base = live_server.url
    sign_in(page, base, lcpp.email, password)
    page.goto(base + f"/cases/people/{family['mia'].pk}/")
    page.get_by_role("link", name="Start pre-proceedings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-proceedings")
    _checked(page)
    _fill_date(page, "start_date", dt.date(2026, 5, 11))
    page.locator("#start-pre-proceedings").click()
    expect(success_banner(page)).to_contain_text("Pre-proceedings started")
    expect(page.locator("#pp-next-step")).to_contain_text("letter before proceedings, due 18 May 2026")
    _checked(page)

    page.locator("#record-steps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the steps of pre-proceedings")
    _checked(page)
    _fill_date(page, "lbp_sent_date", dt.date(2026, 5, 8))  # before the start: refused (9006)
    page.locator("#save-steps").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("on or after the start of pre-proceedings")
    expect(page.locator("#id_lbp_sent_date_day")).to_have_value("8")  # nothing typed is lost
    _checked(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_lbp_sent_date_day")).to_be_focused()
    page.locator("#id_lbp_sent_date_day").fill("14")
    page.locator("#save-steps").click()
    expect(success_banner(page)).to_contain_text("Pre-proceedings updated")
    # The FGDM answers are the FGDM strand's (issue 15 item 7): none offered in the letter yet, then the offer is made
    # in it (to Mia's mother) and the page reads it from the one selector.
    expect(page.locator("#pp-fgdm-offered")).to_have_text("No")
    pp = PreProceedings.objects.get()
    offer_at(pp, by=lcpp, on=dt.date(2026, 5, 14), recipients=[family["grace"]])
    page.reload()
    expect(page.locator("#pp-fgdm-offered")).to_contain_text("Yes")
    expect(page.locator("#pp-fgdm-facilitated")).to_have_text("No")

    for kind, day in (
        ("Initial pre-proceedings meeting", dt.date(2026, 5, 20)),
        ("Review meeting", dt.date(2026, 6, 17)),
    ):
        page.locator("#add-meeting").click()
        page.get_by_label(kind).check()
        _fill_date(page, "held_on", day)
        page.locator("#save-meeting").click()
        expect(success_banner(page)).to_contain_text(f"{kind} recorded")
    expect(page.locator("#pp-review-count")).to_have_text("1")

    page.locator("#record-steps").click()
    _fill_date(page, "step_decision_date", dt.date(2026, 7, 1))
    page.get_by_label("Care proceedings issued (A)").check()
    page.locator("#save-steps").click()
    expect(page.locator("#pp-outcome")).to_have_text("Care proceedings issued (A)")
    expect(page.locator("#pp-next-step")).to_have_count(0)
    _checked(page)
    pp.refresh_from_db()
    assert (pp.lbp_sent_date, pp.outcome) == (dt.date(2026, 5, 14), "A")
    block = census_block(pp, year_start=2026)
    assert (block["FGDMMeetingOffer"], block["FGDMMeetingFac"]) == (1, 0)


def test_lcpp_records_harm_outside_the_home_on_the_s47_enquiry(page, live_server, family, lcpp, password):
    """Issue 14 item 6: from the s47 enquiry's page, the contexts (an empty record refused with the reasons), then a
    person and a place involved."""
    from cases.models import Team
    from tests.macpt.oversight_support import s47

    team = Team.objects.create(name="Browser MACPT", agency=lcpp.agency, multi_agency=True)
    enquiry = s47(person=family["mia"], team=team, lead=lcpp, start=dt.date(2026, 11, 2), icpc_on=dt.date(2026, 11, 23))
    base = live_server.url
    sign_in(page, base, lcpp.email, password)
    page.goto(base + f"/child-protection/s47/{enquiry.pk}/")
    page.locator("#record-harm-outside-home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record harm outside the home")
    page.locator("#record-harm").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one context of harm outside the home")
    _checked(page)
    page.get_by_label("Criminal exploitation (including county lines)").check()
    page.get_by_label("What is the risk and where does it come from?").fill("Missing at weekends with older boys.")
    page.locator("#record-harm").click()
    expect(success_banner(page)).to_contain_text("Harm outside the home recorded")
    expect(page.locator("#harm-contexts")).to_contain_text("Criminal exploitation (including county lines)")
    _checked(page)
    page.get_by_text("Add a place").click()
    page.get_by_label("Transport hub or route").check()
    page.locator("#id_place-name").fill("Testford bus station")
    page.locator("#add-harm-place").click()
    expect(page.locator("#harm-places-list")).to_contain_text("Testford bus station (Transport hub or route)")
    page.get_by_text("Add a person").click()
    page.locator("#add-harm-person").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who they are")
    _checked(page)
