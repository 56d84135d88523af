"""The FGDM strand's scoped reads: an offer, a referral or a meeting opens only for a user who may open the whole
record of every child it is about (cases.permissions.person_record_scope: the one policy); anything else is 404.

A facilitator reaches a family through the FGDM_FACILITATOR involvement their allocation gives them; a lead
practitioner or LCPP through their own involvement; council-wide readers everywhere. Every page, list, PDF and API
endpoint of the strand reads through these."""

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from cases.models import User
from cases.permissions import person_record_scope

from ..models import FgdmMeeting, FgdmOffer, FgdmReferral


def _whole(user: User, qs: QuerySet, children: str) -> QuerySet:
    """Rows of `qs` whose children (the relation path `children`) are ALL in the user's whole-record scope."""
    scope = person_record_scope(user, relatives=False).values("pk")
    return qs.annotate(
        _children=Count(children, distinct=True),
        _seen=Count(children, filter=Q(**{f"{children}__in": scope}), distinct=True),
    ).filter(_children__gt=0, _children=F("_seen"))


def offers_visible(user: User) -> QuerySet[FgdmOffer]:
    return _whole(user, FgdmOffer.objects.all(), "children")


def referrals_visible(user: User) -> QuerySet[FgdmReferral]:
    return _whole(user, FgdmReferral.objects.all(), "offer__children")


def meetings_visible(user: User) -> QuerySet[FgdmMeeting]:
    return _whole(user, FgdmMeeting.objects.all(), "referral__offer__children")


def offer_get(*, user: User, pk: int) -> FgdmOffer:
    offer = offers_visible(user).filter(pk=pk).select_related("family_case", "offered_by").first()
    if offer is None:
        raise Http404("No such offer")
    return offer


def referral_get(*, user: User, pk: int) -> FgdmReferral:
    referral = referrals_visible(user).filter(pk=pk).select_related("offer", "facilitator").first()
    if referral is None:
        raise Http404("No such referral")
    return referral


def meeting_get(*, user: User, pk: int) -> FgdmMeeting:
    meeting = meetings_visible(user).filter(pk=pk).select_related("referral", "referral__offer", "plan").first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting
