"""Shapes of the front-door API: input serializers validate, output serializers decide what each reader sees.

Inputs are explicit field lists: a key that is not declared here is refused with a 400 naming it, and so is one
a partner may not set (received_at, referrer_agency_id: PARTNER_REFUSED), never dropped (cases.api.inputs). Integers are
bounded to what PostgreSQL stores, and dates to what the working-day clock can count, so no input gives a 500.
Front-door staff get the whole contact; a partner referrer gets their own referral as they gave it, its status
in plain terms and the outcome in plain words (never the rationale or the level of need).
"""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import validators
from cases.api.inputs import InputSerializer
from cases.codes import referral_source_choices
from cases.models import LawfulBasis
from cases.web import RESTRICTED_LABEL
from cases.workdays import LONDON

from ..models import Channel, Consent, ContactStatus, HouseholdRelationship, InformationRequest, Outcome, WorryCategory

MAX_INT8 = 2**63 - 1
MAX_CHILDREN = 12
MAX_HOUSEHOLD = 12
# The earliest time a contact may be said to have been received (older history is imported, not keyed in).
EARLIEST_RECEIVED = dt.datetime(2000, 1, 1, tzinfo=LONDON)
RAG_CHOICES = [("green", "Green"), ("amber", "Amber: due soon"), ("red", "Red: overdue")]


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_INT8, **kwargs)


class LondonDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the Europe/London offset, e.g. 2026-11-24T09:00:00+00:00 (what the council's clocks say)."""

    def to_representation(self, value):
        return value.astimezone(LONDON).isoformat() if value else None


def _django_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.messages)


# --- contacts: input ----------------------------------------------------------------------------------


class HouseholdInputSerializer(InputSerializer):
    """A parent, carer or other child in the household (optional): they become the child's family on the record."""

    relationship = serializers.ChoiceField(choices=HouseholdRelationship.choices)
    first_name = serializers.CharField(max_length=100, validators=[validators.validate_name])
    last_name = serializers.CharField(max_length=100, validators=[validators.validate_name])
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validators.validate_date_of_birth]
    )


class ChildInputSerializer(InputSerializer):
    """A child the contact is about: as the referrer describes them, or (front-door staff) a record by id."""

    person_id = _id_field(required=False, help_text="An existing record you can see (front-door staff only).")
    first_name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", validators=[validators.validate_name]
    )
    last_name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", validators=[validators.validate_name]
    )
    date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=[validators.validate_date_of_birth],
        help_text="From 1 January 1900 to today.",
    )
    nhs_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        default="",
        help_text="10 digits; spaces allowed, e.g. 943 476 5919.",
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="What is known about a child whose name is not.",
    )

    def validate_nhs_number(self, value):
        if value.strip():
            try:
                validators.validate_nhs_number(value)
            except DjangoValidationError as exc:
                raise _django_errors(exc) from None
            return validators.normalise_nhs_number(value)
        return ""

    def validate_postcode(self, value):
        if value.strip():
            try:
                validators.validate_postcode(value)
            except DjangoValidationError as exc:
                raise _django_errors(exc) from None
            return validators.normalise_postcode(value)
        return ""

    def validate(self, attrs):
        named = attrs.get("person_id") or attrs["first_name"].strip() or attrs["last_name"].strip()
        if not named and not attrs["description"].strip():
            raise serializers.ValidationError(
                {"description": ["Give the child's name, or describe the child if you do not know their name"]}
            )
        return attrs


# What a partner referrer may not set: their referral arrives now, from their own agency.
PARTNER_REFUSED = ("received_at", "referrer_agency_id")


class ContactCreateInputSerializer(InputSerializer):
    received_at = serializers.DateTimeField(
        required=False,
        help_text="When the contact came in, ISO 8601 with an offset (contacts are often "
        "recorded after the call); defaults to now. Refused for partner referrers: theirs is when it arrives.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text="Defaults to api.")
    referrer_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for front-door staff; a partner's own name by default.",
    )
    referrer_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    referrer_agency_id = _id_field(
        required=False,
        allow_null=True,
        help_text="The referrer's agency. Refused for partner referrers (theirs is their own).",
    )
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    referrer_email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    source_code = serializers.ChoiceField(
        choices=referral_source_choices(), help_text="CIN census referral source code, e.g. 2A (school)."
    )
    worry = serializers.CharField(max_length=20000, help_text="What has happened, what was seen or said, and when.")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=WorryCategory.choices),
        required=False,
        default=list,
        max_length=len(WorryCategory.values),
    )
    urgent = serializers.BooleanField(required=False, default=False)
    consent = serializers.ChoiceField(choices=Consent.choices)
    consent_override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Required when consent is not_sought_risk.",
    )
    children = ChildInputSerializer(many=True, allow_empty=False, max_length=MAX_CHILDREN)
    household = HouseholdInputSerializer(
        many=True,
        required=False,
        max_length=MAX_HOUSEHOLD,
        help_text="Optional: the parents, carers and other children living with the children.",
    )

    def validate_received_at(self, value):
        if value < EARLIEST_RECEIVED:
            raise serializers.ValidationError("Give the date and time the contact was received (after 2000)")
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError("The time received cannot be in the future")
        return value

    def validate_categories(self, value):
        return list(dict.fromkeys(value))

    def validate(self, attrs):
        if attrs["consent"] == Consent.NOT_SOUGHT_RISK and not attrs["consent_override_reason"].strip():
            raise serializers.ValidationError({"consent_override_reason": ["Give the reason consent was not sought"]})
        return attrs


class ContactListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ContactStatus.choices,
        required=False,
        allow_blank=True,
        help_text="Front-door staff: contacts in this status.",
    )
    urgent = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: urgent contacts only; false: the others."
    )
    open = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: contacts not yet decided; false: decided ones."
    )


# --- contacts: output ---------------------------------------------------------------------------------


class ChildOutputSerializer(serializers.Serializer):
    """A child as the referrer gave them."""

    first_name = serializers.CharField(source="given_first_name")
    last_name = serializers.CharField(source="given_last_name")
    date_of_birth = serializers.DateField(source="given_date_of_birth", allow_null=True)
    nhs_number = serializers.CharField(source="given_nhs_number")
    address = serializers.CharField(source="given_address")
    postcode = serializers.CharField(source="given_postcode")
    description = serializers.CharField()


class StaffChildOutputSerializer(ChildOutputSerializer):
    person_id = serializers.IntegerField(allow_null=True, help_text="The child's record, once matched.")
    restricted = serializers.BooleanField(
        default=False,
        help_text="Matched to a restricted record you are not on the list of: nothing about the child is shown.",
    )


class OutcomeOutputSerializer(serializers.Serializer):
    # Integer, not a second enum of the outcomes: the schema names that set once (OutcomeEnum).
    code = serializers.IntegerField(
        min_value=1, max_value=8, help_text="The outcome (1-8), as `outcome` in a decision."
    )
    label = serializers.CharField()
    plain_words = serializers.CharField(help_text="What the referrer is told.")


class ReferrerOutcomeOutputSerializer(serializers.Serializer):
    plain_words = serializers.CharField(help_text="What has been decided, without sensitive detail.")


class ContactOutputSerializer(serializers.Serializer):
    """A partner referrer's view of their own referral."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[("received", "Received"), ("in_progress", "Being looked at"), ("decided", "Decided")],
        help_text="A decision awaiting a manager's sign-off is still in_progress.",
    )
    received_at = LondonDateTimeField()
    decision_due_at = LondonDateTimeField()
    rag = serializers.ChoiceField(
        choices=RAG_CHOICES, allow_null=True, help_text="Time left to the decision (null once decided)."
    )
    urgent = serializers.BooleanField()
    children = ChildOutputSerializer(many=True)
    outcome = ReferrerOutcomeOutputSerializer(allow_null=True)


class StaffContactOutputSerializer(serializers.Serializer):
    """The front door's view of a contact."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ContactStatus.choices)
    received_at = LondonDateTimeField()
    decision_due_at = LondonDateTimeField()
    rag = serializers.ChoiceField(
        choices=RAG_CHOICES,
        allow_null=True,
        help_text="Green, amber (fewer than the configured working hours left) or red (overdue); null once decided.",
    )
    urgent = serializers.BooleanField()
    children = StaffChildOutputSerializer(many=True)
    outcome = OutcomeOutputSerializer(allow_null=True, help_text="The current decision (it may await sign-off).")
    channel = serializers.ChoiceField(choices=Channel.choices)
    source_code = serializers.CharField()
    worry = serializers.CharField()
    categories = serializers.ListField(child=serializers.ChoiceField(choices=WorryCategory.choices))
    consent = serializers.ChoiceField(choices=Consent.choices)
    consent_override_reason = serializers.CharField()
    referrer_name = serializers.CharField()
    referrer_role = serializers.CharField()
    referrer_agency_id = serializers.IntegerField(allow_null=True)
    no_identifiable_child = serializers.BooleanField()
    assigned_to = serializers.EmailField(allow_null=True)
    breached = serializers.BooleanField()


# --- decisions ----------------------------------------------------------------------------------------


class DecisionInputSerializer(InputSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, help_text="One of the eight outcomes (1-8).")
    level = serializers.SlugField(max_length=40, help_text="A level of need code, e.g. child_in_need.")
    rationale = serializers.CharField(allow_blank=True, max_length=20000, help_text="Required.")
    advice = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20000,
        help_text="Advice and information given (required for outcome 8).",
    )
    urgent_services = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Which services (required for outcome 4).",
    )
    change_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Required to change an earlier decision.",
    )


class DecisionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    level = serializers.CharField(source="level.code")
    decided_at = LondonDateTimeField()
    signoff_required = serializers.BooleanField()
    is_referral = serializers.BooleanField(
        read_only=True, help_text="A referral to children's social care (census meaning): outcomes 1 to 6 only."
    )
    supersedes = serializers.IntegerField(
        source="supersedes_id", allow_null=True, help_text="The decision this one changes."
    )
    contact_status = serializers.CharField(
        source="contact.status",
        help_text="The contact's status now: decided, or awaiting_signoff where the outcome needs a manager.",
    )


# --- information requests -----------------------------------------------------------------------------


class InformationRequestInputSerializer(InputSerializer):
    agency_id = _id_field(help_text="The partner agency to ask.")
    question = serializers.CharField(allow_blank=True, max_length=5000)
    due_at = serializers.DateTimeField(
        required=False, help_text="Default: the configured working hours from now, and never after the decision is due."
    )

    def validate_due_at(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("The answer must be due in the future")
        if value > timezone.now() + dt.timedelta(days=366):
            raise serializers.ValidationError("The answer must be due within a year")
        return value


class InformationRequestListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("open", "Waiting for an answer"), ("answered", "Answered"), ("all", "All")],
        required=False,
        allow_blank=True,
        default="open",
    )


class RequestChildOutputSerializer(serializers.Serializer):
    """Who the request is about, so that the agency can look them up; a restricted record the reader is not on the
    list of is only "Restricted record" (no date of birth, no description)."""

    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    address = serializers.CharField(help_text="The current address (never a safe address); empty when not known.")
    nhs_number = serializers.CharField(help_text="Empty when not known.")
    description = serializers.CharField()
    restricted = serializers.BooleanField(help_text="A restricted record: ask the front door manager.")


class InformationRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_id = serializers.IntegerField()
    contact_reference = serializers.CharField(source="contact.reference")
    agency_id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.name")
    children = serializers.SerializerMethodField()
    question = serializers.CharField()
    status = serializers.ChoiceField(choices=InformationRequest.Status.choices)
    requested_at = LondonDateTimeField()
    due_at = LondonDateTimeField()
    response = serializers.CharField()
    responded_at = LondonDateTimeField(allow_null=True)

    @extend_schema_field(RequestChildOutputSerializer(many=True))
    def get_children(self, request):
        # contact__children (with person) is prefetched by the callers: no query per row. The callers pass the
        # restricted records the reader may not see (cases.selectors.people_restricted_for_user) as
        # context["restricted_ids"]; without it, every restricted record is withheld.
        hidden = self.context.get("restricted_ids")
        identifiers = self.context.get("identifiers") or {}
        rows = []
        for child in request.contact.children.all():
            person = child.person
            if person is not None and person.restricted and (hidden is None or person.pk in hidden):
                rows.append(
                    {
                        "name": RESTRICTED_LABEL,
                        "date_of_birth": None,
                        "address": "",
                        "nhs_number": "",
                        "description": "",
                        "restricted": True,
                    }
                )
                continue
            shown = identifiers.get(child.pk)
            rows.append(
                {
                    "name": f"{person.first_name} {person.last_name}" if person else child.given_name,
                    "date_of_birth": person.date_of_birth if person else child.given_date_of_birth,
                    "address": shown.address if shown else "",
                    "nhs_number": shown.nhs_number.replace(" ", "") if shown else "",
                    "description": child.description,
                    "restricted": False,
                }
            )
        return RequestChildOutputSerializer(rows, many=True).data


class ResponseInputSerializer(InputSerializer):
    response = serializers.CharField(
        allow_blank=True, max_length=20000, help_text="Your answer (say if your agency holds no information)."
    )
    # The answer is the agency's disclosure decision (issue 17 item 3).
    shared = serializers.BooleanField(
        required=False, default=True, help_text="False: your agency decided not to share (give the reason)."
    )
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices,
        required=False,
        default=LawfulBasis.SAFEGUARDING,
        help_text="The lawful basis for sharing (default: UK GDPR 9(2)(g), DPA 2018 Sch 1 para 18, safeguarding).",
    )
    reason = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=2000, help_text="Why not, when not shared."
    )
