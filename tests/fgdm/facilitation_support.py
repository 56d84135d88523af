"""Fixtures for FGDM referral, allocation, caseload and preparation (issue 15 items 2 and 3): the Okafor-Lewis family
(tests/conftest.py) led by a Family Help Lead Practitioner, an offer the family accepted (made on the model here, so
these tests stand without the offer pages), the FGDM service's manager and two independent facilitators. Test modules
import the fixtures they use by name."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import FamilyCaseMember, LeadKind, Role
from cases.services import episode_open, episode_set_lead, family_case_create, person_create, relationship_add
from fgdm.models import DecisionPointKind, FgdmOffer, MeetingType, OfferResponse
from fgdm.services.referrals import referral_allocate, referral_create
from tests.factories import UserFactory
from tests.personas import agency


def accepted_offer(*, children, family_case, offered_by) -> FgdmOffer:
    offer = FgdmOffer.objects.create(
        decision_point=DecisionPointKind.FAMILY_PLAN,
        family_case=family_case,
        offered_on=timezone.localdate() - dt.timedelta(days=3),
        offered_by=offered_by,
        response=OfferResponse.ACCEPTED,
        responded_on=timezone.localdate() - dt.timedelta(days=1),
        responded_by=offered_by,
    )
    offer.children.set(children)
    return offer


@pytest.fixture
def led_family(family, sw_fhlp, triage_officer):
    """Mia and Leo, their lead practitioner Sol Social (FHLP of both episodes)."""
    for name in ("Mia", "Leo"):
        episode_set_lead(episode=family["episodes"][name], actor=triage_officer, user=sw_fhlp, kind=LeadKind.FHLP)
    return family


@pytest.fixture
def offer(led_family, sw_fhlp):
    return accepted_offer(
        children=[led_family["mia"], led_family["leo"]], family_case=led_family["case"], offered_by=sw_fhlp
    )


@pytest.fixture
def facilitator(db):
    return UserFactory(
        email="fay.facilitator@example.test",
        full_name="Fay Facilitator",
        agency=agency("council"),
        roles=[Role.FGDM_FACILITATOR],
    )


@pytest.fixture
def other_facilitator(db):
    return UserFactory(
        email="fin.facilitator@example.test",
        full_name="Fin Facilitator",
        agency=agency("council"),
        roles=[Role.FGDM_FACILITATOR],
    )


@pytest.fixture
def referral(offer, sw_fhlp):
    return referral_create(
        offer=offer,
        actor=sw_fhlp,
        meeting_type=MeetingType.FAMILY_NETWORK_MEETING,
        reason="Mum needs the family's help with the children after school while she is in hospital.",
    )


@pytest.fixture
def allocated(referral, fh_manager, facilitator):
    return referral_allocate(referral=referral, actor=fh_manager, facilitator=facilitator)


@pytest.fixture
def other_family(triage_officer, levels, sw_fhlp):
    """The Brennan family: Ava, led by the same practitioner, with an accepted offer referred."""
    ava = person_create(
        actor=triage_officer, data={"first_name": "Ava", "last_name": "Brennan", "date_of_birth": dt.date(2016, 2, 2)}
    )
    dad = person_create(
        actor=triage_officer, data={"first_name": "Sean", "last_name": "Brennan", "date_of_birth": dt.date(1985, 4, 4)}
    )
    relationship_add(actor=triage_officer, from_person=dad, to_person=ava, type="father", parental_responsibility=True)
    case = family_case_create(
        actor=triage_officer,
        name="Brennan family",
        members=[(ava, FamilyCaseMember.Role.CHILD), (dad, FamilyCaseMember.Role.PARENT)],
    )
    episode = episode_open(
        person=ava, actor=triage_officer, level=levels["targeted_early_help"], family_case=case, reason="Front door"
    )
    episode_set_lead(episode=episode, actor=triage_officer, user=sw_fhlp, kind=LeadKind.FHLP)
    offer = accepted_offer(children=[ava], family_case=case, offered_by=sw_fhlp)
    referral = referral_create(
        offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE, reason="Who cares for Ava."
    )
    return {"ava": ava, "dad": dad, "case": case, "referral": referral}
