"""Serializers of the people API: input serializers validate, output serializers shape.

Inputs are explicit field lists: a key that is not declared here (restricted, la_child_id, merged_into,
created_by, version as a value to store) is refused with a 400 naming it (cases.api.inputs; mass assignment).
Validation reuses cases.validators, so the API and the pages refuse the same values with the same words;
the services check again, whatever calls them.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from cases import codes, validators
from cases.models import ChronologyEntry, Person, RelationshipType, Sex, Strand
from cases.moved import current_link
from cases.selectors import SearchHit

from .inputs import InputSerializer

# Bounds that keep every value inside what PostgreSQL and Python's date arithmetic accept (no 500s).
MAX_INT4 = 2**31 - 1
MAX_INT8 = 2**63 - 1
MAX_DOB_RANGE_DAYS = 3660


# --- inputs ------------------------------------------------------------------------------------------


def _not_in_future(value: dt.date | None, message: str) -> None:
    if value and value > timezone.localdate():
        raise serializers.ValidationError(message)


class AddressInputSerializer(InputSerializer):
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    town = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, validators=[validators.validate_postcode])
    safe_address = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A safe address: only council social care and your agency will see where it is.",
    )


class PersonFieldsInputSerializer(InputSerializer):
    """The editable facts about a person (cases.services.PERSON_EDITABLE_FIELDS), nothing else."""

    first_name = serializers.CharField(max_length=100, validators=[validators.validate_name])
    middle_names = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validators.validate_name]
    )
    last_name = serializers.CharField(max_length=100, validators=[validators.validate_name])
    preferred_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[validators.validate_name]
    )
    date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validators.validate_date_of_birth],
        help_text="From 1 January 1900 to today.",
    )
    expected_date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validators.validate_expected_date_of_birth],
        help_text="For an unborn child, instead of a date of birth: from today to 10 months ahead.",
    )
    date_of_death = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, help_text="As the CIN census codes it.")
    gender_identity = serializers.CharField(max_length=100, required=False, allow_blank=True)
    ethnicity = serializers.ChoiceField(
        choices=codes.ethnicity_choices(), required=False, allow_blank=True, help_text="CIN census ethnicity code."
    )
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=codes.disability_choices()),
        required=False,
        max_length=20,
        validators=[validators.validate_disabilities],
        help_text="CIN census disability codes.",
    )
    first_language = serializers.CharField(max_length=60, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    nhs_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="10 digits; spaces allowed, e.g. 943 476 5919.",
    )
    upn = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="Unique pupil number.")

    def validate_date_of_death(self, value):
        _not_in_future(value, "Date of death must be today or in the past")
        return value

    def validate_nhs_number(self, value):
        if value:
            validators.validate_nhs_number(value)
        return value

    def validate_upn(self, value):
        if value:
            validators.validate_upn(value)
        return value


class PersonCreateInputSerializer(PersonFieldsInputSerializer):
    """A new person, an optional current address, and whether the likely duplicates have been checked."""

    address = AddressInputSerializer(required=False, help_text="The current address, if known.")
    duplicates_reviewed = serializers.BooleanField(
        default=False,
        help_text="True once the likely duplicates (the 409 response) have been checked and this "
        "is a different person.",
    )


class PersonDuplicatesInputSerializer(PersonFieldsInputSerializer):
    """A person about to be created: nothing is saved."""

    address = AddressInputSerializer(required=False)


class PersonUpdateInputSerializer(PersonFieldsInputSerializer):
    """The fields to change (use with partial=True); the version edited is the If-Match header, never a field."""


class RelationshipCreateInputSerializer(InputSerializer):
    OTHER_IS_TYPE_OF_THIS = "other_is_type_of_this"
    THIS_IS_TYPE_OF_OTHER = "this_is_type_of_other"

    other_person_id = serializers.IntegerField(min_value=1, max_value=MAX_INT8)
    type = serializers.ChoiceField(choices=RelationshipType.choices)
    direction = serializers.ChoiceField(
        choices=[
            (OTHER_IS_TYPE_OF_THIS, "The other person is <type> of this person"),
            (THIS_IS_TYPE_OF_OTHER, "This person is <type> of the other person"),
        ],
        default=OTHER_IS_TYPE_OF_THIS,
    )
    parental_responsibility = serializers.BooleanField(
        default=False, help_text="The person who is <type> holds parental responsibility for the other."
    )
    start_date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validators.validate_start_date],
        help_text="From 1 January 1900 to today.",
    )


class PersonSearchQuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False)
    dob_range_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DOB_RANGE_DAYS,
        required=False,
        help_text="Match dates of birth this many days either side.",
    )
    nhs_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)

    def validate(self, attrs):
        if not any(
            (attrs.get("name") or "").strip() or (attrs.get(k) or "").strip() for k in ("nhs_number", "postcode")
        ) and not attrs.get("date_of_birth"):
            raise serializers.ValidationError("Give at least one of name, date_of_birth, nhs_number or postcode")
        if attrs.get("dob_range_days") and not attrs.get("date_of_birth"):
            raise serializers.ValidationError({"dob_range_days": ["Give a date of birth to search around"]})
        dob, days = attrs.get("date_of_birth"), attrs.get("dob_range_days") or 0
        if dob and not (dt.date.min + dt.timedelta(days=days) <= dob <= dt.date.max - dt.timedelta(days=days)):
            raise serializers.ValidationError({"date_of_birth": ["Give a real date of birth"]})
        return attrs


class ChronologyQuerySerializer(serializers.Serializer):
    strand = serializers.ChoiceField(choices=Strand.choices, required=False)
    significant = serializers.BooleanField(required=False, help_text="true: significant events only.")
    date_from = serializers.DateField(required=False, help_text="On or after this date.")
    date_to = serializers.DateField(required=False, help_text="On or before this date.")

    # The query parameters are `from` and `to`, which are Python keywords and cannot be attribute names.
    _RENAMED = {"date_from": "from", "date_to": "to"}

    def get_fields(self):
        fields = super().get_fields()
        for name, public in self._RENAMED.items():
            field = fields.pop(name)
            field.source = name
            fields[public] = field
        return fields

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"to": ["The end date must be on or after the start date"]})
        return attrs


# --- outputs -----------------------------------------------------------------------------------------


class PersonListOutputSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:person_detail")

    class Meta:
        model = Person
        fields = [
            "id",
            "la_child_id",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "restricted",
            "url",
        ]
        read_only_fields = fields


class AddressOutputSerializer(serializers.Serializer):
    """An address; a safe address the reader may not see comes with `withheld` true and no detail."""

    safe_address = serializers.BooleanField()
    withheld = serializers.BooleanField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, address) -> bool:
        return address.end_date is None or address.end_date >= timezone.localdate()


class OtherNameOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="previous or alias")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    used_until = serializers.DateField(allow_null=True)


class LeadOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="fhlp or lcpp")
    kind_display = serializers.CharField(source="get_kind_display")
    name = serializers.CharField(source="user.full_name")
    agency = serializers.CharField(source="user.agency.name", default="")
    since = serializers.DateTimeField(source="started_at")


class EpisodeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    opened_on = serializers.DateField()
    family_case_id = serializers.IntegerField(allow_null=True)
    level_code = serializers.SerializerMethodField()
    level_name = serializers.SerializerMethodField()
    level_since = serializers.SerializerMethodField()
    leads = serializers.SerializerMethodField()

    # levels and leads are prefetched (selectors.person_record): read them in Python, no queries.
    def _current_level(self, episode):
        return next((lv for lv in episode.levels.all() if lv.ended_at is None), None)

    def get_level_code(self, episode) -> str | None:
        current = self._current_level(episode)
        return current.level.code if current else None

    def get_level_name(self, episode) -> str | None:
        current = self._current_level(episode)
        return current.level.name if current else None

    def get_level_since(self, episode) -> dt.datetime | None:
        current = self._current_level(episode)
        return current.started_at if current else None

    @extend_schema_field(LeadOutputSerializer(many=True))
    def get_leads(self, episode):
        return LeadOutputSerializer([ld for ld in episode.leads.all() if ld.ended_at is None], many=True).data


class InvolvementOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    practitioner = serializers.CharField(source="user.full_name", default=None, allow_null=True)
    team = serializers.CharField(source="team.name", default=None, allow_null=True)
    agency = serializers.CharField(source="agency.name")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    active = serializers.BooleanField(source="is_active")


class PersonDetailOutputSerializer(serializers.ModelSerializer):
    """The child's record: pass context={"request": ..., "record": selectors.person_record(...),
    "can_edit": bool}."""

    url = serializers.HyperlinkedIdentityField(view_name="api:person_detail")
    relationships_url = serializers.HyperlinkedIdentityField(view_name="api:person_relationships")
    chronology_url = serializers.HyperlinkedIdentityField(view_name="api:person_chronology")
    full_name = serializers.CharField(read_only=True)
    other_names = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()
    current_episode = serializers.SerializerMethodField()
    involvements = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "la_child_id",
            "nhs_number",
            "upn",
            "first_name",
            "middle_names",
            "last_name",
            "preferred_name",
            "full_name",
            "date_of_birth",
            "expected_date_of_birth",
            "date_of_death",
            "sex",
            "gender_identity",
            "ethnicity",
            "disabilities",
            "first_language",
            "interpreter_needed",
            "restricted",
            "version",
            "other_names",
            "addresses",
            "current_episode",
            "involvements",
            "relationships_url",
            "chronology_url",
            "can_edit",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OtherNameOutputSerializer(many=True))
    def get_other_names(self, person):
        return OtherNameOutputSerializer(self.context["record"]["other_names"], many=True).data

    @extend_schema_field(AddressOutputSerializer(many=True))
    def get_addresses(self, person):
        return AddressOutputSerializer(self.context["record"]["addresses"], many=True).data

    @extend_schema_field(EpisodeOutputSerializer(allow_null=True))
    def get_current_episode(self, person):
        episode = self.context["record"]["current_episode"]
        return EpisodeOutputSerializer(episode).data if episode else None

    @extend_schema_field(InvolvementOutputSerializer(many=True))
    def get_involvements(self, person):
        return InvolvementOutputSerializer(self.context["record"]["involvements"], many=True).data

    def get_can_edit(self, person) -> bool:
        return bool(self.context.get("can_edit"))


class PersonMatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    la_child_id = serializers.CharField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    score = serializers.FloatField(help_text="0 to 1: how likely this record is the person described.")
    reasons = serializers.ListField(child=serializers.CharField())
    likely_duplicates = serializers.ListField(
        child=serializers.CharField(),
        help_text="LA child IDs of the other records in these results that are likely the same child (names alike, "
        "and the same date of birth or a current postcode in common).",
    )
    url = serializers.URLField()


class RestrictedMatchOutputSerializer(serializers.Serializer):
    restricted = serializers.BooleanField(help_text="Always true: a restricted record you may not see matched.")


_MATCH = PolymorphicProxySerializer(
    component_name="SearchMatch",
    serializers=[PersonMatchOutputSerializer, RestrictedMatchOutputSerializer],
    resource_type_field_name=None,
)


def match_representation(hit: SearchHit, request) -> dict:
    """A scored match, or only {"restricted": true}: nothing about a restricted record the user may not
    see (not its id, score or reasons)."""
    if hit.person is None:
        return {"restricted": True}
    person = hit.person
    return {
        "id": person.pk,
        "la_child_id": person.la_child_id,
        "name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "score": hit.score,
        "reasons": list(hit.reasons),
        "likely_duplicates": [other.person.la_child_id for other in hit.likely_duplicates],
        "url": request.build_absolute_uri(reverse("api:person_detail", args=[person.pk])),
    }


@extend_schema_field(_MATCH)
class MatchField(serializers.Field):
    """Serialises a selectors.SearchHit (read only)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return match_representation(value, self.context["request"])


class SearchResultsOutputSerializer(serializers.Serializer):
    results = serializers.ListField(child=MatchField())


class DuplicatesOutputSerializer(serializers.Serializer):
    duplicates = serializers.ListField(child=MatchField())


class DuplicatesConflictOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = serializers.ListField(child=MatchField())


class RelatedPersonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    la_child_id = serializers.CharField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    url = serializers.URLField(allow_null=True, help_text="Null when the record is not in your scope.")


_RELATED = PolymorphicProxySerializer(
    component_name="RelatedPerson",
    serializers=[RelatedPersonOutputSerializer, RestrictedMatchOutputSerializer],
    resource_type_field_name=None,
)


class RelationshipOutputSerializer(serializers.Serializer):
    """One line of the family network, read from this person's side ("<person> is <relationship>")."""

    relationship_id = serializers.IntegerField()
    person = serializers.SerializerMethodField()
    relationship = serializers.CharField(help_text="How the other person relates to this one, e.g. Mother.")
    parental_responsibility = serializers.BooleanField(
        help_text="The other person holds parental responsibility for this one."
    )
    current = serializers.BooleanField()

    @extend_schema_field(_RELATED)
    def get_person(self, entry) -> dict:
        return entry["person_data"]


class ChronologyEntryOutputSerializer(serializers.ModelSerializer):
    strand_display = serializers.CharField(source="get_strand_display")
    author = serializers.CharField(source="author.full_name", default=None, allow_null=True)
    source_agency = serializers.CharField(source="source_agency.name", default=None, allow_null=True)
    link = serializers.SerializerMethodField()

    class Meta:
        model = ChronologyEntry
        fields = [
            "id",
            "occurred_at",
            "strand",
            "strand_display",
            "kind",
            "summary",
            "significant",
            "tags",
            "author",
            "source_agency",
            "link",
        ]
        read_only_fields = fields

    def get_link(self, entry: ChronologyEntry) -> str:
        """Where the record this entry describes is now (an entry written before its page moved keeps the old
        path: cases.moved)."""
        return current_link(entry.link)


# --- error shapes (for the OpenAPI document) ------------------------------------------------------------


class DetailOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()


FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Reasons keyed by field name (non_field_errors for the whole request); a nested object's "
    "reasons are nested the same way.",
    "additionalProperties": {},
    "example": {"nhs_number": ["Enter a valid NHS number: the check digit does not match"]},
}
