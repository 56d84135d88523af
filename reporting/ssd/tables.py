"""The Standard Safeguarding Dataset's tables (issue 16 item 8), each read from the strands' records and streamed row by
row (.iterator()) as {SSD field: value}. A field this product never fills is declared in EMPTY with the reason, and
FIELDS_LEFT_EMPTY.md says the same to the reader (a test keeps the two in step).

Identifiers: a person is their LA child ID (ours, stable, never reused); every other row is the id of the record it
came from; a worker is the user's id (ssd_professionals), a team the team's id (ssd_department). A restricted child's
record appears by its ids and codes only: no name, no address, no NHS number or UPN."""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from cases.codes import codelist
from cases.models import (
    Address,
    CaseNote,
    CensusMeaning,
    CinPlanPeriod,
    CinReferral,
    EpisodeLead,
    EpisodeLevel,
    FamilyCaseMember,
    Involvement,
    LeadKind,
    Person,
    Relationship,
    RelationshipType,
    Team,
    User,
)
from family_help.models import AssessmentChild, AssessmentOutcome
from front_door.models import ContactChild, Decision
from macpt.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceKind,
    MeetingKind,
    PreProceedings,
    PreProceedingsMeeting,
    S47Enquiry,
    S47Outcome,
    StatutoryVisit,
)

from .fields import TABLES

CHUNK = 2000
Row = dict[str, object]


def yn(value: bool | None) -> str:
    if value is None:
        return ""
    return "Y" if value else "N"


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


@dataclass
class Context:
    people: QuerySet[Person]

    def __post_init__(self) -> None:
        self._ids: dict[int, str] | None = None
        self._restricted: set[int] | None = None
        self._teams: dict[int, int] | None = None

    def person(self, pk: int) -> str:
        if self._ids is None:
            self._ids = dict(self.people.values_list("pk", "la_child_id").iterator(chunk_size=CHUNK))
        return self._ids.get(pk, "")

    def restricted(self, pk: int) -> bool:
        if self._restricted is None:
            self._restricted = set(self.people.filter(restricted=True).values_list("pk", flat=True))
        return pk in self._restricted

    def team_of(self, user_id: int | None) -> int | None:
        """A worker's team: their first team by name."""
        if self._teams is None:
            self._teams = {}
            for user_id_, team_id in User.teams.through.objects.order_by("user_id", "team__name").values_list(
                "user_id", "team_id"
            ):
                self._teams.setdefault(user_id_, team_id)
        return self._teams.get(user_id) if user_id else None


def _labels(simple_type: str) -> dict[str, str]:
    return dict(codelist(simple_type))


# --- people ---------------------------------------------------------------------------------------------------------


def person(ctx: Context) -> Iterator[Row]:
    mothers = Relationship.objects.filter(from_person_id=OuterRef("pk"), type=RelationshipType.MOTHER)
    rows = (
        ctx.people.annotate(is_mother=Exists(mothers))
        .order_by("pk")
        .values(
            "pk",
            "first_name",
            "last_name",
            "sex",
            "gender_identity",
            "ethnicity",
            "date_of_birth",
            "nhs_number",
            "upn",
            "expected_date_of_birth",
            "date_of_death",
            "restricted",
            "is_mother",
            "la_child_id",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        hidden = r["restricted"]
        yield {
            "pers_person_id": r["la_child_id"],
            "pers_forename": "" if hidden else r["first_name"],
            "pers_surname": "" if hidden else r["last_name"],
            "pers_sex": r["sex"],
            "pers_gender": r["gender_identity"],
            "pers_ethnicity": r["ethnicity"],
            "pers_dob": r["date_of_birth"],
            "pers_common_child_id": "" if hidden else (r["nhs_number"] or ""),
            "pers_expected_dob": r["expected_date_of_birth"],
            "pers_death_date": r["date_of_death"],
            "pers_is_mother": yn(r["is_mother"]),
        }


def family(ctx: Context) -> Iterator[Row]:
    rows = (
        FamilyCaseMember.objects.filter(person__in=ctx.people)
        .order_by("family_case_id", "pk")
        .values_list("pk", "family_case_id", "person_id")
    )
    for pk, family_id, person_id in rows.iterator(chunk_size=CHUNK):
        yield {"fami_table_id": pk, "fami_family_id": family_id, "fami_person_id": ctx.person(person_id)}


def address(ctx: Context) -> Iterator[Row]:
    """Every address with its dates; a safe address (a refuge) says only that one is held, and a restricted
    child's addresses are left out."""
    rows = (
        Address.objects.filter(person__in=ctx.people.filter(restricted=False))
        .order_by("person_id", "start_date", "pk")
        .values("pk", "person_id", "line1", "line2", "town", "postcode", "start_date", "end_date", "safe_address")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        safe = r["safe_address"]
        yield {
            "addr_table_id": r["pk"],
            "addr_address_json": ""
            if safe
            else _json({"line1": r["line1"], "line2": r["line2"], "town": r["town"], "postcode": r["postcode"]}),
            "addr_person_id": ctx.person(r["person_id"]),
            "addr_address_type": "Safe address" if safe else "Home",
            "addr_address_start_date": r["start_date"],
            "addr_address_end_date": r["end_date"],
            "addr_address_postcode": "" if safe else r["postcode"],
        }


def disability(ctx: Context) -> Iterator[Row]:
    rows = ctx.people.exclude(disabilities=[]).order_by("pk").values_list("pk", "la_child_id", "disabilities")
    for pk, la_child_id, codes in rows.iterator(chunk_size=CHUNK):
        for code in codes:
            yield {"disa_person_id": la_child_id, "disa_table_id": f"{pk}-{code}", "disa_disability_code": code}


def linked_identifiers(ctx: Context) -> Iterator[Row]:
    rows = (
        ctx.people.filter(restricted=False)
        .filter(Q(nhs_number__isnull=False) | ~Q(upn=""))
        .order_by("pk")
        .values_list("pk", "la_child_id", "nhs_number", "upn")
    )
    for pk, la_child_id, nhs, upn in rows.iterator(chunk_size=CHUNK):
        for kind, value in (("NHS Number", nhs), ("Unique Pupil Number", upn)):
            if value:
                yield {
                    "link_table_id": f"{pk}-{'NHS' if kind == 'NHS Number' else 'UPN'}",
                    "link_person_id": la_child_id,
                    "link_identifier_type": kind,
                    "link_identifier_value": value,
                }


def mother(ctx: Context) -> Iterator[Row]:
    rows = (
        Relationship.objects.filter(type=RelationshipType.MOTHER, from_person__in=ctx.people, to_person__in=ctx.people)
        .order_by("pk")
        .values_list("pk", "from_person_id", "to_person_id", "to_person__date_of_birth")
    )
    for pk, mother_id, child_id, child_dob in rows.iterator(chunk_size=CHUNK):
        yield {
            "moth_table_id": pk,
            "moth_person_id": ctx.person(mother_id),
            "moth_childs_person_id": ctx.person(child_id),
            "moth_childs_dob": child_dob,
        }


# --- the front door and early help ------------------------------------------------------------------------------------


def contacts(ctx: Context) -> Iterator[Row]:
    sources = _labels("referralsourcetype")
    standing: dict[int, int] = {}
    decisions = (
        Decision.objects.filter(contact__children__person__in=ctx.people)
        .filter(Q(signoff_required=False) | Q(signoff__agreed=True))
        .order_by("contact_id", "decided_at", "pk")
        .values_list("contact_id", "outcome")
        .distinct()
    )
    for contact_id, outcome in decisions.iterator(chunk_size=CHUNK):
        standing[contact_id] = outcome  # the latest standing decision wins
    rows = (
        ContactChild.objects.filter(person__in=ctx.people)
        .order_by("contact__received_at", "pk")
        .values("pk", "person_id", "contact_id", "contact__reference", "contact__received_at", "contact__source_code")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        outcome = standing.get(r["contact_id"])
        code = r["contact__source_code"]
        yield {
            "cont_contact_id": f"{r['contact__reference']}-{r['pk']}",
            "cont_person_id": ctx.person(r["person_id"]),
            "cont_contact_date": r["contact__received_at"],
            "cont_contact_source_code": code,
            "cont_contact_source_desc": sources.get(code, ""),
            "cont_contact_outcome_json": _json({"outcome": outcome, "label": Decision.Outcome(outcome).label})
            if outcome
            else "",
        }


def early_help_episodes(ctx: Context) -> Iterator[Row]:
    """Each period a child's episode was at a targeted early help level, with the Family Help lead then."""
    fhlp = EpisodeLead.objects.filter(episode_id=OuterRef("episode_id"), kind=LeadKind.FHLP).order_by("-started_at")
    rows = (
        EpisodeLevel.objects.filter(episode__person__in=ctx.people, level__census_meaning=CensusMeaning.EARLY_HELP)
        .annotate(
            worker=Subquery(fhlp.values("user_id")[:1]), organisation=Subquery(fhlp.values("user__agency__name")[:1])
        )
        .order_by("started_at", "pk")
        .values(
            "pk",
            "episode__person_id",
            "started_at",
            "ended_at",
            "episode__closed_on",
            "episode__closure_reason",
            "worker",
            "organisation",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        ended = r["ended_at"]
        closed_here = (
            ended is not None and r["episode__closed_on"] is not None and ended.date() >= r["episode__closed_on"]
        )
        yield {
            "earl_episode_id": r["pk"],
            "earl_person_id": ctx.person(r["episode__person_id"]),
            "earl_episode_start_date": r["started_at"],
            "earl_episode_end_date": ended,
            "earl_episode_end_reason": r["episode__closure_reason"]
            if closed_here
            else ("Level changed" if ended else ""),
            "earl_episode_organisation": r["organisation"] or "",
            "earl_episode_worker_id": r["worker"] or "",
        }


# --- children in need ---------------------------------------------------------------------------------------------


def _referral_of(person_field: str, day_field: str) -> Subquery:
    """The child's referral open on a day (the latest that began by then), as a subquery."""
    return Subquery(
        CinReferral.objects.filter(person_id=OuterRef(person_field), referral_date__lte=OuterRef(day_field))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=OuterRef(day_field)))
        .order_by("-referral_date", "-pk")
        .values("pk")[:1]
    )


def cin_episodes(ctx: Context) -> Iterator[Row]:
    sources = _labels("referralsourcetype")
    need = (
        AssessmentChild.objects.filter(
            person_id=OuterRef("person_id"), assessment__started_on__gte=OuterRef("referral_date")
        )
        .exclude(primary_need="")
        .order_by("-assessment__started_on", "-pk")
    )
    rows = (
        CinReferral.objects.filter(person__in=ctx.people)
        .annotate(need=Subquery(need.values("primary_need")[:1]))
        .order_by("referral_date", "pk")
        .values(
            "pk",
            "person_id",
            "referral_date",
            "source_code",
            "nfa",
            "closure_reason",
            "closed_on",
            "opened_by_id",
            "need",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "cine_referral_id": r["pk"],
            "cine_person_id": ctx.person(r["person_id"]),
            "cine_referral_date": r["referral_date"],
            "cine_cin_primary_need_code": r["need"] or "",
            "cine_referral_source_code": r["source_code"],
            "cine_referral_source_desc": sources.get(r["source_code"], ""),
            "cine_referral_nfa": yn(r["nfa"]),
            "cine_close_reason": r["closure_reason"],
            "cine_close_date": r["closed_on"],
            "cine_referral_team": ctx.team_of(r["opened_by_id"]) or "",
            "cine_referral_worker_id": r["opened_by_id"] or "",
        }


def _statutory_assessments(ctx: Context) -> QuerySet:
    return (
        AssessmentChild.objects.filter(person__in=ctx.people)
        .annotate(referral=_referral_of("person_id", "assessment__started_on"))
        .filter(referral__isnull=False)
    )


def cin_assessments(ctx: Context) -> Iterator[Row]:
    seen = CaseNote.objects.filter(
        person_id=OuterRef("person_id"),
        status=CaseNote.Status.FINAL,
        child_seen=True,
        occurred_at__date__gte=OuterRef("assessment__started_on"),
    )
    rows = (
        _statutory_assessments(ctx)
        .annotate(seen=Exists(seen))
        .order_by("assessment__started_on", "pk")
        .values(
            "pk",
            "person_id",
            "referral",
            "seen",
            "assessment__started_on",
            "assessment__authorised_on",
            "assessment__outcome",
            "assessment__author_id",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        outcome = r["assessment__outcome"]
        yield {
            "cina_assessment_id": r["pk"],
            "cina_person_id": ctx.person(r["person_id"]),
            "cina_referral_id": r["referral"],
            "cina_assessment_start_date": r["assessment__started_on"],
            "cina_assessment_child_seen": yn(r["seen"]),
            "cina_assessment_auth_date": r["assessment__authorised_on"],
            "cina_assessment_outcome_json": _json({"outcome": outcome, "label": AssessmentOutcome(outcome).label})
            if outcome
            else "",
            "cina_assessment_outcome_nfa": yn(outcome == AssessmentOutcome.NO_FURTHER_ACTION) if outcome else "",
            "cina_assessment_team": ctx.team_of(r["assessment__author_id"]) or "",
            "cina_assessment_worker_id": r["assessment__author_id"],
        }


def assessment_factors(ctx: Context) -> Iterator[Row]:
    rows = _statutory_assessments(ctx).exclude(factors=[]).order_by("pk").values_list("pk", "factors")
    for pk, factors in rows.iterator(chunk_size=CHUNK):
        yield {"cinf_table_id": pk, "cinf_assessment_id": pk, "cinf_assessment_factors_json": _json(factors)}


def cin_plans(ctx: Context) -> Iterator[Row]:
    fhlp = EpisodeLead.objects.filter(episode_id=OuterRef("episode_id"), kind=LeadKind.FHLP).order_by("-started_at")
    rows = (
        CinPlanPeriod.objects.filter(episode__person__in=ctx.people)
        .annotate(
            referral=_referral_of("episode__person_id", "start_date"), worker=Subquery(fhlp.values("user_id")[:1])
        )
        .order_by("start_date", "pk")
        .values("pk", "episode__person_id", "referral", "start_date", "end_date", "worker")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "cinp_cin_plan_id": r["pk"],
            "cinp_referral_id": r["referral"] or "",
            "cinp_person_id": ctx.person(r["episode__person_id"]),
            "cinp_cin_plan_start_date": r["start_date"],
            "cinp_cin_plan_end_date": r["end_date"],
            "cinp_cin_plan_team": ctx.team_of(r["worker"]) or "",
            "cinp_cin_plan_worker_id": r["worker"] or "",
        }


def cin_visits(ctx: Context) -> Iterator[Row]:
    """Visits recorded as case notes (kind visit, final) to children in need: while a referral to children's social care
    was open."""
    in_need = CinReferral.objects.filter(
        person_id=OuterRef("person_id"), referral_date__lte=OuterRef("occurred_at__date")
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=OuterRef("occurred_at__date")))
    rows = (
        CaseNote.objects.filter(person__in=ctx.people, kind=CaseNote.Kind.VISIT, status=CaseNote.Status.FINAL)
        .filter(Exists(in_need))
        .order_by("occurred_at", "pk")
        .values("pk", "person_id", "occurred_at", "child_seen", "child_seen_alone")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "cinv_cin_visit_id": r["pk"],
            "cinv_person_id": ctx.person(r["person_id"]),
            "cinv_cin_visit_date": r["occurred_at"],
            "cinv_cin_visit_seen": yn(r["child_seen"]),
            "cinv_cin_visit_seen_alone": yn(r["child_seen_alone"]),
        }


# --- child protection ---------------------------------------------------------------------------------------------


def s47_enquiry(ctx: Context) -> Iterator[Row]:
    rows = (
        S47Enquiry.objects.filter(person__in=ctx.people)
        .annotate(referral=_referral_of("person_id", "start_date"))
        .order_by("start_date", "pk")
        .values(
            "pk", "person_id", "referral", "start_date", "ended_on", "outcome_date", "outcome", "lead_id", "team_id"
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        outcome = r["outcome"]
        yield {
            "s47e_s47_enquiry_id": r["pk"],
            "s47e_referral_id": r["referral"] or "",
            "s47e_person_id": ctx.person(r["person_id"]),
            "s47e_s47_start_date": r["start_date"],
            "s47e_s47_end_date": r["ended_on"] or r["outcome_date"],
            "s47e_s47_nfa": yn(outcome == S47Outcome.NOT_SUBSTANTIATED) if outcome else "",
            "s47e_s47_outcome_json": _json({"outcome": outcome, "label": S47Outcome(outcome).label}) if outcome else "",
            "s47e_s47_completed_by_worker_id": r["lead_id"],
            "s47e_s47_completed_by_team": r["team_id"],
        }


def _conference_rows(ctx: Context, *, initial: bool) -> QuerySet:
    qs = ConferenceChild.objects.filter(
        person__in=ctx.people, conference__status=ChildProtectionConference.Status.DECIDED
    )
    review = Q(conference__kind=ConferenceKind.REVIEW)
    return qs.exclude(review) if initial else qs.filter(review)


def initial_cp_conference(ctx: Context) -> Iterator[Row]:
    rows = (
        _conference_rows(ctx, initial=True)
        .annotate(referral=_referral_of("person_id", "conference__date"))
        .order_by("conference__date", "pk")
        .values(
            "pk",
            "person_id",
            "referral",
            "plan_id",
            "plan_decided",
            "category",
            "conference_id",
            "conference__kind",
            "conference__date",
            "conference__enquiry_id",
            "conference__enquiry__icpc_target",
            "conference__team_id",
            "conference__chair_id",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "icpc_icpc_id": r["pk"],
            "icpc_icpc_meeting_id": r["conference_id"],
            "icpc_s47_enquiry_id": r["conference__enquiry_id"] or "",
            "icpc_person_id": ctx.person(r["person_id"]),
            "icpc_cp_plan_id": r["plan_id"] if r["plan_decided"] else "",
            "icpc_referral_id": r["referral"] or "",
            "icpc_icpc_transfer_in": yn(r["conference__kind"] == ConferenceKind.TRANSFER_IN),
            "icpc_icpc_target_date": r["conference__enquiry__icpc_target"],
            "icpc_icpc_date": r["conference__date"],
            "icpc_icpc_outcome_cp_flag": yn(r["plan_decided"]),
            "icpc_icpc_outcome_json": _json({"plan": bool(r["plan_decided"]), "category": r["category"]}),
            "icpc_icpc_team": r["conference__team_id"] or "",
            "icpc_icpc_worker_id": r["conference__chair_id"] or "",
        }


def cp_plans(ctx: Context) -> Iterator[Row]:
    started_at = ConferenceChild.objects.filter(
        conference_id=OuterRef("conference_id"), person_id=OuterRef("person_id")
    )
    rows = (
        ChildProtectionPlan.objects.filter(person__in=ctx.people)
        .annotate(referral=_referral_of("person_id", "start_date"), icpc=Subquery(started_at.values("pk")[:1]))
        .order_by("start_date", "pk")
        .values(
            "pk",
            "person_id",
            "referral",
            "icpc",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "conference__kind",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "cppl_cp_plan_id": r["pk"],
            "cppl_referral_id": r["referral"] or "",
            "cppl_icpc_id": r["icpc"] or "",
            "cppl_person_id": ctx.person(r["person_id"]),
            "cppl_cp_plan_start_date": r["start_date"],
            "cppl_cp_plan_end_date": r["end_date"],
            "cppl_cp_plan_initial_category": r["initial_category"],
            "cppl_cp_plan_ola": yn(r["conference__kind"] == ConferenceKind.TRANSFER_IN),
            "cppl_cp_plan_latest_category": r["latest_category"],
        }


def cp_visits(ctx: Context) -> Iterator[Row]:
    rows = (
        StatutoryVisit.objects.filter(plan__person__in=ctx.people)
        .order_by("date", "pk")
        .values("pk", "plan__person_id", "plan_id", "date", "seen", "seen_alone")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "cppv_cp_visit_id": r["pk"],
            "cppv_person_id": ctx.person(r["plan__person_id"]),
            "cppv_cp_plan_id": r["plan_id"],
            "cppv_cp_visit_date": r["date"],
            "cppv_cp_visit_seen": yn(r["seen"]),
            "cppv_cp_visit_seen_alone": yn(r["seen_alone"]),
        }


def cp_reviews(ctx: Context) -> Iterator[Row]:
    rows = (
        _conference_rows(ctx, initial=False)
        .exclude(plan__isnull=True)
        .order_by("conference__date", "pk")
        .values("pk", "person_id", "plan_id", "conference_id", "conference__date", "plan_decided")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "cppr_cp_review_id": r["pk"],
            "cppr_person_id": ctx.person(r["person_id"]),
            "cppr_cp_plan_id": r["plan_id"],
            "cppr_cp_review_date": r["conference__date"],
            "cppr_cp_review_meeting_id": r["conference_id"],
            "cppr_cp_review_outcome_continue_cp": yn(r["plan_decided"]),
        }


def pre_proceedings(ctx: Context) -> Iterator[Row]:
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, started in (
        PreProceedings.objects.filter(person__in=ctx.people).values_list("person_id", "start_date").iterator()
    ):
        earlier[person_id].append(started)
    family_of = FamilyCaseMember.objects.filter(person_id=OuterRef("person_id")).order_by("-start_date", "-pk")
    rows = (
        PreProceedings.objects.filter(person__in=ctx.people)
        .annotate(
            initial=Subquery(
                PreProceedingsMeeting.objects.filter(
                    pre_proceedings_id=OuterRef("pk"), kind=MeetingKind.INITIAL
                ).values("held_on")[:1]
            ),
            reviews=Count("meetings", filter=Q(meetings__kind=MeetingKind.REVIEW)),
            family=Subquery(family_of.values("family_case_id")[:1]),
            cp_plans=Subquery(
                ChildProtectionPlan.objects.filter(person_id=OuterRef("person_id"))
                .order_by()
                .values("person_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .order_by("start_date", "pk")
        .values(
            "pk",
            "person_id",
            "family",
            "start_date",
            "initial",
            "outcome",
            "step_decision_date",
            "cp_plans",
            "lbp_sent_date",
            "letter_initiating_date",
            "reviews",
        )
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "prep_table_id": r["pk"],
            "prep_person_id": ctx.person(r["person_id"]),
            "prep_plo_family_id": r["family"] or "",
            "prep_pre_pro_decision_date": r["start_date"],
            "prep_initial_pre_pro_meeting_date": r["initial"],
            "prep_pre_pro_outcome": r["outcome"],
            "prep_agree_stepdown_issue_date": r["step_decision_date"],
            "prep_cp_plans_referral_period": r["cp_plans"] or 0,
            "prep_prev_pre_proc_child": sum(1 for d in earlier[r["person_id"]] if d < r["start_date"]),
            "prep_pre_pro_letter_date": r["lbp_sent_date"],
            "prep_care_pro_letter_date": r["letter_initiating_date"],
            "prep_pre_pro_meetings_num": r["reviews"],
        }


# --- who works with the children -------------------------------------------------------------------------------------


def involvements(ctx: Context) -> Iterator[Row]:
    rows = (
        Involvement.objects.filter(person__in=ctx.people, user__isnull=False)
        .order_by("start_date", "pk")
        .values("pk", "user_id", "role", "team_id", "start_date", "end_date", "person_id")
    )
    roles = dict(Involvement.Role.choices)
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "invo_involvements_id": r["pk"],
            "invo_professional_id": r["user_id"],
            "invo_professional_role_id": roles.get(r["role"], r["role"]),
            "invo_professional_team": r["team_id"] or ctx.team_of(r["user_id"]) or "",
            "invo_involvement_start_date": r["start_date"],
            "invo_involvement_end_date": r["end_date"],
            "invo_person_id": ctx.person(r["person_id"]),
        }


def professionals(ctx: Context) -> Iterator[Row]:
    """Every practitioner of the council's own services and partners who holds or held a lead, an involvement or a
    referral in the extract; caseload: the children they lead now."""
    caseload = (
        EpisodeLead.objects.filter(user_id=OuterRef("pk"), ended_at__isnull=True, episode__closed_on__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    first_team = Team.objects.filter(members=OuterRef("pk")).order_by("name")
    rows = (
        User.objects.annotate(caseload=Subquery(caseload), department=Subquery(first_team.values("name")[:1]))
        .order_by("pk")
        .values("pk", "full_name", "job_title", "caseload", "department")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "prof_professional_id": r["pk"],
            "prof_staff_id": r["pk"],
            "prof_professional_name": r["full_name"],
            "prof_professional_job_title": r["job_title"],
            "prof_professional_caseload": r["caseload"] or 0,
            "prof_professional_department": r["department"] or "",
        }


def department(ctx: Context) -> Iterator[Row]:
    rows = Team.objects.order_by("pk").values_list("pk", "name", "agency__name")
    for pk, name, agency in rows.iterator(chunk_size=CHUNK):
        yield {"dept_team_id": pk, "dept_team_name": name, "dept_team_parent_name": agency}


READERS: dict[str, Callable[[Context], Iterator[Row]]] = {
    "ssd_person": person,
    "ssd_family": family,
    "ssd_address": address,
    "ssd_disability": disability,
    "ssd_linked_identifiers": linked_identifiers,
    "ssd_mother": mother,
    "ssd_contacts": contacts,
    "ssd_early_help_episodes": early_help_episodes,
    "ssd_cin_episodes": cin_episodes,
    "ssd_cin_assessments": cin_assessments,
    "ssd_assessment_factors": assessment_factors,
    "ssd_cin_plans": cin_plans,
    "ssd_cin_visits": cin_visits,
    "ssd_s47_enquiry": s47_enquiry,
    "ssd_initial_cp_conference": initial_cp_conference,
    "ssd_cp_plans": cp_plans,
    "ssd_cp_visits": cp_visits,
    "ssd_cp_reviews": cp_reviews,
    "ssd_pre_proceedings": pre_proceedings,
    "ssd_involvements": involvements,
    "ssd_professionals": professionals,
    "ssd_department": department,
}

# The fields no record of this product holds, and why (FIELDS_LEFT_EMPTY.md says the same).
EMPTY: dict[str, dict[str, str]] = {
    "ssd_person": {
        "pers_legacy_id": "No earlier system: the LA child ID is the only person id.",
        "pers_upn_unknown": "The reason a UPN is unknown (UN1-UN7) is not recorded; the UPN itself is, when known.",
        "pers_send_flag": "Special educational needs are not recorded (education's system holds them).",
        "pers_nationality": "Country of origin is not recorded (asked of unaccompanied children, who are looked "
        "after: out of scope).",
    },
    "ssd_early_help_episodes": {
        "earl_episode_reason": "The reason is free text on the episode (it may name people), not a code.",
    },
    "ssd_cin_episodes": {
        "cine_referral_outcome_json": "A referral's outcome is its assessment's (ssd_cin_assessments) or its NFA flag; "
        "no separate outcome is recorded.",
    },
    "ssd_cin_visits": {"cinv_cin_visit_bedroom": "Whether the child's bedroom was seen is not recorded."},
    "ssd_cp_visits": {"cppv_cp_visit_bedroom": "Whether the child's bedroom was seen is not recorded."},
    "ssd_cp_reviews": {
        "cppr_cp_review_due": "A review conference's due date is not stored (it is worked out from the plan's dates).",
        "cppr_cp_review_quorate": "Quoracy is not recorded.",
        "cppr_cp_review_participation": "The child's participation is not recorded as a code.",
    },
    "ssd_pre_proceedings": {
        "prep_legal_gateway_outcome": "The legal gateway panel is not recorded (the start is the legal planning "
        "meeting's decision).",
        "prep_prev_care_proc_child": "Care proceedings are not recorded (the court's and legal services' systems).",
        "prep_pre_pro_parents_legal_rep": "Parents' legal representation is not recorded.",
        "prep_parents_legal_rep_point_of_issue": "Parents' legal representation is not recorded.",
        "prep_court_reference": "Care proceedings are not recorded.",
        "prep_care_proc_court_hearings": "Care proceedings are not recorded.",
        "prep_care_proc_short_notice": "Care proceedings are not recorded.",
        "prep_proc_short_notice_reason": "Care proceedings are not recorded.",
        "prep_la_inital_plan_approved": "Care proceedings are not recorded.",
        "prep_la_initial_care_plan": "Care proceedings are not recorded.",
        "prep_la_final_plan_approved": "Care proceedings are not recorded.",
        "prep_la_final_care_plan": "Care proceedings are not recorded.",
    },
    "ssd_involvements": {
        "invo_worker_change_reason": "Why a worker changed is free text on the allocation, not a code.",
        "invo_referral_id": "Involvements belong to the child, not to one referral.",
    },
    "ssd_linked_identifiers": {
        "link_valid_from_date": "When an identifier became known is not recorded.",
        "link_valid_to_date": "When an identifier ceased is not recorded.",
    },
    "ssd_professionals": {
        "prof_social_worker_registration_no": "Social Work England registration numbers are not recorded.",
        "prof_full_time_equivalency": "Hours are kept in the workforce history for the FFP return, not on the user.",
        "prof_agency_worker_flag": "Whether a worker is employed through an agency is not recorded.",
    },
    "ssd_department": {"dept_team_parent_id": "Teams are not nested: the parent is the agency, named."},
}


def check_declared() -> None:
    """Every table's fields are the SSD's (fields.TABLES), and every empty field is one of them."""
    for table, empty in EMPTY.items():
        names = {name for name, _ in TABLES[table]}
        unknown = set(empty) - names
        if unknown:
            raise AssertionError(f"{table}: {sorted(unknown)} are not SSD fields")
