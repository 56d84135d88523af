"""Front-door API shapes. Input serializers validate; output serializers decide what each reader sees."""

from django.utils import timezone
from rest_framework import serializers

from cases.codes import referral_source_choices
from cases.workdays import LONDON

from ..models import Channel, Consent, Outcome, WorryCategory


class LondonDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the Europe/London offset (what a council's staff read on their clocks)."""

    def to_representation(self, value):
        return value.astimezone(LONDON).isoformat() if value else None


class ChildInputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(required=False, help_text="An existing record (front-door staff only).")
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=12)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    description = serializers.CharField(required=False, allow_blank=True)


class ContactCreateInputSerializer(serializers.Serializer):
    received_at = serializers.DateTimeField(required=False, help_text="When the contact came in (ISO 8601 with "
                                            "offset); defaults to now.")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    referrer_name = serializers.CharField(max_length=200)
    referrer_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    referrer_agency_id = serializers.IntegerField(required=False, allow_null=True)
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    referrer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    source_code = serializers.ChoiceField(choices=list(referral_source_choices()))
    worry = serializers.CharField()
    categories = serializers.ListField(child=serializers.ChoiceField(choices=WorryCategory.choices), required=False,
                                       default=list)
    urgent = serializers.BooleanField(required=False, default=False)
    consent = serializers.ChoiceField(choices=Consent.choices)
    consent_override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    children = ChildInputSerializer(many=True, allow_empty=False)


class ChildOutputSerializer(serializers.Serializer):
    first_name = serializers.CharField(source="given_first_name")
    last_name = serializers.CharField(source="given_last_name")
    date_of_birth = serializers.DateField(source="given_date_of_birth")
    description = serializers.CharField()


class StaffChildOutputSerializer(ChildOutputSerializer):
    person_id = serializers.IntegerField(allow_null=True)


class OutcomeOutputSerializer(serializers.Serializer):
    code = serializers.IntegerField(required=False)
    label = serializers.CharField(required=False)
    level = serializers.CharField(required=False)
    plain_words = serializers.CharField()


class ContactOutputSerializer(serializers.Serializer):
    """What a partner referrer sees: their own referral, its status and the outcome in plain words."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    received_at = LondonDateTimeField()
    decision_due_at = LondonDateTimeField()
    rag = serializers.CharField()
    urgent = serializers.BooleanField()
    children = ChildOutputSerializer(many=True)
    outcome = OutcomeOutputSerializer(allow_null=True)


class StaffContactOutputSerializer(ContactOutputSerializer):
    children = StaffChildOutputSerializer(many=True)
    source_code = serializers.CharField()
    worry = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    consent = serializers.CharField()
    referrer_name = serializers.CharField()
    assigned_to = serializers.EmailField(allow_null=True)
    breached = serializers.BooleanField()


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    level = serializers.SlugField(help_text="A need level code, e.g. child_in_need.")
    rationale = serializers.CharField(allow_blank=True)
    advice = serializers.CharField(required=False, allow_blank=True, default="")
    urgent_services = serializers.CharField(required=False, allow_blank=True, default="")
    accepted_as_referral = serializers.BooleanField(required=False, allow_null=True, default=None)
    change_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.IntegerField()
    level = serializers.CharField(source="level.code")
    decided_at = LondonDateTimeField()
    signoff_required = serializers.BooleanField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    contact_status = serializers.CharField(source="contact.status")


class InformationRequestInputSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    question = serializers.CharField(allow_blank=True)
    due_at = serializers.DateTimeField(required=False)

    def validate_due_at(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("The answer must be due in the future")
        return value


class InformationRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_reference = serializers.CharField(source="contact.reference")
    agency = serializers.CharField(source="agency.name")
    question = serializers.CharField()
    status = serializers.CharField()
    requested_at = LondonDateTimeField()
    due_at = LondonDateTimeField()
    response = serializers.CharField()
    responded_at = LondonDateTimeField(allow_null=True)


class ResponseInputSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
