"""Scoped reads for the Family Help assessment. An assessment is in scope when its family case is
(family_case_scope: at least one of its children is); out of scope is 404. Child sections are shown only
for the children the user may see."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import FamilyCase, User
from cases.permissions import person_record_scope
from cases.selectors import Rag, person_ids_in_scope, rag_status
from cases.workdays import Calendar

from ..models import Assessment, AssessmentChild, AssessmentStatus, FamilyHelpSettings
from . import family_case_scope


def assessment_scope(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(family_case__in=family_case_scope(user).values("pk"))


def assessment_get_for_user(*, user: User, assessment_id: int) -> Assessment:
    """The assessment if this user may see its family; 404 whether missing or out of scope."""
    try:
        return assessment_scope(user).select_related("family_case", "author", "authorised_by").get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assessment") from None


def assessment_sections(*, assessment: Assessment, user: User) -> list[AssessmentChild]:
    """The child sections this user may see, youngest last (in the order the children were added)."""
    return list(
        assessment.children.filter(person__in=person_record_scope(user).values("pk"))
        .select_related("person")
        .order_by("person__date_of_birth", "id")
    )


def assessments_for_family(*, family_case: FamilyCase) -> list[Assessment]:
    """Every assessment of the family, newest first, with authors and its sections' people, in a constant
    number of queries however many there are."""
    return list(
        Assessment.objects.filter(family_case=family_case)
        .select_related("author", "authorised_by")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=AssessmentChild.objects.select_related("person").order_by("person__date_of_birth", "id"),
            )
        )
        .order_by("-started_on", "-id")
    )


def visible_sections(*, assessments: list[Assessment], user: User) -> dict[int, list[AssessmentChild]]:
    """For assessments from assessments_for_family: each one's sections this user may see (one query)."""
    person_ids = {s.person_id for a in assessments for s in a.children.all()}
    visible = person_ids_in_scope(user=user, ids=person_ids)
    return {a.pk: [s for s in a.children.all() if s.person_id in visible] for a in assessments}


def open_assessment(*, family_case: FamilyCase) -> Assessment | None:
    return Assessment.objects.filter(family_case=family_case).exclude(status=AssessmentStatus.AUTHORISED).first()


# --- the timescale -----------------------------------------------------------------------------------------


@dataclass
class Timescale:
    due_on: dt.date
    working_days_left: int  # negative: working days overdue
    rag: str  # "green", "amber", "red", or "" once authorised
    label: str  # the RAG in words
    text: str  # "12 working days left", "3 working days overdue", "Due today"


def assessment_timescale(
    *,
    assessment: Assessment,
    calendar: Calendar | None = None,
    today: dt.date | None = None,
    warn_days: int | None = None,
) -> Timescale:
    """How the 45 working days stand: working days left after today up to and including the due date."""
    calendar = calendar or Calendar.from_database()
    today = today or timezone.localdate()
    warn_days = FamilyHelpSettings.load().assessment_warn_working_days if warn_days is None else warn_days
    due = assessment.due_on
    if due >= today:
        left = calendar.working_days_between(today + dt.timedelta(days=1), due) if due > today else 0
    else:
        left = -calendar.working_days_between(due + dt.timedelta(days=1), today)
    if assessment.status == AssessmentStatus.AUTHORISED:
        on = assessment.authorised_on
        text = "Authorised within the timescale" if on and on <= due else "Authorised after the timescale"
        return Timescale(due, left, "", "", text)
    # The record's RAG rule, in working days: overdue once the due date has passed; due soon (amber) on the
    # day itself and while `warn_days` or fewer working days are left.
    rag = rag_status(left=left, amber_below=warn_days + 1, overdue=due < today)
    if due < today:
        text = f"{-left} working day{'' if left == -1 else 's'} overdue" if left else "Overdue"
    elif due == today:
        text = "Due today"
    else:
        text = f"{left} working day{'' if left == 1 else 's'} left"
    return Timescale(due, left, rag, Rag(rag).label, text)


def assessment_timescales(*, assessments) -> dict[int, Timescale]:
    """The timescales of a list of assessments, reading the calendar and the settings once."""
    calendar = Calendar.from_database()
    warn_days = FamilyHelpSettings.load().assessment_warn_working_days
    return {a.pk: assessment_timescale(assessment=a, calendar=calendar, warn_days=warn_days) for a in assessments}


def assessment_get(*, assessment_id: int) -> Assessment:
    """An assessment as it is saved now (after a change by this user, whose scope was checked first)."""
    return Assessment.objects.select_related("family_case", "author", "authorised_by").get(pk=assessment_id)


# What the family plan starts from (issue 13 item 12): the authorised assessment's worries, strengths and the family's
# views, each under the heading the assessment gave it, for the lead to check and change (cases.registry).
_WORRY_SECTIONS = (
    ("risks", "Risks"),
    ("domestic_abuse", "Domestic abuse"),
    ("substance_misuse", "Substance misuse"),
    ("mental_health", "Mental health"),
    ("housing", "Housing"),
    ("income", "Income and debt"),
    ("other_needs", "Other needs"),
)


def plan_start_from_assessment(family_case: FamilyCase):
    """The family's latest authorised assessment as the start of its plan (a cases.registry.PlanStart), or None when
    it has none. The children's sections in the order they were assessed: their needs among the worries, their
    voices as the family's views."""
    from cases.registry import PlanStart

    assessment = (
        Assessment.objects.filter(family_case=family_case, status=AssessmentStatus.AUTHORISED)
        .order_by("-authorised_on", "-id")
        .first()
    )
    if assessment is None:
        return None
    sections = list(assessment.children.select_related("person").order_by("id"))
    worries = [
        f"{label}: {getattr(assessment, name).strip()}"
        for name, label in _WORRY_SECTIONS
        if getattr(assessment, name).strip()
    ]
    worries += [f"{s.person.first_name}'s needs: {s.needs.strip()}" for s in sections if s.needs.strip()]
    views = []
    for section in sections:
        voice = section.child_voice.strip()
        if voice:
            # "Mia says: ..." as the assessment recorded it, not "Mia says: Mia says: ...".
            views.append(
                voice
                if voice.lower().startswith(section.person.first_name.lower())
                else f"{section.person.first_name} says: {voice}"
            )
    authorised = assessment.authorised_on
    return PlanStart(
        values={
            "worries": "\n\n".join(worries),
            "working_well": assessment.strengths.strip(),
            "family_views": "\n\n".join(views),
        },
        source=f"From the assessment authorised on {authorised.day} {authorised:%B %Y}" if authorised else "",
    )
