"""B4: field level and mass assignment, over every serializer and every write of the API.

Part 1, the fields a response may carry. ALLOWED below is the table of what each of the API's serializers may emit
(or, for an input, take): every serializer class of the API's modules, found by walking the subclasses of DRF's
BaseSerializer once the URL resolver has imported every API view, must have its row, and its fields must be exactly
that row (a new field, or a new serializer without a row, fails until someone adds it here and so decides it may go
out). No serializer may carry an internal field (a password or token hash, session data, a second factor, the audit's
internals, a restriction's reason: FORBIDDEN). The fields that carry an information tag's content (TAGGED) go out only
through the tag-aware selectors: the real responses of every GET operation of the API, about the children of the
permission matrix's world (tests/matrix_world.py) each stands to as lead, team around the family, referrer or
nobody (ASKED), as a police officer, a council social worker (the LCPP), a charity's Family Help lead (who reads no
police, health, third-party or safe-address item of that world) and a school's safeguarding lead (a partner
referrer), must carry only keys the operation's documented response declares
(drf-spectacular's schema, made from the same serializers: the schema does not forbid extra keys, so schemathesis
would not notice one), a referrer gets the referrer's shape of a contact, and no canary word of an item whose tag
does not admit the reader (tests/oracle.py decides) appears anywhere in what they are sent.

Part 2, mass assignment. For every write operation of the API (POST, PUT and PATCH in the schema: 70 today), a user
of the world who may make it and an object it applies to are found (a probe whose only key is unknown must be
answered 400 naming it: the request reached the input's validation), then hypothesis sends payloads built from the
operation's documented request body (valid-ish values of each field's type) plus extra keys drawn from the names an
attacker would try (team, owner, status, restricted, created_by, id, person, child, agency, is_staff, is_superuser,
lead, tags, information_tag) and random names, with random values, at the top level or inside a nested object.
Every answer must be a 400 naming each extra key, and nothing may be written: PostgreSQL's own count of the rows
this transaction inserted, updated or deleted (pg_stat_xact_user_tables) must not move during the request, and the
rows the endpoint could touch (the objects its path names) and every table's row count must be the same after the
operation's examples as before.

Sizing: B4_EXAMPLES examples per write operation, deterministic (derandomize) as the project's other hypothesis
tests. The default, 8, sends 560 payloads (and part 1 333 GETs): the file runs in 32 s on one core. The battery's
1,000 per operation is a run by hand (`B4_EXAMPLES=1000 pytest tests/test_field_level.py -k extra_keys`): 70,000
payloads, measured at about 31 minutes on two cores shared with other runs (10-70 s an operation), 0 refused wrongly,
0 rows written.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

from cases.api.inputs import NOT_A_FIELD, InputSerializer
from cases.demo import planning
from tests import oracle
from tests.matrix_world import World, build_world

pytestmark = pytest.mark.django_db

B4_EXAMPLES = int(os.environ.get("B4_EXAMPLES", "8"))
API_MODULES = ("cases.api", "front_door.api", "family_help.api", "macpt.api", "fgdm.api")

# ======================================================================================================
# Part 1: the table of fields
# ======================================================================================================

# Every serializer of the API, and the fields it emits (an output) or takes (an input, a query), in order.
ALLOWED: dict[str, str] = {
    "cases.api.concurrency.ConflictOutputSerializer": "detail current",
    "cases.api.concurrency.PreconditionFailedOutputSerializer": "detail current_version current",
    "cases.api.inputs.InputSerializer": "",
    "cases.api.plans.PlanActionInputSerializer": (
        "description owner_id outcome_id due_on status progress not_for_family"
    ),
    "cases.api.plans.PlanActionOutputSerializer": (
        "id description owner_id owner_name owner_agency outcome_id due_on status progress not_for_family "
        "completed_on version"
    ),
    "cases.api.plans.PlanActionPatchInputSerializer": (
        "description owner_id outcome_id due_on status progress not_for_family"
    ),
    "cases.api.plans.PlanInputSerializer": "worries working_well family_views professional_notes next_review_on",
    "cases.api.plans.PlanOutcomeInputSerializer": (
        "child_id what_will_be_different measure scale_max baseline target current not_for_family"
    ),
    "cases.api.plans.PlanOutcomeOutputSerializer": (
        "id child_id child_name what_will_be_different measure scale_max baseline target current not_for_family "
        "achieved_on ratings"
    ),
    "cases.api.plans.PlanOutcomePatchInputSerializer": (
        "what_will_be_different measure scale_max baseline target current not_for_family"
    ),
    "cases.api.plans.PlanOutputSerializer": (
        "id family_case_id status worries working_well family_views professional_notes next_review_on created_at "
        "version outcomes actions team versions"
    ),
    "cases.api.plans.PlanRatingOutputSerializer": "rating rated_on version",
    "cases.api.plans.PlanReviewInputSerializer": "held_on attendees summary family_views next_review_on ratings",
    "cases.api.plans.PlanReviewOutputSerializer": "id held_on attendees summary family_views next_review_on version",
    "cases.api.plans.PlanVersionOutputSerializer": "number created_at created_by reason snapshot",
    "cases.api.plans.PlanVersionSummaryOutputSerializer": "number created_at created_by reason",
    "cases.api.plans.TafInputSerializer": "user_id role",
    "cases.api.plans.TafMemberOutputSerializer": "id user_id name email agency role added_at",
    "cases.api.serializers.AddressInputSerializer": "line1 line2 town postcode safe_address",
    "cases.api.serializers.AddressOutputSerializer": (
        "safe_address withheld line1 line2 town postcode start_date end_date current"
    ),
    "cases.api.serializers.ChronologyEntryOutputSerializer": (
        "id occurred_at strand strand_display kind summary significant tags author source_agency link"
    ),
    "cases.api.serializers.ChronologyQuerySerializer": "strand significant from to",
    "cases.api.serializers.DetailOutputSerializer": "detail",
    "cases.api.serializers.DuplicatesConflictOutputSerializer": "detail duplicates",
    "cases.api.serializers.DuplicatesOutputSerializer": "duplicates",
    "cases.api.serializers.EpisodeOutputSerializer": (
        "id opened_on family_case_id level_code level_name level_since leads"
    ),
    "cases.api.serializers.InvolvementOutputSerializer": (
        "role role_display practitioner team agency start_date end_date active"
    ),
    "cases.api.serializers.LeadOutputSerializer": "kind kind_display name agency since",
    "cases.api.serializers.OtherNameOutputSerializer": "kind first_name last_name used_until",
    "cases.api.serializers.PersonCreateInputSerializer": (
        "first_name middle_names last_name preferred_name date_of_birth expected_date_of_birth date_of_death sex "
        "gender_identity ethnicity disabilities first_language interpreter_needed nhs_number upn address "
        "duplicates_reviewed"
    ),
    "cases.api.serializers.PersonDetailOutputSerializer": (
        "id url la_child_id nhs_number upn first_name middle_names last_name preferred_name full_name "
        "date_of_birth expected_date_of_birth date_of_death sex gender_identity ethnicity disabilities "
        "first_language interpreter_needed restricted version other_names addresses current_episode involvements "
        "relationships_url chronology_url can_edit created_at updated_at"
    ),
    "cases.api.serializers.PersonDuplicatesInputSerializer": (
        "first_name middle_names last_name preferred_name date_of_birth expected_date_of_birth date_of_death sex "
        "gender_identity ethnicity disabilities first_language interpreter_needed nhs_number upn address"
    ),
    "cases.api.serializers.PersonFieldsInputSerializer": (
        "first_name middle_names last_name preferred_name date_of_birth expected_date_of_birth date_of_death sex "
        "gender_identity ethnicity disabilities first_language interpreter_needed nhs_number upn"
    ),
    "cases.api.serializers.PersonListOutputSerializer": (
        "id la_child_id first_name last_name preferred_name date_of_birth expected_date_of_birth sex restricted url"
    ),
    "cases.api.serializers.PersonMatchOutputSerializer": (
        "id la_child_id name date_of_birth score reasons likely_duplicates url"
    ),
    "cases.api.serializers.PersonSearchQuerySerializer": "name date_of_birth dob_range_days nhs_number postcode",
    "cases.api.serializers.PersonUpdateInputSerializer": (
        "first_name middle_names last_name preferred_name date_of_birth expected_date_of_birth date_of_death sex "
        "gender_identity ethnicity disabilities first_language interpreter_needed nhs_number upn"
    ),
    "cases.api.serializers.RelatedPersonOutputSerializer": "id la_child_id name date_of_birth url",
    "cases.api.serializers.RelationshipCreateInputSerializer": (
        "other_person_id type direction parental_responsibility start_date"
    ),
    "cases.api.serializers.RelationshipOutputSerializer": (
        "relationship_id person relationship parental_responsibility current"
    ),
    "cases.api.serializers.RestrictedMatchOutputSerializer": "restricted",
    "cases.api.serializers.SearchResultsOutputSerializer": "results",
    "family_help.api.allocation.AllocateInputSerializer": "lead reason",
    "family_help.api.allocation.AllocationOutputSerializer": (
        "id family_case_id family_name lead allocated_by started_at ended_at reason work_request_id letter_sent_at"
    ),
    "family_help.api.allocation.AllocationRequestOutputSerializer": (
        "id child_id child_name family_case_id family_name level summary urgent status requested_at etag"
    ),
    "family_help.api.allocation.ChangeLeadInputSerializer": "lead reason",
    "family_help.api.allocation.FamilyChildOutputSerializer": "id name date_of_birth",
    "family_help.api.allocation.FamilyDueOutputSerializer": "label due_on overdue note",
    "family_help.api.allocation.LeadPractitionerOutputSerializer": "id name email agency agency_type qualification",
    "family_help.api.allocation.MyActionOutputSerializer": "id description due_on status overdue",
    "family_help.api.allocation.MyFamilyOutputSerializer": (
        "family_case_id family_name role lead children next_visit next_review actions assessments overdue_count"
    ),
    "family_help.api.assessment.AssessmentOutputSerializer": (
        "id family_case_id status version referral_date started_on due_on author domestic_abuse substance_misuse "
        "mental_health housing income other_needs strengths risks analysis outcome submitted_at authorised_on "
        "authorised_by returned_reason last_saved_at timescale children url"
    ),
    "family_help.api.assessment.AuthoriseInputSerializer": "authorised_on",
    "family_help.api.assessment.DraftInputSerializer": (
        "domestic_abuse substance_misuse mental_health housing income other_needs strengths risks analysis outcome "
        "children"
    ),
    "family_help.api.assessment.ReturnInputSerializer": "reason",
    "family_help.api.assessment.SectionInputSerializer": (
        "id child_voice voice_not_gathered_reason needs factors primary_need"
    ),
    "family_help.api.assessment.SectionOutputSerializer": (
        "id person_id child_name child_voice voice_not_gathered_reason needs factors primary_need"
    ),
    "family_help.api.assessment.StartInputSerializer": "referral_date",
    "family_help.api.assessment.SubmitInputSerializer": "",
    "family_help.api.assessment.TimescaleOutputSerializer": "due_on working_days_left rag text",
    "family_help.api.continuum.ChangeLevelInputSerializer": (
        "children to reason changed_on referral_source reason_code"
    ),
    "family_help.api.continuum.ChildContinuumOutputSerializer": (
        "person_id name episode_id level history cin_plan_periods closed_on closure_reason"
    ),
    "family_help.api.continuum.CinPlanPeriodOutputSerializer": "start_date end_date",
    "family_help.api.continuum.CloseInputSerializer": "children reason_code summary closed_on",
    "family_help.api.continuum.ContinuumOutputSerializer": "family_case_id state children work_requests",
    "family_help.api.continuum.LevelStepOutputSerializer": (
        "level level_name census_meaning started_at ended_at reason"
    ),
    "family_help.api.continuum.StepDownInputSerializer": "children to reason changed_on reason_code summary",
    "family_help.api.continuum.StepUpInputSerializer": "children worry reason urgent referral_source",
    "family_help.api.continuum.SupervisionActionSerializer": "id description owner_id due_on done_on",
    "family_help.api.continuum.SupervisionInputSerializer": (
        "practitioner_id family_case_id held_on reflection decisions next_due_on actions"
    ),
    "family_help.api.continuum.SupervisionListQuerySerializer": "practitioner_id",
    "family_help.api.continuum.SupervisionOutputSerializer": (
        "id practitioner_id practitioner_name supervisor_id family_case_id held_on reflection decisions "
        "next_due_on actions"
    ),
    "family_help.api.continuum.WorkRequestOutputSerializer": "id kind status person_id episode_id urgent summary",
    "family_help.api.continuum._ChildrenInput": "children",
    "fgdm.api.base.FgdmPersonRefOutputSerializer": "id name",
    "fgdm.api.base.FgdmUserRefOutputSerializer": "id name",
    "fgdm.api.meetings.FgdmAgreementInputSerializer": "plan_agreed keeps_child_safe not_safe_reason review_date",
    "fgdm.api.meetings.FgdmAttendeeInputSerializer": "person user name agency",
    "fgdm.api.meetings.FgdmAttendeeOutputSerializer": "id kind person user agency name",
    "fgdm.api.meetings.FgdmInformationInputSerializer": "shared_by text tags shared_at",
    "fgdm.api.meetings.FgdmMeetingOutputSerializer": (
        "id referral_id meeting_type children held_on private_time_start private_time_end family_plan_id "
        "plan_agreed keeps_child_safe not_safe_reason review_date recorded_by attendees information plan_items "
        "support reviews"
    ),
    "fgdm.api.meetings.FgdmMeetingRecordInputSerializer": (
        "held_on private_time_start private_time_end family professionals"
    ),
    "fgdm.api.meetings.FgdmPlanItemInputSerializer": "what who when contingency not_for_family",
    "fgdm.api.meetings.FgdmPlanItemOutputSerializer": "id what who when contingency not_for_family order",
    "fgdm.api.meetings.FgdmReviewInputSerializer": "held_on outcome notes family_views next_review_date",
    "fgdm.api.meetings.FgdmReviewOutputSerializer": (
        "id held_on outcome outcome_label notes family_views next_review_date recorded_by"
    ),
    "fgdm.api.meetings.FgdmSharedInformationOutputSerializer": (
        "id shared_by_id shared_at agency author text tags recorded_at"
    ),
    "fgdm.api.meetings.FgdmSupportInputSerializer": "kind description family_network_support_package cost",
    "fgdm.api.meetings.FgdmSupportOutputSerializer": "id kind description family_network_support_package cost agreed",
    "fgdm.api.offers.FgdmOfferMakeInputSerializer": (
        "decision_point source source_id children recipients offered_on not_offered_rationale work_request"
    ),
    "fgdm.api.offers.FgdmOfferOutputSerializer": (
        "id decision_point decision_point_label source_type source_id family_case_id children recipients "
        "offered_on offered_by response responded_on responded_by decline_reason not_offered_rationale "
        "work_request_id referral_id"
    ),
    "fgdm.api.offers.FgdmOfferRespondInputSerializer": "response responded_on reason",
    "fgdm.api.referrals.FgdmAllocationInputSerializer": "facilitator",
    "fgdm.api.referrals.FgdmCloseInputSerializer": "reason",
    "fgdm.api.referrals.FgdmCoDesignInputSerializer": (
        "venue language interpreter_needed interpreter_language family_wants_there family_does_not_want_there"
    ),
    "fgdm.api.referrals.FgdmInviteeInputSerializer": "person invited not_invited_reason",
    "fgdm.api.referrals.FgdmNetworkInviteeOutputSerializer": "id person relationship invited not_invited_reason",
    "fgdm.api.referrals.FgdmNetworkMemberInputSerializer": (
        "first_name last_name date_of_birth type parental_responsibility children"
    ),
    "fgdm.api.referrals.FgdmPreparationStepOutputSerializer": (
        "id kind kind_label date person notes child_wishes child_taking_part recorded_by"
    ),
    "fgdm.api.referrals.FgdmReferralCreateInputSerializer": "meeting_type reason",
    "fgdm.api.referrals.FgdmReferralOutputSerializer": (
        "id offer_id children meeting_type referred_on status facilitator allocated_on referred_by reason "
        "allocated_by work_request_id closed_on closed_reason venue language interpreter_needed "
        "interpreter_language family_wants_there family_does_not_want_there steps network meeting_ids"
    ),
    "fgdm.api.referrals.FgdmReferralSummaryOutputSerializer": (
        "id offer_id children meeting_type referred_on status facilitator allocated_on"
    ),
    "fgdm.api.referrals.FgdmStepInputSerializer": "kind date person notes child_wishes child_taking_part",
    "front_door.api.serializers.ChildInputSerializer": (
        "person_id first_name last_name date_of_birth nhs_number address postcode description"
    ),
    "front_door.api.serializers.ChildOutputSerializer": (
        "first_name last_name date_of_birth nhs_number address postcode description"
    ),
    "front_door.api.serializers.ContactCreateInputSerializer": (
        "received_at channel referrer_name referrer_role referrer_agency_id referrer_phone referrer_email "
        "source_code worry categories urgent consent consent_override_reason children household"
    ),
    "front_door.api.serializers.ContactListQuerySerializer": "status urgent open",
    "front_door.api.serializers.ContactOutputSerializer": (
        "id reference status received_at decision_due_at rag urgent children outcome"
    ),
    "front_door.api.serializers.DecisionInputSerializer": (
        "outcome level rationale advice urgent_services change_reason"
    ),
    "front_door.api.serializers.DecisionOutputSerializer": (
        "id outcome level decided_at signoff_required is_referral supersedes contact_status"
    ),
    "front_door.api.serializers.HouseholdInputSerializer": "relationship first_name last_name date_of_birth",
    "front_door.api.serializers.InformationRequestInputSerializer": "agency_id question due_at",
    "front_door.api.serializers.InformationRequestListQuerySerializer": "status",
    "front_door.api.serializers.InformationRequestOutputSerializer": (
        "id contact_id contact_reference agency_id agency children question status requested_at due_at response "
        "responded_at"
    ),
    "front_door.api.serializers.OutcomeOutputSerializer": "code label plain_words",
    "front_door.api.serializers.ReferrerOutcomeOutputSerializer": "plain_words",
    "front_door.api.serializers.RequestChildOutputSerializer": (
        "name date_of_birth address nhs_number description restricted"
    ),
    "front_door.api.serializers.ResponseInputSerializer": "response shared lawful_basis reason",
    "front_door.api.serializers.StaffChildOutputSerializer": (
        "first_name last_name date_of_birth nhs_number address postcode description person_id restricted"
    ),
    "front_door.api.serializers.StaffContactOutputSerializer": (
        "id reference status received_at decision_due_at rag urgent children outcome channel source_code worry "
        "categories consent consent_override_reason referrer_name referrer_role referrer_agency_id "
        "no_identifiable_child assigned_to breached"
    ),
    "macpt.api.records.ConferenceArrangeInputSerializer": (
        "kind date children chair independent_chair_name enquiry expected_birth_date transferring_council "
        "previous_plans_elsewhere"
    ),
    "macpt.api.records.ConferenceAttendanceInputSerializer": "attendance",
    "macpt.api.records.ConferenceAttendanceItemInputSerializer": "invitee attendance",
    "macpt.api.records.ConferenceChildDecisionInputSerializer": (
        "person plan category reason end_reason step_down_to reason_code"
    ),
    "macpt.api.records.ConferenceChildOutputSerializer": "person_id name plan_id plan_decided category reason",
    "macpt.api.records.ConferenceDecisionInputSerializer": "decisions",
    "macpt.api.records.ConferenceInviteeInputSerializer": "person user agency name role",
    "macpt.api.records.ConferenceMinutesInputSerializer": "family_views minutes minutes_not_for_family",
    "macpt.api.records.ConferenceOutputSerializer": (
        "id kind status date family_case_id chair team enquiry_id expected_birth_date transferring_council "
        "previous_plans_elsewhere family_views minutes minutes_not_for_family decided_at children invitees reports"
    ),
    "macpt.api.records.ConferenceReportInputSerializer": "text tags",
    "macpt.api.records.CoreGroupInputSerializer": "date attendees apologies summary actions",
    "macpt.api.records.CoreGroupOutputSerializer": "id date attendees apologies summary action_ids",
    "macpt.api.records.CpPlanOutputSerializer": (
        "id person_id child_name family_plan_id conference_id start_date initial_category latest_category end_date "
        "end_reason number_of_previous_plans core_groups visits review_conferences"
    ),
    "macpt.api.records.DatedOutputSerializer": "id date",
    "macpt.api.records.EmergencyActionEndInputSerializer": "ended_at outcome outcome_detail",
    "macpt.api.records.EmergencyActionOutputSerializer": (
        "id person_id child_name kind started_at by reason epo_extended ended_at outcome outcome_detail work_request_id"
    ),
    "macpt.api.records.EmergencyActionRecordInputSerializer": (
        "kind started_at by reason epo_extended ended_at outcome outcome_detail work_request"
    ),
    "macpt.api.records.InviteeOutputSerializer": "id name role person_id agency user_id attendance",
    "macpt.api.records.KinshipAssessmentInputSerializer": (
        "kind carer carer_name relationship started_on completed_on outcome"
    ),
    "macpt.api.records.KinshipOutputSerializer": (
        "id kind carer_id carer_name relationship started_on completed_on outcome"
    ),
    "macpt.api.records.MeetingOutputSerializer": "id kind held_on",
    "macpt.api.records.PlanEndInputSerializer": "end_reason end_date details",
    "macpt.api.records.PreProceedingsMeetingInputSerializer": "kind held_on notes",
    "macpt.api.records.PreProceedingsOutputSerializer": (
        "id person_id child_name start_date lbp_sent_date fgdm_offered fgdm_facilitated fgdm_offer_url "
        "step_decision_date outcome court_application_date letter_initiating_date meetings kinship_assessments"
    ),
    "macpt.api.records.PreProceedingsStartInputSerializer": "start_date",
    "macpt.api.records.PreProceedingsUpdateInputSerializer": (
        "start_date lbp_sent_date step_decision_date outcome court_application_date letter_initiating_date version"
    ),
    "macpt.api.records.ReportOutputSerializer": "id agency author text tags",
    "macpt.api.records.VisitInputSerializer": "date seen seen_alone notes",
    "macpt.api.records.VisitOutputSerializer": "id date seen seen_alone by",
    "macpt.api.strategy.AbsenceInputSerializer": "police_reason health_reason",
    "macpt.api.strategy.AgencyOutputSerializer": "id name type",
    "macpt.api.strategy.AttendeeInputSerializer": "agency user name attendance",
    "macpt.api.strategy.AttendeeOutputSerializer": "id agency user_id name attendance",
    "macpt.api.strategy.ChildRecordOutputSerializer": (
        "person_id name strategy_discussions s47_enquiries conferences plans pre_proceedings emergency_actions"
    ),
    "macpt.api.strategy.ChildSeenInputSerializer": "seen_on",
    "macpt.api.strategy.DiscussionOutputSerializer": (
        "id reference team team_id held_at form chair work_request_id reason police_absence_reason "
        "health_absence_reason record_shared_at missing children attendees information"
    ),
    "macpt.api.strategy.DiscussionStartInputSerializer": "team children held_at form reason",
    "macpt.api.strategy.DiscussionSummaryOutputSerializer": "id held_at form team chair record_shared_at",
    "macpt.api.strategy.EmergencyRefOutputSerializer": "id kind started_at ended_at",
    "macpt.api.strategy.EnquiryOutputSerializer": (
        "id reference person_id child_name team started_at_discussion_id start_date lead joint_with_police "
        "child_seen_on outcome outcome_date outcome_reason icpc_target ended_on information"
    ),
    "macpt.api.strategy.EnquiryRefOutputSerializer": (
        "id start_date joint_with_police outcome outcome_date icpc_target ended_on"
    ),
    "macpt.api.strategy.InformationInputSerializer": "text person tags",
    "macpt.api.strategy.InformationOutputSerializer": "id agency person_id text tags author recorded_at",
    "macpt.api.strategy.NoInputSerializer": "",
    "macpt.api.strategy.OutcomeInputSerializer": "outcome outcome_date reason",
    "macpt.api.strategy.PersonRefOutputSerializer": "id name",
    "macpt.api.strategy.PlanRefOutputSerializer": "id start_date latest_category end_date",
    "macpt.api.strategy.PreProceedingsRefOutputSerializer": "id start_date step_decision_date outcome",
    "macpt.api.strategy.RecordRefOutputSerializer": "id kind date",
    "macpt.api.strategy.S47InformationInputSerializer": "text tags",
    "macpt.api.strategy.StrategyChildOutputSerializer": (
        "id person_id name decision next_step reason decided_at enquiry_id"
    ),
    "macpt.api.strategy.StrategyDecisionInputSerializer": "decision next_step reason lead",
    "macpt.api.strategy.TextInputSerializer": "text",
}
N_SERIALIZERS = 173
# The serializers no operation names: the bases the others extend.
BASES = {
    "cases.api.inputs.InputSerializer",
    "cases.api.serializers.PersonFieldsInputSerializer",
    "family_help.api.continuum._ChildrenInput",
    # The bodies of writes that take none (sharing a strategy discussion's record, submitting an assessment): the
    # schema documents no body, and any key sent is refused by name (part 2 sends them).
    "macpt.api.strategy.NoInputSerializer",
    "family_help.api.assessment.SubmitInputSerializer",
}
# Query-string serializers: they take the parameters of a GET, and emit nothing.
QUERIES = {
    "cases.api.serializers.ChronologyQuerySerializer",
    "cases.api.serializers.PersonSearchQuerySerializer",
    "family_help.api.continuum.SupervisionListQuerySerializer",
    "front_door.api.serializers.ContactListQuerySerializer",
    "front_door.api.serializers.InformationRequestListQuerySerializer",
}
# The serializers that emit an item carrying an information tag (its text and its tags), or an address that may be
# a safe one: their rows come only from the selectors that apply cases.policy's tag rules (tag_filter,
# safe_address_filter), which the canaries of part 1's responses check.
TAGGED = {
    "cases.api.serializers.ChronologyEntryOutputSerializer": "tags",
    "cases.api.serializers.AddressOutputSerializer": "safe_address",
    "macpt.api.strategy.InformationOutputSerializer": "tags",
    "macpt.api.records.ReportOutputSerializer": "tags",
    "fgdm.api.meetings.FgdmSharedInformationOutputSerializer": "tags",
}
TAG_FIELDS = {"tags", "visibility_tags", "safe_address", "information_tags"}
# Never a field of any serializer, by name or by source: a password or its hash, a token or its hash, a secret or a
# key, session data, a second factor's device, the audit's internals, who may see a restricted record and why,
# Django's staff flags and permissions.
FORBIDDEN = re.compile(
    r"(^|_|\.)(password|passwd|token|token_hash|hash|secret|key_hash|session|session_key|session_data|otp|totp|"
    r"device|bin_key|mfa|ip_address|user_agent|audit|access_event|access_events|restriction|restriction_reason|"
    r"restricted_reason|access_users|access_list|is_staff|is_superuser|user_permissions|last_login)($|_|\.)"
    r"|(^|\.)groups$"  # Django's permission groups (a core group is a child protection meeting)
)


def _subclasses(cls) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def api_serializers() -> dict[str, type]:
    """Every serializer class the API's modules define (the URL resolver imports every API view first)."""
    get_resolver().url_patterns  # noqa: B018  (imports every view module, and so every serializer)
    return {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in _subclasses(serializers.BaseSerializer)
        if cls.__module__.startswith(API_MODULES)
    }


def _fields(cls) -> dict[str, serializers.Field]:
    return dict(cls().fields)


def test_every_api_serializer_has_its_row():
    found = api_serializers()
    assert len(found) == N_SERIALIZERS, (
        f"{len(found)} serializers in the API (was {N_SERIALIZERS}): new {sorted(set(found) - set(ALLOWED))}, "
        f"gone {sorted(set(ALLOWED) - set(found))}"
    )
    assert set(found) == set(ALLOWED)


def test_each_serializer_has_exactly_the_fields_of_its_row():
    wrong = []
    for name, cls in sorted(api_serializers().items()):
        fields = list(_fields(cls))
        allowed = ALLOWED[name].split()
        unexpected, missing = set(fields) - set(allowed), set(allowed) - set(fields)
        if unexpected or missing:
            wrong.append(f"{name}: not allowed {sorted(unexpected)}, gone {sorted(missing)}")
    assert not wrong, "\n".join(wrong)


def _sources(field: serializers.Field) -> list[str]:
    source = getattr(field, "source", "") or ""
    return [source] if source and source != "*" else []


def test_no_serializer_carries_an_internal_field():
    found = []
    for name, cls in sorted(api_serializers().items()):
        for field_name, field in _fields(cls).items():
            for text in (field_name, *_sources(field)):
                if FORBIDDEN.search(text.lower()):
                    found.append(f"{name}.{field_name} ({text})")
        meta = getattr(cls, "Meta", None)
        if meta is not None and getattr(meta, "fields", None) == "__all__":
            found.append(f"{name}: fields = '__all__' (every column, present and future)")
        if meta is not None and getattr(meta, "exclude", None):
            found.append(f"{name}: exclude (every other column, present and future)")
    assert not found, found


def test_tagged_content_is_declared():
    """A serializer with a tag field is one of TAGGED (whose rows the canaries check), and each of those has it."""
    carrying = {
        name
        for name, cls in api_serializers().items()
        if set(_fields(cls)) & TAG_FIELDS and not issubclass(cls, InputSerializer)
    }
    assert carrying == set(TAGGED)
    for name, field in TAGGED.items():
        assert field in _fields(api_serializers()[name])


# --- the schema: every view of the API and its serializers --------------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")
WRITES = ("post", "put", "patch")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _api_views() -> set[str]:
    """Every DRF view the URL resolver routes under /api/v1/ (the moved addresses' redirect is no DRF view)."""
    views = set()

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry, prefix + str(entry.pattern))
                continue
            view = getattr(entry.callback, "cls", None)
            if (prefix + str(entry.pattern)).startswith("api/v1/") and view is not None:
                views.add(f"{view.__module__}.{view.__qualname__}")

    walk(get_resolver())
    return views


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method in METHODS:
                if method in item:
                    yield path, method, item[method]


def _component(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _refs(node) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield _component(node["$ref"])
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _serializer_of(component: str, by_short: dict[str, str]) -> str | None:
    """The serializer a component was made from (drf-spectacular drops "Serializer", a PATCH's body is "Patched...",
    a page of results is "Paginated...List")."""
    for name in (component, component.removeprefix("Patched")):
        for candidate in (f"{name}Serializer", name):
            if candidate in by_short:
                return by_short[candidate]
    return None


N_VIEWS, N_OPERATIONS, N_WRITES = 91, 108, 70


def test_every_view_and_its_serializers_are_covered(schema):
    """Every DRF view under /api/v1/ is in the schema, every operation's body and answers are made of serializers of
    the table, and every serializer of the table is reached from some operation (or is a base or a query's)."""
    views = _api_views()
    assert len(views) == N_VIEWS, sorted(views)
    ops = list(operations(schema))
    assert len(ops) == N_OPERATIONS
    assert sum(1 for _p, method, _o in ops if method in WRITES) == N_WRITES
    found = api_serializers()
    by_short = {name.rsplit(".", 1)[-1]: name for name in found}
    components = schema["components"]["schemas"]
    reached, pending = set(), [ref for _p, _m, op in ops for ref in _refs(op)]
    seen = set()
    while pending:
        component = pending.pop()
        if component in seen:
            continue
        seen.add(component)
        pending.extend(_refs(components[component]))
        serializer = _serializer_of(component, by_short)
        if serializer is not None:
            reached.add(serializer)
    assert set(found) - reached - BASES - QUERIES == set()
    # Every body a write takes is an InputSerializer: an unknown key is refused, never dropped.
    not_inputs = []
    for path, method, op in ops:
        if method not in WRITES or "requestBody" not in op:
            continue
        ref = op["requestBody"]["content"]["application/json"]["schema"].get("$ref")
        serializer = _serializer_of(_component(ref), by_short) if ref else None
        if serializer is None or not issubclass(found[serializer], InputSerializer):
            not_inputs.append(f"{method.upper()} {path}: {serializer}")
    assert not not_inputs, not_inputs


# ======================================================================================================
# The world, once for the module (tests/matrix_world.py), and the objects the API's paths name
# ======================================================================================================


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        _more_objects(built)
        built.clients = {}  # type: ignore[attr-defined]
        yield built
        transaction.set_rollback(True)


def _more_objects(world: World) -> None:
    """What the matrix's world lacks for a write of the API to apply to: a draft assessment of each family, a request
    to allocate a Family Help lead for each child, and what an s47 enquiry gathered."""
    from cases.models import FamilyCase, WorkRequest
    from cases.services import work_request_create
    from family_help.services.assessment import assessment_start
    from macpt.models import S47Enquiry, S47Information

    lcpp, manager, triage = (world.personas[e] for e in (planning.LCPP, planning.MANAGER, planning.TRIAGE))
    for child in world.children.values():
        assessment_start(family_case=FamilyCase.objects.get(pk=child.family_case_id), actor=manager)
        work_request_create(
            kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, person=child.person, actor=triage, summary="Allocate"
        )
        enquiry = S47Enquiry.objects.get(pk=child.s47_id)
        S47Information.objects.create(enquiry=enquiry, agency=lcpp.agency, author=lcpp, text="Gathered")


def client_for(world: World, email: str) -> APIClient:
    clients = world.clients  # type: ignore[attr-defined]
    if email not in clients:
        # DRF's force_authenticate: the request's user, with no session (whose bookkeeping, the last request's time
        # written once a minute, would be a write of its own in part 2's count).
        client = APIClient()
        client.force_authenticate(_user(world, email))
        clients[email] = client
    return clients[email]


def _user(world: World, email: str):
    from cases.models import User

    return world.personas.get(email) or User.objects.get(email=email)


def _first(model: str, **where) -> int | None:
    return apps.get_model(model).objects.filter(**where).order_by("pk").values_list("pk", flat=True).first()


def path_ids(world: World, child) -> dict[str, list[int]]:
    """The objects about this child, by the path segment that names them (".../<segment>/{id}/")."""
    person, family = child.person.pk, child.family_case_id
    ids = {
        "people": [person],
        "children": [person],
        "families": [family],
        "contacts": [child.contact_id],
        "information-requests": [child.information_request_id],
        "strategy-discussions": [child.strategy_discussion_id],
        "strategy-children": [_first("macpt.StrategyChild", discussion_id=child.strategy_discussion_id)],
        "strategy-information": [_first("macpt.StrategyInformation", discussion_id=child.strategy_discussion_id)],
        "s47-enquiries": [child.s47_id],
        "s47-information": [_first("macpt.S47Information", enquiry_id=child.s47_id)],
        "conferences": [child.icpc_id, child.review_id],
        "plans": [child.cp_plan_id],
        "pre-proceedings": [child.pre_proceedings_id],
        "emergency-actions": [child.emergency_action_id],
        "offers": [child.fgdm_offer_id],
        "referrals": [child.fgdm_referral_id],
        "meetings": [child.fgdm_meeting_id],
        "assessments": [_first("family_help.Assessment", family_case_id=family)],
        "allocation-requests": [
            _first("cases.WorkRequest", person_id=person, kind="family_help_allocation"),
        ],
        "supervisions": [_first("family_help.Supervision")],
        "versions": [1],
        "outcomes": [world.objects["outcome"]],
        "actions": [world.objects["action"]],
        "team": [_first("cases.TafMember", family_case_id=family)],
    }
    return {segment: [i for i in found if i is not None] for segment, found in ids.items()}


# The model of the object each segment names: its row is among those a write could touch.
SEGMENT_MODELS = {
    "people": "cases.Person",
    "children": "cases.Person",
    "families": "cases.FamilyCase",
    "contacts": "front_door.Contact",
    "information-requests": "front_door.InformationRequest",
    "strategy-discussions": "macpt.StrategyDiscussion",
    "strategy-information": "macpt.StrategyInformation",
    "s47-enquiries": "macpt.S47Enquiry",
    "s47-information": "macpt.S47Information",
    "conferences": "macpt.ChildProtectionConference",
    "plans": "macpt.ChildProtectionPlan",
    "pre-proceedings": "macpt.PreProceedings",
    "emergency-actions": "macpt.EmergencyAction",
    "offers": "fgdm.FgdmOffer",
    "referrals": "fgdm.FgdmReferral",
    "meetings": "fgdm.FgdmMeeting",
    "assessments": "family_help.Assessment",
    "allocation-requests": "cases.WorkRequest",
    "supervisions": "family_help.Supervision",
    "outcomes": "cases.Outcome",
    "actions": "cases.Action",
    "strategy-children": "macpt.StrategyChild",
}
PARAM = re.compile(r"([^/]+)/\{(\w+)\}")


def fill(path: str, ids: dict[str, list[int]]) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Each way to fill the path's parameters from these ids: (url, [(segment, id), ...])."""
    params = PARAM.findall(path)
    if not params:
        yield path, []
        return
    choices: list[list[tuple[str, str, int]]] = []
    for segment, name in params:
        if name == "child_pk":  # a discussion's child: its StrategyChild row, not the person
            segment = "strategy-children"
        found = ids.get(segment, [])
        if not found:
            return
        choices.append([(segment, name, i) for i in found])

    def product(index: int, chosen: list):
        if index == len(choices):
            url = path
            for _segment, name, i in chosen:
                url = url.replace("{" + name + "}", str(i), 1)
            yield url, [(segment, i) for segment, _n, i in chosen]
            return
        for choice in choices[index]:
            yield from product(index + 1, [*chosen, choice])

    yield from product(0, [])


# ======================================================================================================
# Part 1 (responses): keys as documented, a referrer's shape, and no canary of a tag that does not admit the reader
# ======================================================================================================

READERS = {
    "police officer": planning.POLICE,
    "council social worker": planning.LCPP,
    "charity's lead practitioner": planning.FHLP_VCS,
    "school's safeguarding lead": planning.SCHOOL_DSL,
}
# The children each reader asks about by id (the lists are asked as they are): the one they lead and the one whose
# family's team they are in (whole record and summary: the tags' rules apply), one they have nothing to do with and,
# for the council-wide LCPP, the restricted one. That the others are 404 is the permission matrix's (B1).
ASKED = {
    "police officer": (oracle.LEAD, oracle.TAF_MEMBER, oracle.NONE),
    "council social worker": (oracle.LEAD, oracle.NONE, oracle.RESTRICTED),
    "charity's lead practitioner": (oracle.LEAD, oracle.TAF_MEMBER, oracle.NONE),
    "school's safeguarding lead": (oracle.TAF_MEMBER, oracle.REFERRER),
}


def _resolve(node: dict, components: dict) -> dict:
    while "$ref" in node:
        node = components[_component(node["$ref"])]
    return node


def undeclared(value, node: dict, components: dict, where: str) -> list[str]:
    """The keys of `value` its schema does not declare, with where they are ([] when it conforms)."""
    node = _resolve(node, components)
    for combined in ("anyOf", "oneOf"):
        if combined in node:
            tries = [undeclared(value, alt, components, where) for alt in node[combined]]
            return [] if any(not t for t in tries) else min(tries, key=len)
    if "allOf" in node:
        return [p for part in node["allOf"] for p in undeclared(value, part, components, where)]
    if isinstance(value, dict):
        properties = node.get("properties")
        if properties is None:
            return []  # a free-form object (a plan version's snapshot): documented as such
        problems = [f"{where}.{key}" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                problems += undeclared(item, properties[key], components, f"{where}.{key}")
        return problems
    if isinstance(value, list) and "items" in node:
        return [p for i, item in enumerate(value) for p in undeclared(item, node["items"], components, f"{where}[{i}]")]
    return []


def _canaries(world: World) -> dict[tuple[str, str], list[str]]:
    """(relationship, tag) -> the canary words of the child's items carrying that tag."""
    words = {}
    for relationship, child in world.children.items():
        for tag in (oracle.UNTAGGED, *oracle.TAGS):
            words[(relationship, tag)] = [child.canary(tag), child.cp_canary(tag), child.fgdm_canary(tag)]
    return words


def test_an_undeclared_key_is_found(schema):
    """The check below can fail: a key the documented answer does not declare, at the top or nested, is named."""
    components = schema["components"]["schemas"]
    person = {"$ref": "#/components/schemas/PersonDetailOutput"}
    assert undeclared({"id": 1, "password": "x"}, person, components, "") == [".password"]
    nested = {"addresses": [{"line1": "1 Road", "restriction_reason": "x"}]}
    assert undeclared(nested, person, components, "") == [".addresses[0].restriction_reason"]
    assert undeclared({"id": 1, "addresses": []}, person, components, "") == []


def test_responses_carry_only_allowed_fields_and_no_unreadable_tagged_item(world, schema):
    components = schema["components"]["schemas"]
    reads = [(path, op) for path, method, op in operations(schema) if method == "get"]
    started, requests = time.monotonic(), 0
    problems, sent = [], {}
    contact_shapes = {}
    for label, email in READERS.items():
        client = client_for(world, email)
        texts, ok = [], 0
        for path, op in reads:
            children = [world.children[r] for r in ASKED[label]]
            urls = {url for child in children for url, _ in fill(path, path_ids(world, child))}
            declared = op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")
            for url in sorted(urls):
                response = client.get(url)
                requests += 1
                if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
                    continue
                ok += 1
                texts.append(response.content.decode())
                body = response.json()
                if declared is None:
                    problems.append(f"{label} GET {url}: a JSON answer the schema does not document")
                    continue
                problems += [f"{label} GET {url}: {p}" for p in undeclared(body, declared, components, "")]
                if path == "/api/v1/contacts/":
                    contact_shapes[label] = {frozenset(result) for result in body["results"]}
        sent[label] = (ok, "\n".join(texts))
    assert not problems, "\n".join(problems[:50])
    # A partner referrer gets the referrer's shape of a contact, never the front door's (the staff shape).
    referrer_shape = set(ALLOWED["front_door.api.serializers.ContactOutputSerializer"].split())
    assert contact_shapes["school's safeguarding lead"], "the school's lead sees no contact of theirs"
    assert all(shape <= referrer_shape for shape in contact_shapes["school's safeguarding lead"])
    staff_only = set(ALLOWED["front_door.api.serializers.StaffContactOutputSerializer"].split()) - referrer_shape
    assert any(shape & staff_only for shape in contact_shapes["council social worker"])
    # Tagged items: a canary of an item whose tag does not admit the reader is nowhere in what they were sent; the
    # ones that admit them are there (so a reader who is sent nothing passes nothing).
    canaries = _canaries(world)
    leaked, shown = [], {}
    author_agency = world.author.agency.name
    for label, email in READERS.items():
        reader = world.readers[email]
        text = sent[label][1]
        shown[label] = 0
        for (relationship, tag), words in canaries.items():
            reads_it = oracle.reads_item(reader, relationship, tag, author_agency=author_agency, in_childs_macpt=False)
            for word in words:
                if word in text:
                    if reads_it:
                        shown[label] += 1
                    else:
                        leaked.append(f"{label}: {word} ({relationship}, tag {tag or 'none'})")
    answered = {label: count for label, (count, _text) in sent.items()}
    seconds = time.monotonic() - started
    print(f"B4 responses: {requests} GETs in {seconds:.1f} s; 200s {answered}; canaries shown {shown}")
    assert not leaked, leaked
    assert shown["council social worker"] > 0 and shown["police officer"] > 0


# ======================================================================================================
# Part 2: mass assignment
# ======================================================================================================

EXTRA_KEYS = (
    "team",
    "owner",
    "status",
    "restricted",
    "created_by",
    "id",
    "person",
    "child",
    "agency",
    "is_staff",
    "is_superuser",
    "lead",
    "tags",
    "information_tag",
)
PROBE = "zz_b4_probe"
# Who is tried for a write, in this order (the first whose probe reaches the input's validation makes it): the
# council's LCPP, its manager, the front door, the Family Help leads, the partners, the FGDM facilitators.
ACTORS = (
    planning.LCPP,
    planning.MANAGER,
    planning.TRIAGE,
    planning.FD_MANAGER,
    planning.FHLP_SW,
    planning.FHLP_VCS,
    planning.POLICE,
    planning.HEALTH,
    planning.FGDM,
    "facilitator@matrix.test",
    planning.SCHOOL_DSL,
    planning.PRIVACY,
)
CHILD_ORDER = (oracle.LEAD, oracle.TAF_MEMBER, oracle.SAME_TEAM, oracle.OTHER_AGENCY, oracle.REFERRER, oracle.NONE)

_WRITES_SQL = (
    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
    "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
)


def rows_written() -> dict[str, int]:
    """PostgreSQL's count, per table, of the rows this transaction has inserted, updated or deleted so far (rolled
    back savepoints included)."""
    with connection.cursor() as cursor:
        cursor.execute(_WRITES_SQL)
        return dict(cursor.fetchall())


APPS = {"cases", "front_door", "family_help", "macpt", "fgdm", "reporting", "auth", "sessions"}


def _app_tables() -> list[str]:
    names = []
    for model in apps.get_models():
        if model._meta.app_label in APPS and not model._meta.proxy and model._meta.managed:
            names.append(model._meta.db_table)
    return sorted(set(names))


def snapshot(targets: list[tuple[str, int]]) -> tuple:
    """Every application table's row count, and each target row whole (the objects the path names)."""
    tables = _app_tables()
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables))  # noqa: S608
        counts = tuple(sorted(cursor.fetchall()))
        rows = []
        for segment, pk in targets:
            model = SEGMENT_MODELS.get(segment)
            if model is None:
                continue
            table = apps.get_model(model)._meta.db_table
            cursor.execute(f'SELECT md5(t::text) FROM "{table}" t WHERE id = %s', [pk])  # noqa: S608
            rows.append((segment, pk, cursor.fetchone()))
    return counts, tuple(rows)


def test_the_count_of_rows_written_sees_a_write_even_undone(world):
    """Part 2's detector is not blind: a row updated in a savepoint that is rolled back still counts."""
    from cases.models import Person

    before = rows_written()
    with transaction.atomic():
        Person.objects.filter(pk=world.children[oracle.LEAD].person.pk).update(preferred_name="B4")
        transaction.set_rollback(True)
    after = rows_written()
    assert after.get("cases_person", 0) == before.get("cases_person", 0) + 1


def _send(client: APIClient, method: str, url: str, payload, if_match: str | None):
    extra = {"HTTP_IF_MATCH": if_match} if if_match else {}
    return getattr(client, method)(url, payload, format="json", **extra)


def _names(body) -> set[str]:
    """Every key of an error body, nested ones included."""
    if isinstance(body, dict):
        return set(body) | {k for value in body.values() for k in _names(value)}
    if isinstance(body, list):
        return {k for value in body for k in _names(value)}
    return set()


def _refused(response, keys) -> bool:
    if response.status_code != 400:
        return False
    body = response.json()
    text = json.dumps(body)
    return set(keys) <= _names(body) and NOT_A_FIELD in text


def probe(world: World, path: str, method: str):
    """A user and an object for which a body whose one key is unknown reaches the input's validation (400 naming
    it): (email, url, targets, If-Match), or else the answers each got. An If-Match is taken from a 412's ETag."""
    answers = []
    for relationship in CHILD_ORDER:
        for url, targets in fill(path, path_ids(world, world.children[relationship])):
            for email in ACTORS:
                client = client_for(world, email)
                if_match = '"b4"'
                for _ in range(2):
                    with transaction.atomic():
                        response = _send(client, method, url, {PROBE: 1}, if_match)
                        transaction.set_rollback(True)
                    if response.status_code == 412 and response.get("ETag"):
                        if_match = response["ETag"]
                        continue
                    break
                if _refused(response, [PROBE]):
                    return email, url, targets, if_match
                answers.append(f"{email} {url}: {response.status_code} {response.content[:120]!r}")
    return answers


# --- valid-ish values from the documented request body ---------------------------------------------------------

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.text(max_size=12),
    st.lists(st.integers(min_value=0, max_value=10**6), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)
NAMES = st.one_of(st.sampled_from(EXTRA_KEYS), st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True))


def value_of(node: dict, components: dict, depth: int = 0):
    node = _resolve(node, components)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in node:
            return st.one_of([value_of(alt, components, depth) for alt in node[combined]])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "string":
        form = node.get("format")
        if form == "date":
            return st.dates().map(lambda d: d.isoformat())
        if form == "date-time":
            return st.datetimes().map(lambda d: d.isoformat())
        return st.text(max_size=node.get("maxLength", 20) or 20)
    if kind == "integer":
        return st.integers(min_value=node.get("minimum", -5), max_value=min(node.get("maximum", 10**6), 10**6))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(value_of(node.get("items", {}), components, depth + 1), max_size=2)
    if kind == "object" and node.get("properties") and depth < 3:
        return body_of(node, components, depth + 1)
    return ANY_VALUE


def body_of(node: dict, components: dict, depth: int = 0):
    properties = node.get("properties", {})
    required = set(node.get("required", ()))
    return st.fixed_dictionaries(
        {name: value_of(p, components, depth) for name, p in properties.items() if name in required},
        optional={name: value_of(p, components, depth) for name, p in properties.items() if name not in required},
    )


def _nested_objects(node: dict, components: dict) -> dict[str, tuple[dict, bool]]:
    """The body's properties that are objects of declared fields (an address; a list of children): name ->
    (the object's schema, whether it is a list of them)."""
    found = {}
    for name, prop in node.get("properties", {}).items():
        prop = _resolve(prop, components)
        many = prop.get("type") == "array"
        inner = _resolve(prop.get("items", {}), components) if many else prop
        if inner.get("type") == "object" and inner.get("properties"):
            found[name] = (inner, many)
    return found


@st.composite
def attack(draw, node: dict, components: dict):
    """A valid-ish body with extra keys, at its top level or (sometimes) inside one nested object: (body, the
    extra keys)."""
    body = draw(body_of(node, components))
    nested = _nested_objects(node, components)
    if nested and draw(st.booleans()):
        name = draw(st.sampled_from(sorted(nested)))
        inner, many = nested[name]
        declared = set(inner["properties"])
        keys = draw(st.lists(NAMES.filter(lambda k: k not in declared), min_size=1, max_size=3, unique=True))
        item = draw(body_of(inner, components, 1))
        item.update({key: draw(ANY_VALUE) for key in keys})
        body[name] = [item] if many else item
        return body, keys
    declared = set(node.get("properties", {}))
    keys = draw(st.lists(NAMES.filter(lambda k: k not in declared), min_size=1, max_size=4, unique=True))
    body.update({key: draw(ANY_VALUE) for key in keys})
    return body, keys


def write_operations() -> list[tuple[str, str]]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, method) for path, method, _op in operations(generated) if method in WRITES]


@pytest.mark.parametrize(("path", "method"), write_operations())
def test_extra_keys_are_refused_and_change_nothing(world, schema, path, method):
    operation = schema["paths"][path][method]
    components = schema["components"]["schemas"]
    ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    node = _resolve(ref, components) if ref else {"type": "object", "properties": {}}
    found = probe(world, path, method)
    assert isinstance(found, tuple), (
        f"{method.upper()} {path}: no user of the world reaches its input's validation: " + ("\n".join(found[:40]))
    )
    email, url, targets, if_match = found
    client = client_for(world, email)
    before = snapshot(targets)
    started = time.monotonic()

    @settings(
        max_examples=B4_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(attack(node, components))
    def refused(sent):
        payload, keys = sent
        written = rows_written()
        response = _send(client, method, url, payload, if_match)
        changed = {t: n - written.get(t, 0) for t, n in rows_written().items() if n != written.get(t, 0)}
        assert _refused(response, keys), (response.status_code, response.content[:500], payload)
        assert not changed, (changed, payload)

    refused()
    assert snapshot(targets) == before, f"{method.upper()} {url} as {email}: rows changed"
    print(f"B4 {method.upper()} {path} as {email}: {B4_EXAMPLES} payloads in {time.monotonic() - started:.2f} s")
