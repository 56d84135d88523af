"""Reads for conferences and child protection plans, scoped as the child's whole record (cases.permissions
person_record_scope): a conference opens only for a user who may see every child it is about, a plan only for one
who sees its child; anything else is 404, never 403. Reports are read under the tag rules (cases.policy)."""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from cases import policy
from cases.models import Involvement, InvolvementRole, Person, User
from cases.permissions import person_record_scope
from cases.selectors import current_lead_ids

from ..models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceReport,
    CoreGroup,
    StatutoryVisit,
)
from ..permissions import CHAIR, CONTRIBUTE


def conference_scope(user: User) -> QuerySet[ChildProtectionConference]:
    """The conferences every one of whose children this user may see whole."""
    visible = person_record_scope(user, relatives=False).values("pk")
    return ChildProtectionConference.objects.annotate(
        _children=Count("children", distinct=True),
        _seen=Count("children", filter=Q(children__person__in=visible), distinct=True),
    ).filter(_children__gt=0, _children=F("_seen"))


def conference_get_for_user(*, user: User, conference_id: int) -> ChildProtectionConference:
    qs = conference_scope(user).select_related("family_case", "chair", "team", "decided_by")
    return get_object_or_404(qs, pk=conference_id)


def conference_children(*, conference: ChildProtectionConference) -> list[ConferenceChild]:
    return list(conference.children.select_related("person", "plan").order_by("person__date_of_birth", "person_id"))


def conference_reports_for_user(*, conference: ChildProtectionConference, user: User) -> list[ConferenceReport]:
    """The agencies' reports this user may read under the tag rules (the author always)."""
    reports = list(conference.reports.select_related("agency", "author").order_by("id"))
    child_ids = list(conference.children.values_list("person_id", flat=True))
    in_macpt = _in_childs_macpt(user, child_ids)
    agency_type = user.agency_type
    return [
        r
        for r in reports
        if policy.tags_admit(
            r.tags,
            is_author=r.author_id == user.pk,
            roles=user.roles,
            agency_type=agency_type,
            qualification=user.qualification,
            in_childs_macpt=in_macpt,
            authors_agency=user.agency_id == r.agency_id,
        )
    ]


def family_reports(*, conference: ChildProtectionConference, user: User | None = None) -> list[ConferenceReport]:
    """The reports that may go into something the family receives (no FAMILY_WITHHELD_TAGS tag); printed by a user,
    only those that user may read under the tag rules too (the family's version is no way round them)."""
    reports = (
        conference.reports.select_related("agency").order_by("id")
        if user is None
        else conference_reports_for_user(conference=conference, user=user)
    )
    return [r for r in reports if not set(r.tags) & policy.FAMILY_WITHHELD_TAGS]


def _in_childs_macpt(user: User, child_ids) -> bool:
    return (
        Involvement.objects.active()
        .filter(person_id__in=list(child_ids), role=InvolvementRole.MACPT_MEMBER)
        .filter(Q(user=user) | Q(team__members=user))
        .exists()
    )


def may_chair_actions(user: User) -> bool:
    return policy.may(user, CHAIR)


def may_contribute(user: User) -> bool:
    return policy.may(user, CONTRIBUTE)


def is_childs_lead(*, user: User, person_id: int) -> bool:
    return current_lead_ids(person_id=person_id).filter(user_id=user.pk).exists()


# --- plans ---------------------------------------------------------------------------------------------------


def plan_scope(user: User) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(person__in=person_record_scope(user, relatives=False).values("pk"))


def cp_plan_get_for_user(*, user: User, plan_id: int) -> ChildProtectionPlan:
    qs = plan_scope(user).select_related("person", "family_plan", "family_plan__family_case", "conference")
    return get_object_or_404(qs, pk=plan_id)


def open_plan_for(person: Person) -> ChildProtectionPlan | None:
    return ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).first()


def number_of_previous_plans(plan: ChildProtectionPlan) -> int:
    """Census NumberOfPreviousCPP: the child's plans that began before this one, here and (as the transfer-in
    conference recorded) in other councils."""
    here = ChildProtectionPlan.objects.filter(person_id=plan.person_id, start_date__lt=plan.start_date).count()
    return here + plan.previous_plans_elsewhere


def plan_core_groups(*, plan: ChildProtectionPlan) -> list[CoreGroup]:
    return list(
        plan.core_groups.prefetch_related(Prefetch("actions")).select_related("recorded_by").order_by("date", "id")
    )


def plan_visits(*, plan: ChildProtectionPlan) -> list[StatutoryVisit]:
    return list(plan.visits.select_related("by").order_by("date", "id"))


def plan_review_conferences(*, plan: ChildProtectionPlan) -> list[ChildProtectionConference]:
    """The review conferences held for this plan (census CPPreviewDate: their dates)."""
    return list(
        ChildProtectionConference.objects.filter(
            children__plan=plan, kind=ChildProtectionConference.Kind.REVIEW, status="decided"
        )
        .order_by("date", "id")
        .distinct()
    )


def family_open_plans(*, family_case_id: int) -> list[ChildProtectionPlan]:
    return list(
        ChildProtectionPlan.objects.filter(family_plan__family_case_id=family_case_id, end_date__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth", "person_id")
    )
