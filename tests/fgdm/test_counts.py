"""Issue 15 item 7: the FGDM counts page (fgdm:counts) for a known data set: offers by decision point with their
answers, meetings held, plans agreed, reviews, and the two pre-proceedings measures of the one selector (the same
figures as census module 5); a quarter or a collection year, the current year by default; only facilitators and
managers (fgdm.counts) may open it, anyone else is told it is not there; the drill-down lists only the offers the
reader may open, and is read-audited."""

import datetime as dt
import re

import pytest

from cases.models import AuditEvent
from macpt.models import PreProceedings
from macpt.selectors.pre_proceedings import census_blocks
from tests.fgdm.pp_support import counts_world

pytestmark = pytest.mark.django_db

D = dt.date
URL = "/family-group-decision-making/counts/"


@pytest.fixture
def world(family, lcpp, fgdm_facilitator, monkeypatch):
    return counts_world(family, by=lcpp, facilitator=fgdm_facilitator, monkeypatch=monkeypatch)


def _cell(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:dd|tr)>', page, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()


def _row(page: str, kind: str) -> list[int]:
    return [int(cell) for cell in _cell(page, f"counts-{kind}") if cell.isdigit()]


def test_the_counts_page_counts_a_known_data_set_for_the_current_year_by_default(world, fh_manager, client):
    client.force_login(fh_manager)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Collection year 2026 to 2027" in page
    # offered, accepted, declined, waiting, not offered
    assert _row(page, "family_plan") == [1, 1, 0, 0, 0]
    assert _row(page, "strategy_discussion") == [1, 0, 1, 0, 0]
    assert _row(page, "icpc") == [0, 0, 0, 0, 1]
    assert _row(page, "front_door") == [1, 0, 0, 1, 0]  # the 2025-26 one is not in this year
    assert _row(page, "lbp") == [1, 1, 0, 0, 0]
    assert _row(page, "total") == [4, 2, 1, 1, 1]
    assert _cell(page, "counts-meetings-held") == ["2"]
    assert _cell(page, "counts-plans-agreed") == ["1"]
    assert _cell(page, "counts-reviews") == ["1"]
    # The pre-proceedings measures: the census's figures for the year, from the one selector.
    blocks = [b for _, b in census_blocks(PreProceedings.objects.all(), year_start=2026) if b]
    assert sum(b["FGDMMeetingOffer"] == 1 for b in blocks) == 1 and sum(b["FGDMMeetingFac"] == 1 for b in blocks) == 1
    assert _cell(page, "counts-pp-offered") == ["1"] and _cell(page, "counts-pp-facilitated") == ["1"]


def test_a_quarter_counts_what_falls_in_it(world, fgdm_facilitator, client):
    client.force_login(fgdm_facilitator)
    page = client.get(URL, {"period": "2026-27-Q2"}).content.decode()
    assert "Quarter 2 of 2026 to 2027 (1 July 2026 to 30 September 2026)" in page
    assert _row(page, "total") == [1, 0, 1, 0, 1]
    assert _cell(page, "counts-meetings-held") == ["2"] and _cell(page, "counts-reviews") == ["0"]
    # The letter's offer is counted in Q1 (the letter's day), its meeting in Q2 (the meeting's day).
    assert _cell(page, "counts-pp-offered") == ["0"] and _cell(page, "counts-pp-facilitated") == ["1"]
    q1 = client.get(URL, {"period": "2026-27-Q1"}).content.decode()
    assert _cell(q1, "counts-pp-offered") == ["1"] and _cell(q1, "counts-pp-facilitated") == ["0"]
    last_year = client.get(URL, {"period": "2025-26"}).content.decode()
    assert _row(last_year, "front_door") == [1, 0, 0, 1, 0] and _row(last_year, "total") == [1, 0, 0, 1, 0]


def test_a_period_not_in_the_list_is_refused_with_the_reason(world, fh_manager, client):
    client.force_login(fh_manager)
    response = client.get(URL, {"period": "2026-28"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Choose a collection year or a quarter from the list" in page
    assert "Collection year 2026 to 2027" in page  # the current year's counts are still shown
    bad = client.get(URL, {"period": "2026-27", "decision_point": "nowhere"}).content.decode()
    assert "Choose a decision point from the table" in bad


def test_only_facilitators_and_managers_open_the_counts_and_see_it_in_the_menu(
    world, fh_manager, fgdm_facilitator, sw_fhlp, lcpp, triage_officer, client
):
    for user in (fh_manager, fgdm_facilitator):
        client.force_login(user)
        assert client.get(URL).status_code == 200
        assert 'href="/family-group-decision-making/counts/"' in client.get("/").content.decode()
    for user in (sw_fhlp, lcpp, triage_officer):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get(URL, {"decision_point": "family_plan"}).status_code == 404
        assert 'href="/family-group-decision-making/counts/"' not in client.get("/").content.decode()
    client.logout()
    assert client.get(URL).status_code == 302  # to sign in


def test_the_drill_down_lists_only_the_offers_the_reader_may_open_and_is_audited(
    world, fh_manager, fgdm_facilitator, family, client
):
    query = {"period": "2026-27", "decision_point": "family_plan"}
    client.force_login(fh_manager)
    page = client.get(URL, query).content.decode()
    assert f'id="counted-offer-{world["plan_offer"].pk}"' in page and family["mia"].display_name in page
    assert AuditEvent.objects.filter(actor_id=fh_manager.pk, verb="fgdm.counts_offers_viewed").exists()
    # A facilitator with no family allocated: the same counts, but no child listed.
    client.force_login(fgdm_facilitator)
    page = client.get(URL, query).content.decode()
    assert _row(page, "family_plan") == [1, 1, 0, 0, 0]
    assert "0 offers you may open" in page and family["mia"].display_name not in page
