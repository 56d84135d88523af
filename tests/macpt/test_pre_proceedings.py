"""Issue 14 item 8: pre-proceedings (Public Law Outline) as the CIN census 2026-27 module 5 counts it. Every date
rule of ../shared/data/cin/module5_rules.md refused in the service with a clear message (and on the form, with what
was typed kept); the FGDM answers (FGDMMeetingOffer, FGDMMeetingFac) read from the FGDM strand's one selector, never
typed here (tests/fgdm/test_pre_proceedings_measures.py has the rest); council-editable PPOutcome labels;
kinship and connected-person assessments; review meetings counted; each step in the chronology; the next step's
deadline (macpt.pp_step)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import AuditEvent, ChronologyEntry, Deadline, EpisodeLevel, LeadKind
from cases.services import Conflict, episode_set_lead
from cases.workdays import LONDON
from macpt.models import KinshipAssessment, PreProceedings, PreProceedingsSettings
from macpt.selectors.pre_proceedings import census_block, module5_errors
from macpt.services.pre_proceedings import (
    kinship_assessment_add,
    pre_proceedings_meeting_add,
    pre_proceedings_start,
    pre_proceedings_update,
)
from tests.fgdm.pp_support import accepted, meeting_held, offer_at

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def pp(family, lcpp):
    return pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 5, 11))


def _deadline(pp) -> Deadline:
    return Deadline.objects.get(kind="macpt.pp_step", target_id=str(pp.pk), state=Deadline.State.OPEN)


def _dates(prefix: str, day: dt.date | None) -> dict:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_starting_records_the_start_steps_up_the_episode_and_sets_the_letter_deadline(family, lcpp, levels):
    pp = pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 3, 31))
    entry = ChronologyEntry.objects.get(person=family["mia"], kind="macpt.pre_proceedings.started")
    assert entry.significant and "31 March 2026" in entry.summary
    assert entry.link == reverse("macpt:pre_proceedings", args=[pp.pk])
    level = EpisodeLevel.objects.get(episode=family["episodes"]["Mia"], ended_at__isnull=True).level
    assert level.census_meaning == "pre_proceedings"
    # 5 working days after Tuesday 31 March 2026 (day 0), across Easter: 1, 2, (Good Friday 3, weekend, Easter
    # Monday 6), 7, 8, 9 April.
    deadline = _deadline(pp)
    assert deadline.due_at == dt.datetime(2026, 4, 9, 17, 0, tzinfo=LONDON)
    assert deadline.person_ids == [family["mia"].pk]
    assert "Mia" not in deadline.label and "letter before proceedings" in deadline.label
    assert AuditEvent.objects.filter(verb="macpt.pre_proceedings.started", actor_id=lcpp.pk).exists()


def test_a_second_open_pre_proceedings_for_a_child_is_refused(pp, family, lcpp):
    with pytest.raises(ValidationError) as refused:
        pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 6, 1))
    assert "already open" in refused.value.message_dict["start_date"][0]


def test_the_deadline_follows_the_next_step_to_the_decision_and_is_met_by_it(pp, lcpp):
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 5, 14)})
    # Initial meeting: 10 working days after Thursday 14 May 2026, across the spring bank holiday (25 May).
    assert _deadline(pp).due_at == dt.datetime(2026, 5, 29, 17, 0, tzinfo=LONDON)
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="initial", held_on=D(2026, 5, 20))
    # The decision: 16 weeks after Monday 11 May 2026 is Monday 31 August, the summer bank holiday: the working day
    # before, Friday 28 August.
    assert _deadline(pp).due_at == dt.datetime(2026, 8, 28, 17, 0, tzinfo=LONDON)
    pp.refresh_from_db()
    pre_proceedings_update(
        pre_proceedings=pp,
        actor=lcpp,
        data={"step_decision_date": D(2026, 8, 20), "outcome": "B"},
    )
    assert not Deadline.objects.filter(kind="macpt.pp_step", target_id=str(pp.pk), state="open").exists()
    assert Deadline.objects.get(kind="macpt.pp_step", target_id=str(pp.pk)).state == Deadline.State.MET


def test_the_fgdm_answers_are_not_typed_on_the_pre_proceedings_record(pp, lcpp, client):
    """FGDMMeetingOffer and FGDMMeetingFac are the FGDM strand's (an offer in the letter, a meeting held): the steps
    form has no box for them and the record no field (the API refuses them: tests/macpt/test_api_writes.py)."""
    client.force_login(lcpp)
    form = client.get(reverse("macpt:pre_proceedings_steps", args=[pp.pk])).content.decode()
    assert "fgdm_offered" not in form and "fgdm_facilitated" not in form
    assert "are read from the FGDM offer made in the letter" in form
    assert not hasattr(PreProceedings, "fgdm_offered") and not hasattr(PreProceedings, "fgdm_facilitated")


def test_the_steps_form_refuses_a_bad_date_and_keeps_what_was_typed(pp, lcpp, client):
    client.force_login(lcpp)
    url = reverse("macpt:pre_proceedings_steps", args=[pp.pk])
    response = client.post(
        url,
        {
            **_dates("start_date", pp.start_date),
            **_dates("lbp_sent_date", D(2026, 5, 8)),
            **_dates("step_decision_date", None),
            **_dates("court_application_date", None),
            **_dates("letter_initiating_date", None),
            "version": pp.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be on or after the start of pre-proceedings" in page
    assert 'href="#id_lbp_sent_date_day"' in page or 'href="#id_lbp_sent_date"' in page
    # What was typed is kept: the letter's date in its boxes.
    assert 'id="id_lbp_sent_date_day" name="lbp_sent_date_day" type="text" inputmode="numeric" value="8"' in page
    assert 'id="id_lbp_sent_date_year" name="lbp_sent_date_year" type="text" inputmode="numeric" value="2026"' in page
    pp.refresh_from_db()
    assert pp.lbp_sent_date is None


# Every module 5 date rule, each refused with the field it is about (the letter sent, and the rest as the case says).
# 9007 and 9010Q, the FGDM answers, are the FGDM strand's one selector's: always answered once a letter is sent
# (tests/fgdm/test_pre_proceedings_measures.py).
BASE = {"lbp_sent_date": D(2026, 5, 14)}


@pytest.mark.parametrize(
    ("rule", "change", "field", "message"),
    [
        ("9006", {"lbp_sent_date": D(2026, 5, 8)}, "lbp_sent_date", "on or after the start of pre-proceedings"),
        ("9009", {"step_decision_date": D(2026, 5, 1), "outcome": "A"}, "step_decision_date", "on or after the start"),
        (
            "9011",
            {"step_decision_date": D(2026, 6, 1), "outcome": "D"},
            "outcome",
            "A, B or C",
        ),
        ("9011", {"step_decision_date": D(2026, 6, 1)}, "outcome", "Choose the outcome"),
        ("9011", {"outcome": "A"}, "step_decision_date", "Enter the date of the decision"),
        (
            "9012",
            {
                "step_decision_date": D(2026, 6, 10),
                "outcome": "A",
                "court_application_date": D(2026, 6, 9),
            },
            "court_application_date",
            "on or after the decision to issue",
        ),
        ("9012", {"court_application_date": D(2026, 6, 9)}, "court_application_date", "Record the decision"),
        (
            "9013",
            {
                "step_decision_date": D(2026, 6, 10),
                "outcome": "A",
                "court_application_date": D(2026, 6, 12),
                "letter_initiating_date": D(2026, 6, 11),
            },
            "letter_initiating_date",
            "on or after the court application",
        ),
        ("9013", {"letter_initiating_date": D(2026, 6, 11)}, "letter_initiating_date", "Record the court application"),
        ("9005", {"start_date": D(2027, 1, 1)}, "start_date", "cannot be in the future"),
        ("9006", {"lbp_sent_date": D(2027, 1, 1)}, "lbp_sent_date", "cannot be in the future"),
    ],
)
def test_each_module5_date_rule_is_refused_with_its_reason(pp, lcpp, rule, change, field, message):
    with pytest.raises(ValidationError) as refused:
        pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={**BASE, **change})
    messages = " ".join(refused.value.message_dict.get(field, []))
    assert message in messages, (rule, refused.value.message_dict)
    pp.refresh_from_db()
    assert pp.lbp_sent_date is None and pp.version == 1  # nothing saved


def test_a_whole_valid_episode_saves_each_step_in_the_chronology(pp, lcpp, family, fgdm_facilitator):
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data=BASE)
    # The FGDM meeting offered in the letter (to Mia's mother), accepted and held: the FGDM strand's records.
    offer = accepted(offer_at(pp, by=lcpp, on=D(2026, 5, 14), recipients=[family["grace"]]), by=lcpp, on=D(2026, 5, 18))
    meeting_held(offer, by=lcpp, facilitator=fgdm_facilitator, on=D(2026, 6, 30))
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="initial", held_on=D(2026, 5, 20))
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="review", held_on=D(2026, 6, 20))
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="review", held_on=D(2026, 7, 20))
    pp.refresh_from_db()
    pre_proceedings_update(
        pre_proceedings=pp,
        actor=lcpp,
        data={
            "step_decision_date": D(2026, 8, 3),
            "outcome": "A",
            "court_application_date": D(2026, 8, 10),
            "letter_initiating_date": D(2026, 8, 11),
        },
    )
    kinds = set(ChronologyEntry.objects.filter(person=family["mia"]).values_list("kind", flat=True))
    assert {
        "macpt.pre_proceedings.started",
        "macpt.pre_proceedings.letter_sent",
        "macpt.pre_proceedings.meeting.initial",
        "macpt.pre_proceedings.meeting.review",
        "macpt.pre_proceedings.decision",
        "macpt.pre_proceedings.court_application",
        "macpt.pre_proceedings.letter_initiating",
    } <= kinds
    letter = ChronologyEntry.objects.get(kind="macpt.pre_proceedings.letter_sent")
    assert "14 May 2026" in letter.summary
    block = census_block(PreProceedings.objects.get(pk=pp.pk), year_start=2026)
    assert block == {
        "PPStartDate": D(2026, 5, 11),
        "LBPSentDate": D(2026, 5, 14),
        "FGDMMeetingOffer": 1,
        "FGDMMeetingFac": 1,
        "InitialPPMeetingDate": D(2026, 5, 20),
        "ReviewMeetingsCount": 2,
        "StepDecisionDate": D(2026, 8, 3),
        "PPOutcome": "A",
        "CourtAppDate": D(2026, 8, 10),
        "LetterInitCPDate": D(2026, 8, 11),
    }
    assert module5_errors(block, year_start=2026) == []


def test_the_outcome_labels_are_the_councils(pp, lcpp, client):
    settings = PreProceedingsSettings.load()
    settings.outcome_b_label = "Stepped down to a child protection plan (local wording)"
    settings.save()
    pre_proceedings_update(
        pre_proceedings=pp,
        actor=lcpp,
        data={**BASE, "step_decision_date": D(2026, 7, 1), "outcome": "B"},
    )
    client.force_login(lcpp)
    page = client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).content.decode()
    assert "Stepped down to a child protection plan (local wording) (B)" in page
    form = client.get(reverse("macpt:pre_proceedings_steps", args=[pp.pk])).content.decode()
    assert "Stepped down to a child protection plan (local wording) (B)" in form
    decision = ChronologyEntry.objects.get(kind="macpt.pre_proceedings.decision")
    assert "local wording" in decision.summary


def test_settings_are_in_the_admin_for_the_council_to_edit():
    from django.contrib import admin

    assert PreProceedingsSettings in admin.site._registry


@pytest.mark.parametrize(
    ("kind", "held_on", "message"),
    [
        ("initial", D(2026, 5, 12), "Record the letter before proceedings first"),
        ("review", D(2026, 5, 25), "Record the initial meeting first"),
    ],
)
def test_meetings_follow_the_letter_and_the_initial_meeting(pp, lcpp, kind, held_on, message):
    with pytest.raises(ValidationError) as refused:
        pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind=kind, held_on=held_on)
    assert message in " ".join(sum(refused.value.message_dict.values(), []))


def test_meeting_order_and_the_review_count(pp, lcpp, client):
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data=BASE)
    with pytest.raises(ValidationError, match="follows the letter"):
        pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="initial", held_on=D(2026, 5, 13))
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="initial", held_on=D(2026, 5, 20))
    with pytest.raises(ValidationError, match="already recorded"):
        pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="initial", held_on=D(2026, 5, 21))
    with pytest.raises(ValidationError, match="follows the initial meeting"):
        pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="review", held_on=D(2026, 5, 19))
    client.force_login(lcpp)
    response = client.post(
        reverse("macpt:pre_proceedings_meeting_add", args=[pp.pk]),
        {"kind": "review", **_dates("held_on", D(2026, 6, 3)), "notes": "Parents and solicitors attended."},
    )
    assert response.status_code == 302
    page = client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).content.decode()
    assert '<dd class="govuk-summary-list__value" id="pp-review-count">1</dd>' in page
    # The letter cannot move after the initial meeting it invited to; a decision cannot come before a meeting held.
    pp.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 5, 21)})
    assert "before the initial meeting" in refused.value.message_dict["lbp_sent_date"][0]
    with pytest.raises(ValidationError) as refused:
        pre_proceedings_update(
            pre_proceedings=pp,
            actor=lcpp,
            data={"step_decision_date": D(2026, 6, 1), "outcome": "C"},
        )
    assert "after this decision" in refused.value.message_dict["step_decision_date"][0]


def test_kinship_and_connected_person_assessments_are_recorded(pp, lcpp, family, client):
    client.force_login(lcpp)
    url = reverse("macpt:kinship_assessment_add", args=[pp.pk])
    refused = client.post(url, {"kind": "connected_person", **_dates("started_on", D(2026, 5, 20))})
    assert refused.status_code == 200
    assert "Choose a person from the child&#x27;s network or enter the name" in refused.content.decode()
    response = client.post(
        url,
        {
            "kind": "connected_person",
            "carer": str(family["grace"].pk),
            "relationship": "",
            **_dates("started_on", D(2026, 5, 20)),
            **_dates("completed_on", None),
        },
    )
    assert response.status_code == 302
    assessment = KinshipAssessment.objects.get()
    assert assessment.carer == family["grace"] and assessment.relationship  # from the network: her relationship
    kinship_assessment_add(
        pre_proceedings=pp,
        actor=lcpp,
        data={
            "kind": "viability",
            "carer_name": "Aunt Ruth Okafor",
            "relationship": "Maternal aunt",
            "started_on": D(2026, 5, 22),
            "completed_on": D(2026, 6, 5),
            "outcome": "positive",
        },
    )
    page = client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).content.decode()
    assert "Aunt Ruth Okafor (Maternal aunt)" in page
    assert ChronologyEntry.objects.filter(kind="macpt.pre_proceedings.kinship_assessment").count() == 2
    with pytest.raises(ValidationError, match="Record assessments started in pre-proceedings"):
        kinship_assessment_add(
            pre_proceedings=pp,
            actor=lcpp,
            data={"kind": "viability", "carer_name": "X", "relationship": "Y", "started_on": D(2026, 5, 1)},
        )


def test_who_records_and_who_reads(family, lcpp, fh_manager, sw_fhlp, vcs_fhlp, client):
    episode_set_lead(episode=family["episodes"]["Mia"], actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    with pytest.raises(PermissionDenied):
        pre_proceedings_start(person=family["mia"], actor=sw_fhlp, start_date=D(2026, 5, 11))
    pp = pre_proceedings_start(person=family["mia"], actor=fh_manager, start_date=D(2026, 5, 11))  # a manager may
    client.force_login(sw_fhlp)  # the lead reads them, and records nothing
    assert client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).status_code == 200
    assert client.get(reverse("macpt:pre_proceedings_steps", args=[pp.pk])).status_code == 404
    assert client.post(reverse("macpt:pre_proceedings_for_child", args=[family["mia"].pk]), {}).status_code == 404
    client.force_login(vcs_fhlp)  # not involved
    assert client.get(reverse("macpt:pre_proceedings", args=[pp.pk])).status_code == 404
    assert client.get(reverse("macpt:pre_proceedings_for_child", args=[family["mia"].pk])).status_code == 404


def test_a_stale_page_is_refused(pp, lcpp):
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data=BASE, expected_version=1)
    with pytest.raises(Conflict):
        pre_proceedings_update(
            pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 5, 15)}, expected_version=1
        )


def test_the_start_page_starts_and_refuses_a_bad_date_with_the_reason(family, lcpp, client):
    client.force_login(lcpp)
    url = reverse("macpt:pre_proceedings_for_child", args=[family["mia"].pk])
    bad = client.post(url, _dates("start_date", D(2030, 1, 1)))
    assert bad.status_code == 200 and "cannot be in the future" in bad.content.decode()
    ok = client.post(url, _dates("start_date", D(2026, 5, 11)))
    pp = PreProceedings.objects.get(person=family["mia"])
    assert ok["Location"] == reverse("macpt:pre_proceedings", args=[pp.pk])


def test_the_census_block_of_each_year_passes_every_module5_rule(family, lcpp):
    """An episode across two census years: each year's block leaves out what falls outside it, so neither return
    needs a manual fix (9005-9013 'within the census year'); the FGDM answers go with the letter's year."""
    pp = pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 2, 16))
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 3, 2)})
    offer_at(pp, by=lcpp, on=D(2026, 3, 2), recipients=[family["grace"]])
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="initial", held_on=D(2026, 3, 16))
    pre_proceedings_meeting_add(pre_proceedings=pp, actor=lcpp, kind="review", held_on=D(2026, 4, 20))
    pp.refresh_from_db()
    pre_proceedings_update(
        pre_proceedings=pp,
        actor=lcpp,
        data={
            "step_decision_date": D(2026, 6, 1),
            "outcome": "A",
            "court_application_date": D(2026, 6, 8),
        },
    )
    pp.refresh_from_db()
    first = census_block(pp, year_start=2025)
    second = census_block(pp, year_start=2026)
    assert first["PPStartDate"] == D(2026, 2, 16) and first["StepDecisionDate"] is None
    assert first["ReviewMeetingsCount"] == 0
    assert (first["FGDMMeetingOffer"], first["FGDMMeetingFac"]) == (1, 0)  # offered in the letter, not met
    assert second["PPStartDate"] is None and second["LBPSentDate"] is None and second["FGDMMeetingOffer"] is None
    assert second["StepDecisionDate"] == D(2026, 6, 1) and second["CourtAppDate"] == D(2026, 6, 8)
    assert module5_errors(first, year_start=2025) == []
    assert module5_errors(second, year_start=2026) == []
    assert census_block(pp, year_start=2024) is None
    # The validator's checks themselves catch each broken rule.
    assert module5_errors({**second, "LBPSentDate": D(2026, 5, 1)}, year_start=2026) == ["9007"]
    assert module5_errors({**second, "PPStartDate": D(2026, 3, 1)}, year_start=2026) == ["9005"]
    assert module5_errors({**second, "CourtAppDate": D(2026, 5, 1)}, year_start=2026) == ["9012"]
    assert module5_errors({**second, "PPOutcome": "D"}, year_start=2026) == ["9011"]
