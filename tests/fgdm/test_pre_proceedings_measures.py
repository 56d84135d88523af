"""Issue 15 item 7: the FGDM pre-proceedings measures come from ONE selector (fgdm.selectors.pre_proceedings,
provider "fgdm.pre_proceedings_measures"), which the child protection strand's pre-proceedings page, the census's
module 5 (FGDMMeetingOffer, FGDMMeetingFac) and the quarterly return all read, so they agree; the four quarters of a
collection year sum to the census's counts for that year; the module 5 rules still hold of every block."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.registry import registry
from fgdm.models import DecisionPointKind, FgdmOffer, OfferResponse
from fgdm.selectors.pre_proceedings import PROVIDER, PPFacts
from macpt.models import PreProceedings
from macpt.selectors.pre_proceedings import census_block, census_blocks, fgdm_period_totals, module5_errors
from macpt.services.pre_proceedings import pre_proceedings_start, pre_proceedings_update
from tests.fgdm.pp_support import accepted, meeting_held, offer_at

pytestmark = pytest.mark.django_db

D = dt.date
MODEL = "macpt.preproceedings"


def quarters(year_start: int) -> list[tuple[dt.date, dt.date]]:
    y = year_start
    return [
        (D(y, 4, 1), D(y, 6, 30)),
        (D(y, 7, 1), D(y, 9, 30)),
        (D(y, 10, 1), D(y, 12, 31)),
        (D(y + 1, 1, 1), D(y + 1, 3, 31)),
    ]


def _measures(*pps):
    return registry.provider(PROVIDER)(list(pps), model=MODEL)


def test_the_letter_offer_and_the_facilitated_meeting_flow_into_the_census_the_page_and_the_quarterly_return(
    family, lcpp, fgdm_facilitator, client
):
    pp = pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 5, 11))
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 5, 14)})
    pp.refresh_from_db()
    # The letter went without an FGDM offer: the census says 0 (an answer, so 9007 holds), the return counts none.
    block = census_block(pp, year_start=2026)
    assert (block["FGDMMeetingOffer"], block["FGDMMeetingFac"]) == (0, None)
    assert module5_errors(block, year_start=2026) == []
    # The offer in the letter, to Mia's mother (parental responsibility); the family accept; the meeting is held.
    offer = offer_at(pp, by=lcpp, on=D(2026, 5, 14), recipients=[family["grace"]])
    block = census_block(pp, year_start=2026)
    assert (block["FGDMMeetingOffer"], block["FGDMMeetingFac"]) == (1, 0)
    accepted(offer, by=lcpp, on=D(2026, 5, 20))
    meeting_held(offer, by=lcpp, facilitator=fgdm_facilitator, on=D(2026, 7, 2))
    block = census_block(pp, year_start=2026)
    assert (block["FGDMMeetingOffer"], block["FGDMMeetingFac"]) == (1, 1)
    assert module5_errors(block, year_start=2026) == []
    # The pre-proceedings page shows the same two answers.
    client.force_login(lcpp)
    page = client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).content.decode()
    assert '<dd class="govuk-summary-list__value" id="pp-fgdm-offered">Yes' in page
    assert '<dd class="govuk-summary-list__value" id="pp-fgdm-facilitated">Yes' in page
    # ... with a link to the offer once the offer page is there (fgdm:offer).
    link = _measures(pp)[pp.pk].offer_url
    assert not link or f'href="{link}" id="pp-fgdm-offer-link"' in page
    # The quarterly return: offered counted on the letter's day (Q1), the meeting on its own (Q2).
    measures = _measures(pp)
    assert measures[pp.pk].offer_id == offer.pk
    q1, q2, q3, q4 = (measures.totals(*q) for q in quarters(2026))
    assert (q1.offered, q1.facilitated, q2.offered, q2.facilitated) == (1, 0, 0, 1)
    assert (q3.offered + q4.offered, q3.facilitated + q4.facilitated) == (0, 0)


def _episode(person, lcpp, *, start, letter=None, decision=None):
    pp = pre_proceedings_start(person=person, actor=lcpp, start_date=start)
    data = {}
    if letter:
        data["lbp_sent_date"] = letter
    if decision:
        data.update(step_decision_date=decision, outcome="B")
    if data:
        pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data=data)
    return PreProceedings.objects.get(pk=pp.pk)


def test_the_four_quarters_of_a_collection_year_sum_to_the_census_counts_for_that_year(
    make_person, family, lcpp, fgdm_facilitator
):
    grace = family["grace"]
    people = iter(make_person(first=f"Child{n}", last="Ngata") for n in range(8))
    fac = {"by": lcpp, "facilitator": fgdm_facilitator}
    # 2025-26. (a) offered in the letter (Q1), the meeting in Q2, then stepped down.
    a = _episode(next(people), lcpp, start=D(2025, 4, 7), letter=D(2025, 4, 10), decision=D(2025, 9, 1))
    meeting_held(offer_at(a, by=lcpp, on=D(2025, 4, 10), recipients=[grace]), on=D(2025, 7, 15), **fac)
    # (b) offered before the letter (pre-proceedings), met before the letter went (Q2), the letter in Q3: both
    # counted in Q3 (nothing is counted before its letter, so Q2's figures, once returned, never change).
    b = _episode(next(people), lcpp, start=D(2025, 9, 1), letter=D(2025, 10, 6))
    early = offer_at(b, by=lcpp, on=D(2025, 9, 3), at=DecisionPointKind.PRE_PROCEEDINGS, recipients=[grace])
    meeting_held(early, on=D(2025, 9, 20), **fac)
    # (c) offered in a letter in Q4; the meeting after 31 March: the 2025-26 census cannot report it, nor the return.
    c = _episode(next(people), lcpp, start=D(2026, 2, 2), letter=D(2026, 2, 10))
    meeting_held(offer_at(c, by=lcpp, on=D(2026, 2, 10), recipients=[grace]), on=D(2026, 4, 15), **fac)
    # (d) not offered: not in the child's best interests; (e) no offer at all; (f) an offer to nobody with PR.
    d = _episode(next(people), lcpp, start=D(2025, 11, 3), letter=D(2025, 11, 4))
    offer_at(
        d,
        by=lcpp,
        on=D(2025, 11, 4),
        recipients=[grace],
        response=OfferResponse.NOT_OFFERED,
        not_offered_rationale="Risk of serious harm if the wider family are told.",
    )
    _episode(next(people), lcpp, start=D(2025, 12, 1), letter=D(2025, 12, 2))
    f = _episode(next(people), lcpp, start=D(2026, 1, 5), letter=D(2026, 1, 6))
    offer_at(f, by=lcpp, on=D(2026, 1, 6))
    # 2026-27. (g) offered in Q1; the meeting after the step decision ended the period: not facilitated in it.
    g = _episode(next(people), lcpp, start=D(2026, 5, 4), letter=D(2026, 5, 5), decision=D(2026, 6, 1))
    meeting_held(offer_at(g, by=lcpp, on=D(2026, 5, 5), recipients=[grace]), on=D(2026, 6, 10), **fac)
    # (h) offered in Q1, met in Q3.
    h = _episode(next(people), lcpp, start=D(2026, 6, 1), letter=D(2026, 6, 2))
    meeting_held(offer_at(h, by=lcpp, on=D(2026, 6, 2), recipients=[grace]), on=D(2026, 10, 1), **fac)

    pps = list(PreProceedings.objects.all())
    measures = _measures(*pps)
    expected = {2025: (3, 2), 2026: (2, 1)}
    for year_start, (offered, facilitated) in expected.items():
        blocks = [block for _, block in census_blocks(pps, year_start=year_start) if block is not None]
        assert all(module5_errors(block, year_start=year_start) == [] for block in blocks)
        census = (
            sum(1 for block in blocks if block["FGDMMeetingOffer"] == 1),
            sum(1 for block in blocks if block["FGDMMeetingFac"] == 1),
        )
        four = [measures.totals(*q) for q in quarters(year_start)]
        summed = (sum(q.offered for q in four), sum(q.facilitated for q in four))
        assert census == summed == (offered, facilitated), year_start
        whole = measures.totals(D(year_start, 4, 1), D(year_start + 1, 3, 31))
        assert (whole.offered, whole.facilitated) == (offered, facilitated)
        # The quarterly return's reading (child protection's episodes that can count in the quarter, one batch).
        for q, figures in zip(quarters(year_start), four, strict=True):
            assert fgdm_period_totals(first=q[0], last=q[1]) == figures
    by_pp = {pp.pk: block for pp, block in census_blocks(pps, year_start=2025) if block is not None}
    assert (by_pp[b.pk]["FGDMMeetingOffer"], by_pp[b.pk]["FGDMMeetingFac"]) == (1, 1)
    q2, q3 = (measures.totals(*q) for q in quarters(2025)[1:3])
    assert (q2.offered, q2.facilitated, q3.offered, q3.facilitated) == (0, 1, 1, 1)  # (a)'s meeting; (b) both
    assert (by_pp[c.pk]["FGDMMeetingOffer"], by_pp[c.pk]["FGDMMeetingFac"]) == (1, 0)
    assert (by_pp[d.pk]["FGDMMeetingOffer"], by_pp[f.pk]["FGDMMeetingOffer"]) == (0, 0)
    assert measures[d.pk].offer_id is not None  # the "not offered" record is still the one the page links to


def test_the_measures_of_thousands_of_episodes_take_a_fixed_number_of_queries(family, lcpp):
    def offers(ids):
        for pk in ids:
            offer = FgdmOffer.objects.create(
                decision_point=DecisionPointKind.LETTER_BEFORE_PROCEEDINGS,
                source_type_id=_ct(),
                source_id=pk,
                offered_on=D(2026, 5, 14),
                offered_by=lcpp,
            )
            offer.children.set([family["mia"]])
            offer.recipients.set([family["grace"]])

    def _ct():
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(PreProceedings).pk

    provide = registry.provider(PROVIDER)
    few = [PPFacts(id=pk, start_date=D(2026, 5, 11), lbp_sent_date=D(2026, 5, 14)) for pk in range(1, 3)]
    many = [PPFacts(id=pk, start_date=D(2026, 5, 11), lbp_sent_date=D(2026, 5, 14)) for pk in range(1, 3001)]
    offers(range(1, 41))
    provide(few, model=MODEL)  # the content type, cached once
    with CaptureQueriesContext(connection) as small:
        provide(few, model=MODEL)
    with CaptureQueriesContext(connection) as large:
        result = provide(many, model=MODEL)
    assert len(small) == len(large) == 2
    assert sum(1 for m in result.values() if m.offered) == 40
    assert sum(1 for m in result.values() if m.offered is False) == 2960


def test_the_census_blocks_of_many_episodes_take_a_fixed_number_of_queries(make_person, family, lcpp):
    def blocks_queries(n: int) -> int:
        for i in range(n):
            pp = _episode(
                make_person(first=f"Kid{n}x{i}", last="Ngata"), lcpp, start=D(2026, 5, 4), letter=D(2026, 5, 5)
            )
            offer_at(pp, by=lcpp, on=D(2026, 5, 5), recipients=[family["grace"]])
        with CaptureQueriesContext(connection) as queries:
            blocks = census_blocks(PreProceedings.objects.all(), year_start=2026)
        assert all(block["FGDMMeetingOffer"] == 1 for _, block in blocks)
        return len(queries)

    assert blocks_queries(2) == blocks_queries(5)


def test_without_the_fgdm_strand_the_answers_are_not_recorded(family, lcpp, client, monkeypatch):
    pp = pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 5, 11))
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 5, 14)})
    pp.refresh_from_db()
    real = registry.provider
    monkeypatch.setattr(registry, "provider", lambda name: None if name == PROVIDER else real(name))
    block = census_block(pp, year_start=2026)
    assert (block["FGDMMeetingOffer"], block["FGDMMeetingFac"]) == (None, None)
    assert module5_errors(block, year_start=2026) == ["9007"]  # the census says so, rather than guess
    client.force_login(lcpp)
    page = client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).content.decode()
    assert '<dd class="govuk-summary-list__value" id="pp-fgdm-offered">Not recorded' in page
