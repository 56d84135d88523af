"""Reads for the meeting's pages and the family's plan PDF (issue 15 items 4-6). The meeting itself comes through
fgdm.selectors.scope (meeting_get: the children's whole record, else 404); here is what is shown of it:
- the information the professionals shared, read under the information-tag rules (cases.policy: the author always);
- for the family: the plan items not marked not-for-family and only the information carrying no tag at all (police,
  health, third-party, safe-address and not-for-family information never goes to the family);
- the family network and professionals who may be recorded as there."""

from django.db.models import Q

from cases import policy
from cases.models import FamilyCaseMember, Involvement, InvolvementRole, Person, Relationship, User

from ..models import FamilyPlanItem, FgdmMeeting, FgdmReferral, NetworkInvitee, SharedInformation


def meeting_child_ids(meeting: FgdmMeeting) -> list[int]:
    return sorted(meeting.referral.offer.children.values_list("pk", flat=True))


def _in_childs_macpt(user: User, child_ids) -> bool:
    return (
        Involvement.objects.active()
        .filter(person_id__in=list(child_ids), role=InvolvementRole.MACPT_MEMBER)
        .filter(Q(user=user) | Q(team__members=user))
        .exists()
    )


def information_for_user(*, meeting: FgdmMeeting, user: User) -> list[SharedInformation]:
    """What the professionals shared that this reader may read under the tag rules (the author always)."""
    items = list(meeting.information.select_related("agency", "author", "shared_by").order_by("shared_at", "pk"))
    if not any(item.tags for item in items):
        return items
    in_macpt = _in_childs_macpt(user, meeting_child_ids(meeting))
    return [
        item
        for item in items
        if policy.tags_admit(
            item.tags,
            is_author=item.author_id == user.pk,
            roles=user.roles,
            agency_type=user.agency_type,
            qualification=user.qualification,
            in_childs_macpt=in_macpt,
            authors_agency=user.agency_id == item.agency_id,
        )
    ]


def information_for_family(*, meeting: FgdmMeeting, user: User) -> list[SharedInformation]:
    """Only what carries no information tag at all, and only what the printing user may read themselves."""
    return [item for item in information_for_user(meeting=meeting, user=user) if not item.tags]


def plan_items_for_family(*, meeting: FgdmMeeting) -> list[FamilyPlanItem]:
    return list(meeting.plan_items.filter(not_for_family=False))


def network_people(*, referral: FgdmReferral) -> list[Person]:
    """The family network who may have come: those invited in preparation, the family's adults and the people in the
    children's relationships (the shared record), each once."""
    child_ids = list(referral.offer.children.values_list("pk", flat=True))
    ids = set(NetworkInvitee.objects.filter(referral=referral, invited=True).values_list("person_id", flat=True))
    if referral.offer.family_case_id:
        ids |= set(
            FamilyCaseMember.objects.filter(family_case=referral.offer.family_case_id, end_date__isnull=True)
            .exclude(person_id__in=child_ids)
            .values_list("person_id", flat=True)
        )
    current = Q(end_date__isnull=True)
    ids |= set(
        Relationship.objects.filter(current, to_person_id__in=child_ids).values_list("from_person_id", flat=True)
    )
    ids |= set(
        Relationship.objects.filter(current, from_person_id__in=child_ids).values_list("to_person_id", flat=True)
    )
    ids -= set(child_ids)
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk"))


def professional_users(*, referral: FgdmReferral) -> list[User]:
    """The practitioners working with the children now (their involvements), who may be recorded as there."""
    child_ids = list(referral.offer.children.values_list("pk", flat=True))
    ids = (
        Involvement.objects.active()
        .filter(person_id__in=child_ids, user__isnull=False)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).select_related("agency").order_by("full_name"))
