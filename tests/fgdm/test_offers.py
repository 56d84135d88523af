"""Issue 15 item 1: family group decision making offered at every decision point. An offer records its decision point
(the other strand's record, described through cases.registry, never imported), who received it (those with parental
responsibility in the child's network), and the family's answer; "not offered" needs the rationale of a lead
practitioner or LCPP; an offer in the letter before proceedings agrees with the pre-proceedings record. Each write is
audited, in each child's chronology, and the answer is told to the child's leads."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import AuditEvent, ChronologyEntry, FamilyCaseMember, LeadKind, Notification, Role, WorkRequest
from cases.registry import registry
from cases.services import (
    episode_open,
    episode_set_lead,
    family_case_create,
    person_create,
    relationship_add,
    work_request_create,
)
from cases.services.plans import review_add
from fgdm.models import FgdmOffer, OfferResponse
from fgdm.services.offers import offer_make, offer_respond
from front_door.services import decision_record
from macpt.models import ChildProtectionConference, ConferenceChild, PreProceedings, StrategyChild
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 12, 1)  # the cp_family clock


def _point_ref(obj) -> str:
    return f"{ContentType.objects.get_for_model(obj).pk}:{obj.pk}"


def _front_door(family, triage_officer, new_contact, levels):
    contact = new_contact(triage_officer, children=[{"person": family["leo"]}])
    return decision_record(
        contact=contact, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="Needs assessing"
    )


def _review(family, lead):
    return review_add(
        plan=family["plan"],
        actor=lead,
        data={"held_on": TODAY, "summary": "Going well", "next_review_on": D(2026, 3, 2)},
        ratings={},
    )


def _strategy(discussion, family):
    StrategyChild.objects.filter(discussion=discussion).update(
        decision="no_s47", next_step="family_help", reason="Not met", decided_at=discussion.held_at
    )
    return discussion


def _conference(family, lcpp, kind):
    conference = ChildProtectionConference.objects.create(
        kind=kind, family_case=family["case"], date=TODAY, chair=lcpp, created_by=lcpp
    )
    ConferenceChild.objects.create(conference=conference, person=family["mia"])
    return conference


def _pp(family, lcpp, lbp=None):
    # The record's own FGDM answer goes with issue 15 item 7 (the one selector): set only while the column exists.
    answer = {"fgdm_offered": True} if lbp and hasattr(PreProceedings, "fgdm_offered") else {}
    return PreProceedings.objects.create(
        person=family["mia"], start_date=D(2025, 11, 3), lbp_sent_date=lbp, started_by=lcpp, **answer
    )


@pytest.fixture
def points(cp_family, lcpp, triage_officer, new_contact, levels, discussion):
    """Every kind of decision point, made on demand: kind -> (record, children)."""
    fam = cp_family
    mia, leo = fam["mia"], fam["leo"]
    return {
        "front_door": lambda: (_front_door(fam, triage_officer, new_contact, levels), [leo]),
        "family_plan": lambda: (fam["plan"], [mia, leo]),
        "plan_review": lambda: (_review(fam, fam["lead"]), [mia, leo]),
        "strategy_discussion": lambda: (_strategy(discussion, fam), [mia, leo]),
        "icpc": lambda: (_conference(fam, lcpp, "initial"), [mia]),
        "cp_review": lambda: (_conference(fam, lcpp, "review"), [mia]),
        "pre_proceedings": lambda: (_pp(fam, lcpp), [mia]),
        "lbp": lambda: (_pp(fam, lcpp, lbp=TODAY), [mia]),
    }


KINDS = [
    "front_door",
    "family_plan",
    "plan_review",
    "strategy_discussion",
    "icpc",
    "cp_review",
    "pre_proceedings",
    "lbp",
]


@pytest.mark.parametrize("kind", KINDS)
def test_an_offer_at_each_decision_point_records_the_point_the_parents_and_the_answer(kind, points, cp_family, lcpp):
    record, children = points[kind]()
    described = registry.decision_point(record)
    assert described is not None
    assert described.kind == ("pre_proceedings" if kind == "lbp" else kind)
    assert set(children) <= set(described.children) or {c.pk for c in children} <= set(described.children)
    offer = offer_make(
        actor=lcpp,
        point=record,
        decision_point=kind,
        children=children,
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
    )
    offer.refresh_from_db()
    assert offer.decision_point == kind
    assert (offer.source_type.model_class(), offer.source_id) == (type(record), record.pk)
    assert list(offer.recipients.all()) == [cp_family["grace"]]
    assert offer.response == OfferResponse.AWAITING
    assert AuditEvent.objects.filter(verb="fgdm.offer.made", target_id=str(offer.pk)).exists()
    for child in children:
        assert ChronologyEntry.objects.filter(person=child, strand="fgdm", kind="fgdm.offer.made").exists()
    offer_respond(actor=lcpp, offer=offer, response=OfferResponse.ACCEPTED, responded_on=TODAY)
    offer.refresh_from_db()
    assert offer.response == OfferResponse.ACCEPTED and offer.responded_by == lcpp
    assert AuditEvent.objects.filter(verb="fgdm.offer.accepted", target_id=str(offer.pk)).exists()


def test_the_answer_is_told_to_the_childs_leads_and_written_in_the_chronology(cp_family, lcpp):
    offer = offer_make(
        actor=lcpp,
        point=cp_family["plan"],
        decision_point="family_plan",
        children=[cp_family["mia"]],
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
    )
    offer_respond(actor=lcpp, offer=offer, response=OfferResponse.DECLINED, reason="Mum wants to manage alone")
    told = Notification.objects.filter(user=cp_family["lead"], kind="fgdm.offer_answered")
    assert told.count() == 1 and "declined" in told.get().title.lower()
    assert not Notification.objects.filter(user=lcpp, kind="fgdm.offer_answered").exists()  # the actor knows
    assert ChronologyEntry.objects.filter(person=cp_family["mia"], kind="fgdm.offer.declined").exists()


def test_recipients_are_only_those_with_parental_responsibility(cp_family, lcpp, make_person, triage_officer):
    neighbour = make_person(first="Nell", last="Bour", dob=D(1980, 1, 1))
    relationship_add(actor=triage_officer, from_person=neighbour, to_person=cp_family["mia"], type="friend")
    with pytest.raises(ValidationError, match="parental responsibility"):
        offer_make(
            actor=lcpp,
            point=cp_family["plan"],
            decision_point="family_plan",
            children=[cp_family["mia"]],
            recipients=[neighbour],
            offered_on=TODAY,
        )
    assert not FgdmOffer.objects.exists()


# --- bad input (item 1; refused with the reason) ----------------------------------------------------------------------


def test_not_offered_needs_a_rationale(cp_family, lcpp):
    with pytest.raises(ValidationError, match="best interests"):
        offer_make(
            actor=lcpp,
            point=cp_family["plan"],
            decision_point="family_plan",
            children=[cp_family["mia"]],
            recipients=[],
            offered_on=TODAY,
            not_offered_rationale="  ",
        )
    offer = offer_make(
        actor=lcpp,
        point=cp_family["plan"],
        decision_point="family_plan",
        children=[cp_family["mia"]],
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
    )
    with pytest.raises(ValidationError, match="best interests"):
        offer_respond(actor=lcpp, offer=offer, response=OfferResponse.NOT_OFFERED, reason="")
    offer.refresh_from_db()
    assert offer.response == OfferResponse.AWAITING


def test_a_decline_needs_the_familys_reason(cp_family, lcpp):
    offer = offer_make(
        actor=lcpp,
        point=cp_family["plan"],
        decision_point="family_plan",
        children=[cp_family["mia"]],
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
    )
    with pytest.raises(ValidationError, match="why the family declined"):
        offer_respond(actor=lcpp, offer=offer, response=OfferResponse.DECLINED, reason=" ")
    offer.refresh_from_db()
    assert offer.response == OfferResponse.AWAITING


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TRIAGE_OFFICER, Role.FGDM_FACILITATOR])
def test_only_a_lead_practitioner_or_lcpp_records_an_offer_or_not_offered(role, cp_family, council):
    user = UserFactory(agency=council, roles=[role])
    with pytest.raises(PermissionDenied):
        offer_make(
            actor=user,
            point=cp_family["plan"],
            decision_point="family_plan",
            children=[cp_family["mia"]],
            recipients=[],
            offered_on=TODAY,
            not_offered_rationale="Domestic abuse: a family meeting would put Mum at risk",
        )


def test_an_offer_in_the_letter_is_refused_before_the_letter_is_sent(cp_family, lcpp):
    pp = _pp(cp_family, lcpp)
    with pytest.raises(ValidationError, match="no letter before proceedings"):
        offer_make(
            actor=lcpp, point=pp, decision_point="lbp", children=[cp_family["mia"]],
            recipients=[cp_family["grace"]], offered_on=TODAY,
        )  # fmt: skip
    assert not FgdmOffer.objects.exists()


def test_an_offer_in_the_letter_is_refused_on_another_day_than_the_letters(cp_family, lcpp):
    pp = _pp(cp_family, lcpp, lbp=D(2025, 11, 20))
    with pytest.raises(ValidationError, match="20 November 2025"):
        offer_make(
            actor=lcpp, point=pp, decision_point="lbp", children=[cp_family["mia"]],
            recipients=[cp_family["grace"]], offered_on=TODAY,
        )  # fmt: skip
    offer_make(
        actor=lcpp, point=pp, decision_point="lbp", children=[cp_family["mia"]],
        recipients=[cp_family["grace"]], offered_on=D(2025, 11, 20),
    )  # fmt: skip


def test_an_offer_takes_the_fgdm_offer_request_it_answers(cp_family, lcpp, triage_officer):
    request = work_request_create(
        kind=WorkRequest.Kind.FGDM_OFFER,
        person=cp_family["mia"],
        actor=triage_officer,
        episode=cp_family["episodes"]["Mia"],
        summary="Offer FGDM",
    )
    offer = offer_make(
        actor=lcpp,
        point=cp_family["plan"],
        decision_point="family_plan",
        children=[cp_family["mia"]],
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
        work_request=request,
    )
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.ACCEPTED and offer.work_request == request


def test_an_offer_made_at_the_decision_point_takes_the_request_raised_there(
    cp_family, triage_officer, new_contact, levels
):
    decision = _front_door(cp_family, triage_officer, new_contact, levels)
    request = WorkRequest.objects.get(kind=WorkRequest.Kind.FGDM_OFFER, person=cp_family["leo"])
    offer = offer_make(
        actor=cp_family["lead"],
        point=decision,
        decision_point="front_door",
        children=[cp_family["leo"]],
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
    )
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.ACCEPTED and offer.work_request == request


# --- pages ------------------------------------------------------------------------------------------------------------


def _new_url(record) -> str:
    return reverse("fgdm:offer_create") + f"?point={_point_ref(record)}"


def test_the_offer_page_refuses_not_offered_without_a_rationale_and_keeps_what_was_typed(cp_family, lcpp, client):
    client.force_login(lcpp)
    url = _new_url(cp_family["plan"])
    page = client.get(url)
    assert page.status_code == 200 and "Grace Okafor" in page.content.decode()
    got = client.post(
        url,
        {
            "children": [cp_family["mia"].pk],
            "recipients": [cp_family["grace"].pk],
            "offered_on_day": "1",
            "offered_on_month": "12",
            "offered_on_year": "2025",
            "made": "not_offered",
            "rationale": "",
        },
    )
    body = got.content.decode()
    assert got.status_code == 200 and "govuk-error-summary" in body and "best interests" in body
    assert 'value="not_offered" checked' in body or "checked" in body
    assert not FgdmOffer.objects.exists()


def test_the_offer_page_refuses_a_letter_offer_that_disagrees_with_the_record(cp_family, lcpp, client):
    client.force_login(lcpp)
    pp = _pp(cp_family, lcpp, lbp=D(2025, 11, 20))
    got = client.post(
        _new_url(pp),
        {
            "children": [cp_family["mia"].pk],
            "recipients": [cp_family["grace"].pk],
            "offered_on_day": "1",
            "offered_on_month": "12",
            "offered_on_year": "2025",
            "kind": "lbp",
            "made": "offered",
        },
    )
    body = got.content.decode()
    assert got.status_code == 200 and "20 November 2025" in body
    assert 'value="1"' in body  # the day typed is kept
    assert not FgdmOffer.objects.exists()


def test_the_answer_page_refuses_a_decline_without_a_reason(cp_family, lcpp, client):
    offer = offer_make(
        actor=lcpp, point=cp_family["plan"], decision_point="family_plan", children=[cp_family["mia"]],
        recipients=[cp_family["grace"]], offered_on=TODAY,
    )  # fmt: skip
    client.force_login(lcpp)
    url = reverse("fgdm:offer_respond", args=[offer.pk])
    got = client.post(
        url, {"response": "declined", "responded_on_day": "1", "responded_on_month": "12", "responded_on_year": "2025"}
    )
    assert got.status_code == 200 and "why the family declined" in got.content.decode()
    got = client.post(
        url,
        {"response": "accepted", "responded_on_day": "1", "responded_on_month": "12", "responded_on_year": "2025"},
    )
    assert got.status_code == 302
    offer.refresh_from_db()
    assert offer.response == OfferResponse.ACCEPTED


@pytest.fixture
def other_lead(council, triage_officer, levels):
    """A lead practitioner of another family: sees nothing of the Okafor-Lewis family."""
    lead = UserFactory(agency=council, roles=[Role.FHLP], full_name="Oli Other", email="oli@example.test")
    child = person_create(
        actor=triage_officer, data={"first_name": "Zed", "last_name": "Other", "date_of_birth": D(2018, 1, 1)}
    )
    case = family_case_create(actor=triage_officer, name="Other family", members=[(child, FamilyCaseMember.Role.CHILD)])
    episode = episode_open(
        person=child, actor=triage_officer, level=levels["child_in_need"], family_case=case, reason="Front door"
    )
    episode_set_lead(episode=episode, actor=triage_officer, user=lead, kind=LeadKind.FHLP)
    return lead


def test_a_lead_of_another_family_sees_none_of_the_familys_offers_or_requests(
    cp_family, lcpp, triage_officer, other_lead, client
):
    work_request_create(
        kind=WorkRequest.Kind.FGDM_OFFER, person=cp_family["mia"], actor=triage_officer,
        episode=cp_family["episodes"]["Mia"], summary="Offer FGDM to the Okafor-Lewis family",
    )  # fmt: skip
    offer = offer_make(
        actor=lcpp, point=cp_family["plan"], decision_point="family_plan", children=[cp_family["mia"]],
        recipients=[cp_family["grace"]], offered_on=TODAY,
    )  # fmt: skip
    client.force_login(cp_family["lead"])
    mine = client.get(reverse("fgdm:inbox")).content.decode()
    assert "Mia Okafor-Lewis" in mine and reverse("fgdm:offer", args=[offer.pk]) in mine
    client.force_login(other_lead)
    theirs = client.get(reverse("fgdm:inbox"))
    assert theirs.status_code == 200 and "Okafor-Lewis" not in theirs.content.decode()
    assert client.get(reverse("fgdm:offer", args=[offer.pk])).status_code == 404
    assert client.get(reverse("fgdm:offer_respond", args=[offer.pk])).status_code == 404
    assert client.get(_new_url(cp_family["plan"])).status_code == 404  # an offer for a child they cannot see


def test_reading_an_offer_is_audited(cp_family, lcpp, client):
    offer = offer_make(
        actor=lcpp, point=cp_family["plan"], decision_point="family_plan", children=[cp_family["mia"]],
        recipients=[cp_family["grace"]], offered_on=TODAY,
    )  # fmt: skip
    client.force_login(lcpp)
    assert client.get(reverse("fgdm:offer", args=[offer.pk])).status_code == 200
    assert AuditEvent.objects.filter(verb="fgdm.offer.viewed", actor_id=lcpp.pk).exists()


def test_the_request_accept_page_makes_the_offer_at_the_requests_decision_point(
    cp_family, triage_officer, new_contact, levels, client
):
    lead = cp_family["lead"]
    decision = _front_door(cp_family, triage_officer, new_contact, levels)
    request = WorkRequest.objects.get(kind=WorkRequest.Kind.FGDM_OFFER, person=cp_family["leo"])
    assert registry.work_request_kind(WorkRequest.Kind.FGDM_OFFER).url_name == "fgdm:offer_from_request"
    client.force_login(lead)
    url = reverse("fgdm:offer_from_request", args=[request.pk])
    assert "the front door&#x27;s decision on 1 December 2025" in client.get(url).content.decode()
    got = client.post(
        url,
        {
            "children": [cp_family["leo"].pk],
            "recipients": [cp_family["grace"].pk],
            "offered_on_day": "1",
            "offered_on_month": "12",
            "offered_on_year": "2025",
            "made": "offered",
        },
    )
    assert got.status_code == 302
    offer = FgdmOffer.objects.get()
    assert (offer.decision_point, offer.source_id, offer.work_request) == ("front_door", decision.pk, request)
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.ACCEPTED


# --- the prompt on each decision point's page ------------------------------------------------------------------------


def test_the_family_plan_page_prompts_an_offer_until_one_is_recorded_then_says_the_answer(cp_family, lcpp, client):
    plan_url = reverse("cases:plan", args=[cp_family["case"].pk])
    client.force_login(cp_family["lead"])
    page = client.get(plan_url).content.decode()
    assert "No family group decision making offer" in page
    assert _new_url(cp_family["plan"]) in page.replace("&amp;", "&")
    offer = offer_make(
        actor=lcpp,
        point=cp_family["plan"],
        decision_point="family_plan",
        children=[cp_family["mia"], cp_family["leo"]],
        recipients=[cp_family["grace"]],
        offered_on=TODAY,
    )
    offer_respond(actor=lcpp, offer=offer, response=OfferResponse.ACCEPTED)
    page = client.get(plan_url).content.decode()
    assert "No family group decision making offer" not in page
    assert "Family group decision making offered on 1 December 2025: accepted" in page


def test_the_prompt_is_shown_only_to_those_who_may_make_offers(cp_family, fh_manager, client):
    client.force_login(fh_manager)
    page = client.get(reverse("cases:plan", args=[cp_family["case"].pk]))
    assert page.status_code == 200 and "family group decision making offer" not in page.content.decode()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("front_door", lambda r: reverse("front_door:contact_detail", args=[r.contact_id])),
        ("plan_review", lambda r: reverse("cases:plan_version", args=[r.plan.family_case_id, r.plan_version.number])),
        ("strategy_discussion", lambda r: reverse("macpt:strategy", args=[r.pk])),
        ("icpc", lambda r: reverse("macpt:conference", args=[r.pk])),
        ("pre_proceedings", lambda r: reverse("macpt:pre_proceedings", args=[r.pk])),
    ],
)
def test_each_decision_points_page_prompts_the_offer(kind, url, points, lcpp, client):
    record, _children = points[kind]()
    client.force_login(lcpp)
    page = client.get(url(record))
    assert page.status_code == 200
    assert _new_url(record) in page.content.decode().replace("&amp;", "&")


# --- front door: no offer at emergency action (item 1) ----------------------------------------------------------------


def test_the_front_door_raises_no_fgdm_offer_at_immediate_protection(triage_officer, new_contact, make_person, levels):
    """Nor at a strategy discussion (outcome 2): the discussion decides first whether an s47 enquiry is needed, and is
    a decision point with its own offer; approaching the whole family before could alert an alleged abuser."""
    protected, discussed, helped = make_person(), make_person(first="Ada"), make_person(first="Ben")
    for child, outcome, level in (
        (protected, 1, "child_protection"),
        (discussed, 2, "child_protection"),
        (helped, 3, "child_in_need"),
    ):
        contact = new_contact(triage_officer, children=[{"person": child}])
        decision_record(contact=contact, actor=triage_officer, outcome=outcome, level=levels[level], rationale="Why")
    assert not WorkRequest.objects.filter(person=protected, kind=WorkRequest.Kind.FGDM_OFFER).exists()
    assert not WorkRequest.objects.filter(person=discussed, kind=WorkRequest.Kind.FGDM_OFFER).exists()
    assert WorkRequest.objects.filter(person=helped, kind=WorkRequest.Kind.FGDM_OFFER).count() == 1
