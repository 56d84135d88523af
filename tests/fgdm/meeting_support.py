"""A family ready for its family group decision-making meeting (issue 15 items 4-6): the Okafor-Lewis family (Mia and
Leo, their mother Grace; tests/conftest.py) led by the social worker FHLP, with an accepted FGDM offer referred to the
FGDM service and the facilitator allocated (fgdm.services.referrals; the fixtures of tests/fgdm/facilitation_support),
and Grandma Rose in the family network."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cases.services import relationship_add
from fgdm.models import FgdmReferral, MeetingType, NetworkInvitee
from fgdm.services.referrals import referral_allocate, referral_create
from tests.fgdm.facilitation_support import accepted_offer


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fgdm_family(led_family, sw_fhlp, fh_manager, facilitator, triage_officer):
    """The family, led by the social worker FHLP, referred to the FGDM service (a month ago) with the facilitator
    allocated (fgdm.services.referrals: their FGDM_FACILITATOR involvement with both children), Grandma Rose in the
    network, and the meeting co-designed in Yoruba with an interpreter."""
    today = timezone.localdate()
    family = led_family
    rose = _person(triage_officer, "Rose", "Okafor", dt.date(1960, 4, 1))
    relationship_add(actor=triage_officer, from_person=rose, to_person=family["mia"], type="grandparent")
    offer = accepted_offer(children=[family["mia"], family["leo"]], family_case=family["case"], offered_by=sw_fhlp)
    offer.recipients.set([family["grace"]])
    referral = referral_create(
        offer=offer,
        actor=sw_fhlp,
        meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE,
        reason="How the family can keep Mia and Leo safe while Grace is in hospital.",
    )
    referral = referral_allocate(referral=referral, actor=fh_manager, facilitator=facilitator)
    # Referred a month ago (the meetings in these tests are held in the past weeks), co-designed in Yoruba.
    FgdmReferral.objects.filter(pk=referral.pk).update(
        referred_on=today - dt.timedelta(days=28),
        allocated_on=today - dt.timedelta(days=27),
        language="Yoruba",
        interpreter_needed=True,
        interpreter_language="Yoruba",
    )
    referral.refresh_from_db()
    for person, relationship in ((family["grace"], "Mother"), (rose, "Grandmother")):
        NetworkInvitee.objects.get_or_create(
            referral=referral, person=person, defaults={"relationship": relationship, "added_by": facilitator}
        )
    return {**family, "offer": offer, "referral": referral, "rose": rose, "lead": sw_fhlp}


def _person(actor, first, last, dob):
    from cases.services import person_create

    return person_create(actor=actor, data={"first_name": first, "last_name": last, "date_of_birth": dob})


def meeting_times(start=(13, 0), end=(14, 30)):
    return {"private_time_start": dt.time(*start), "private_time_end": dt.time(*end)}


def now_on(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
