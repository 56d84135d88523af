"""People as a user may see them: one person, a list, the record's facts and the family network."""

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from .. import policy
from ..models import (
    RELATIONSHIP_INVERSE,
    Address,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    Involvement,
    Person,
    PersonMerge,
    Relationship,
    User,
)
from ..permissions import person_record_scope, restricted_access_in_force


def person_get_for_user(*, user: User, person_id: int) -> Person:
    """The person if this user may see them; 404 whether missing, merged away or out of scope."""
    return get_object_or_404(person_record_scope(user), pk=person_id)


def person_ids_in_scope(*, user: User, ids) -> set[int]:
    """Which of these people the user may open, in one query (none asked: no query)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(person_record_scope(user).filter(pk__in=ids).values_list("pk", flat=True))


def people_in_scope_by_id(*, user: User, ids) -> dict[int, Person]:
    """Those of these people the user may see, by id (none asked: no query)."""
    ids = {i for i in ids if i is not None}
    return {p.pk: p for p in person_record_scope(user).filter(pk__in=ids)} if ids else {}


def people_restricted_for_user(*, user: User, people) -> set[int]:
    """Of these people (records; None, a child not matched to a record, is skipped), the ids of the restricted
    records this user is not on the access list of. Every surface shows those only as "Restricted record", with no
    name and no identifier (cases.web.restricted). At most one query, none when no one given is restricted."""
    restricted = {p.pk for p in people if p is not None and p.restricted}
    if not restricted:
        return set()
    if not user.is_authenticated:
        return restricted
    allowed = restricted_access_in_force(user=user, person_id__in=restricted).values_list("person_id", flat=True)
    return restricted - set(allowed)


def person_get_by_la_child_id(*, user: User, la_child_id: str) -> Person | None:
    """The record with this LA child ID, if this user may see it."""
    return person_record_scope(user).filter(la_child_id=la_child_id).first()


WITHHELD_ADDRESS = "Safe address: not shown"


def addresses_for_user(*, user: User, qs: QuerySet[Address] | None = None) -> QuerySet[Address]:
    """Addresses annotated `withheld`: a safe address whose detail this user may not see (cases.policy TAGS).
    The row stays (the reader learns a safe address is held, and when), its detail does not."""
    qs = Address.objects.all() if qs is None else qs
    visible = policy.safe_address_filter(user)
    withheld = ExpressionWrapper(~visible, output_field=BooleanField()) if visible else Value(False)
    return qs.annotate(withheld=withheld)


def withhold_addresses(addresses) -> list[Address]:
    """The addresses with a withheld one's detail blanked, so no page, PDF or API answer can show it."""
    rows = list(addresses)
    for address in rows:
        if address.withheld:
            address.line1, address.line2, address.town, address.postcode = WITHHELD_ADDRESS, "", "", ""
    return rows


def current_postcodes(*, user: User, ids) -> dict[int, str]:
    """The current address's postcode for each of these people (one query); a safe address this user may not
    see gives WITHHELD_ADDRESS instead."""
    postcodes: dict[int, str] = {}
    for person_id, postcode, withheld in (
        addresses_for_user(user=user, qs=Address.objects.filter(person_id__in=list(ids), end_date__isnull=True))
        .order_by("person_id", "-start_date", "-id")
        .values_list("person_id", "postcode", "withheld")
    ):
        postcodes.setdefault(person_id, WITHHELD_ADDRESS if withheld else postcode)
    return postcodes


def merges_into(*, person: Person) -> list[PersonMerge]:
    """The merges into this record that have not been undone, newest first."""
    return list(
        PersonMerge.objects.filter(kept=person, unmerged_at__isnull=True)
        .select_related("merged", "actor")
        .order_by("-created_at")
    )


def merge_get_for_user(*, user: User, merge_id: int) -> PersonMerge:
    """A merge into a record this user may see; 404 otherwise."""
    return get_object_or_404(
        PersonMerge.objects.filter(kept__in=person_record_scope(user)).select_related("kept", "merged"), pk=merge_id
    )


def person_list_for_user(*, user: User) -> QuerySet[Person]:
    return person_record_scope(user).order_by("last_name", "first_name", "id")


def person_record(*, person: Person, user: User) -> dict:
    """Everything the child record page shows to this user, in a fixed number of queries (a safe address they
    may not see is there without its detail)."""
    relationships = list(
        Relationship.objects.filter(Q(from_person=person) | Q(to_person=person))
        .select_related("from_person", "to_person")
        .order_by("type", "id")
    )
    episodes = list(
        Episode.objects.filter(person=person)
        .prefetch_related(Prefetch("levels", queryset=_levels_qs()), Prefetch("leads", queryset=_leads_qs()))
        .order_by("-opened_on")
    )
    involvements = list(
        Involvement.objects.filter(person=person)
        .select_related("user", "team", "agency")
        .order_by("end_date", "-start_date")
    )
    return {
        "addresses": withhold_addresses(addresses_for_user(user=user, qs=person.addresses.all())),
        "other_names": list(person.other_names.all()),
        "relationships": relationships,
        "episodes": episodes,
        "current_episode": next((e for e in episodes if e.closed_on is None), None),
        "involvements": involvements,
    }


def _levels_qs():
    return EpisodeLevel.objects.select_related("level", "changed_by").order_by("started_at")


def _leads_qs():
    return EpisodeLead.objects.select_related("user", "user__agency").order_by("started_at")


def family_network(*, person: Person) -> list[dict]:
    """The people around a child, each with how they relate to the child (read from the child's side)."""
    network = []
    for rel in Relationship.objects.filter(Q(from_person=person) | Q(to_person=person)).select_related(
        "from_person", "to_person"
    ):
        if rel.to_person_id == person.pk:
            other, label = rel.from_person, rel.get_type_display()
        else:
            other, label = rel.to_person, RELATIONSHIP_INVERSE[rel.type]
        network.append(
            {
                "person": other,
                "relationship": label,
                "parental_responsibility": rel.parental_responsibility and rel.to_person_id == person.pk,
                "current": rel.end_date is None,
                "relationship_id": rel.pk,
            }
        )
    network.sort(key=lambda n: (not n["current"], n["relationship"], n["person"].last_name))
    return network
