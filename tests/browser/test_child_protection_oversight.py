"""The LCPP's child protection oversight in Chromium (issue 14 item 9), signing in through the real sign-in page: the
home page's panel counts the children in child protection and those with an item overdue, the navigation leads to
the dashboard, which lists each child in an s47 enquiry or on a plan with the next item due and its RAG in words,
most urgent first, a restricted child unnamed; filtering by a MACPT team narrows the list. axe-core finds no WCAG
2.2 AA violation, and at 320 CSS pixels wide nothing scrolls sideways (the table scrolls in its own region)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import family_case_create, person_restrict
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in
from tests.factories import TeamFactory
from tests.macpt.oversight_support import on_plan, s47, strategy_record
from tests.personas import team

pytestmark = pytest.mark.django_db(transaction=True)


def test_lcpp_oversees_every_child_in_child_protection(page, live_server, lcpp, make_person, privacy_officer, password):
    today = timezone.localdate()
    macpt, south = team("macpt"), TeamFactory(name="MACPT South", multi_agency=True)
    ada, ben, cat = make_person("Ada", "Overdue"), make_person("Ben", "Ontrack"), make_person("Cat", "Hidden")
    late = s47(person=ada, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=20))
    strategy_record(enquiry=late, due_on=today - dt.timedelta(days=3))
    s47(person=ben, team=south, lead=lcpp, icpc_on=today + dt.timedelta(days=30))
    s47(person=cat, team=macpt, lead=lcpp, icpc_on=today + dt.timedelta(days=25))
    person_restrict(person=cat, actor=privacy_officer, reason="high_profile", access_users=[])
    dee = make_person("Dee", "Planned")
    family_case = family_case_create(actor=lcpp, name="Planned family", members=[(dee, "child")])
    on_plan(person=dee, family_case=family_case, team=macpt, chair=lcpp, start=today - dt.timedelta(days=7))

    base = live_server.url
    sign_in(page, base, lcpp.email, password)
    expect(page.locator("#oversight-panel")).to_contain_text(
        "4 children in an s47 enquiry or on a plan: 1 with an item overdue"
    )
    nav(page, "Child protection oversight").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversight")
    expect(page.locator("#oversight-count")).to_have_text("4 children in child protection")
    rows = page.locator("#oversight-children tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator(f"#oversight-child-{dee.pk}")).to_contain_text("On a plan since")
    expect(page.locator(f"#oversight-child-{dee.pk}")).to_contain_text("Core group")
    expect(rows.nth(0)).to_contain_text("Ada Overdue")
    expect(rows.nth(0)).to_contain_text("Strategy discussion record to share")
    expect(rows.nth(0)).to_contain_text("Overdue")  # the RAG in words, not colour alone
    expect(page.locator(f"#oversight-child-{ben.pk}")).to_contain_text("On track")
    expect(page.locator("#oversight-children")).to_contain_text("Restricted record")
    expect(page.locator("#oversight-children")).not_to_contain_text("Cat Hidden")
    assert_no_axe_violations(page)
    assert_reflows(page)

    page.get_by_label("MACPT team").select_option(label="MACPT South")
    page.locator("#oversight-filter-show").click()
    expect(page.locator("#oversight-count")).to_have_text("1 child in child protection with MACPT South")
    expect(rows).to_have_count(1)
    expect(page.locator(f"#oversight-child-{ben.pk}")).to_contain_text("Initial child protection conference")
    assert_no_axe_violations(page)

    page.locator(f"#oversight-child-{ben.pk}").get_by_role("link", name="Ben Ontrack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ben Ontrack")
