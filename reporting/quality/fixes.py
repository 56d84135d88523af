"""Where a data-quality issue is fixed (issue 16 item 3): the census item the validator names (table, column) as the
practitioner knows it, and the page of the child's record that holds it (the s47 enquiry, the conference, the plan,
the pre-proceedings, the person's details), found for a page of issues in a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from cases.models import Person, User
from cases.permissions import can_edit_person
from macpt.models import ChildProtectionConference, ChildProtectionPlan, ConferenceChild, S47Enquiry

# (census table, column) -> what the record calls it. A column not listed shows as the census names it.
FIELDS = {
    "LAchildID": "LA child ID",
    "UPN": "Unique pupil number",
    "FormerUPN": "Former unique pupil number",
    "UPNunknown": "Unique pupil number (why not known)",
    "PersonBirthDate": "Date of birth",
    "ExpectedPersonBirthDate": "Expected date of birth",
    "GenderCurrent": "Sex",
    "Sex": "Sex",
    "PersonDeathDate": "Date of death",
    "Ethnicity": "Ethnicity",
    "Disability": "Disabilities",
    "CINreferralDate": "Referral date",
    "ReferralSource": "Referral source",
    "PrimaryNeedCode": "Primary need",
    "CINclosureDate": "Case closure date",
    "ReasonForClosure": "Reason the case closed",
    "DateOfInitialCPC": "Date of the initial child protection conference",
    "ReferralNFA": "No further action on the referral",
    "AssessmentActualStartDate": "Assessment start date",
    "AssessmentInternalReviewDate": "Assessment internal review date",
    "AssessmentAuthorisationDate": "Assessment authorised (completed) date",
    "AssessmentFactors": "Factors identified at assessment",
    "CINPlanStartDate": "Child in need plan start date",
    "CINPlanEndDate": "Child in need plan end date",
    "S47ActualStartDate": "Section 47 enquiry start date",
    "InitialCPCtarget": "Initial conference target date",
    "ICPCnotRequired": "Initial conference not required (the enquiry's outcome)",
    "CPPstartDate": "Child protection plan start date",
    "CPPendDate": "Child protection plan end date",
    "InitialCategoryOfAbuse": "Initial category of abuse",
    "LatestCategoryOfAbuse": "Latest category of abuse",
    "NumberOfPreviousCPP": "Previous child protection plans",
    "CPPreviewDate": "Child protection review conference date",
    "PPStartDate": "Pre-proceedings start date (legal planning meeting)",
    "LBPSentDate": "Letter before proceedings sent",
    "FGDMMeetingOffer": "Family group decision-making meeting offered in the letter",
    "FGDMMeetingFac": "Family group decision-making meeting facilitated",
    "InitialPPMeetingDate": "Initial pre-proceedings meeting date",
    "ReviewMeetingsCount": "Pre-proceedings review meetings",
    "StepDecisionDate": "Step up or step down decision date",
    "PPOutcome": "Pre-proceedings outcome",
    "CourtAppDate": "Court application date",
    "LetterInitCPDate": "Letter initiating care proceedings sent",
}
TABLES = {
    "ChildIdentifiers": "the child's details",
    "ChildCharacteristics": "the child's details",
    "Disabilities": "the child's details",
    "CINdetails": "the referral",
    "Assessments": "the assessment",
    "AssessmentFactorsList": "the assessment",
    "CINplanDates": "the child in need plan",
    "Section47": "the section 47 enquiry",
    "ChildProtectionPlans": "the child protection plan",
    "Reviews": "the child protection plan's reviews",
    "PreProceedings": "the pre-proceedings",
}
_PERSON_EDIT = {"ChildIdentifiers", "ChildCharacteristics", "Disabilities"}


@dataclass
class Fix:
    field: str  # the item as the record calls it
    where: str  # the part of the record that holds it
    url: str  # the page to fix it on


def field_label(column: str) -> str:
    return FIELDS.get(column, column or "The return as a whole")


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class FixFinder:
    """The pages for one page of issues: the children's enquiries, conferences and plans read once. A field of the
    child's details links to the edit page when the reader may edit the record, else to the record."""

    def __init__(
        self, person_ids: set[int], *, user: User | None = None, people: dict[int, Person] | None = None
    ) -> None:
        self.user = user
        self.people = people or {}
        self.editable: dict[int, bool] = {}
        self.enquiries: dict[int, list[S47Enquiry]] = defaultdict(list)
        for enquiry in S47Enquiry.objects.filter(person_id__in=person_ids).only("pk", "person_id", "start_date"):
            self.enquiries[enquiry.person_id].append(enquiry)
        self.conferences: dict[tuple[int, dt.date], int] = {}
        for person_id, day, pk in (
            ConferenceChild.objects.filter(person_id__in=person_ids)
            .exclude(conference__kind=ChildProtectionConference.Kind.REVIEW)
            .values_list("person_id", "conference__date", "conference_id")
        ):
            self.conferences[(person_id, day)] = pk
        self.plans: dict[int, list[ChildProtectionPlan]] = defaultdict(list)
        for plan in (
            ChildProtectionPlan.objects.filter(person_id__in=person_ids)
            .only("pk", "person_id", "start_date")
            .order_by("start_date")
        ):
            self.plans[plan.person_id].append(plan)

    def fix(self, person_id: int, table: str, column: str, value: str) -> Fix:
        field = field_label(column)
        where = TABLES.get(table, "the child's record")
        day = _day(value)
        url = reverse("cases:person_detail", args=[person_id])
        if table in _PERSON_EDIT:
            if self._may_edit(person_id):
                url = reverse("cases:person_edit", args=[person_id])
        elif table == "Section47":
            held = self.conferences.get((person_id, day)) if column == "DateOfInitialCPC" and day else None
            if held:
                url, where = reverse("macpt:conference", args=[held]), "the initial child protection conference"
            elif enquiry := self._enquiry(person_id, day if column == "S47ActualStartDate" else None):
                url = reverse("macpt:s47", args=[enquiry.pk])
        elif table in {"ChildProtectionPlans", "Reviews"}:
            if plan := self._plan(person_id, day if column == "CPPstartDate" else None):
                url = reverse("macpt:cp_plan", args=[plan.pk])
        elif table == "PreProceedings":
            url = reverse("macpt:pre_proceedings_for_child", args=[person_id])
        elif (
            table == "CINdetails" and column == "DateOfInitialCPC" and (held := self.conferences.get((person_id, day)))
        ):
            url, where = reverse("macpt:conference", args=[held]), "the initial child protection conference"
        return Fix(field=field, where=where, url=url)

    def _may_edit(self, person_id: int) -> bool:
        if person_id not in self.editable:
            person = self.people.get(person_id)
            self.editable[person_id] = bool(
                self.user is not None and person is not None and can_edit_person(self.user, person)
            )
        return self.editable[person_id]

    def _enquiry(self, person_id: int, day: dt.date | None) -> S47Enquiry | None:
        found = self.enquiries.get(person_id) or []
        exact = [e for e in found if day is not None and e.start_date == day]
        return (exact or found or [None])[-1]

    def _plan(self, person_id: int, day: dt.date | None) -> ChildProtectionPlan | None:
        found = self.plans.get(person_id) or []
        exact = [p for p in found if day is not None and p.start_date == day]
        return (exact or found or [None])[-1]
