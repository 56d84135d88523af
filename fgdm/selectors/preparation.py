"""Reads for the facilitator's preparation (issue 15 item 3): the family network to invite, drawn from the children's
relationships in the shared record (and anyone added during preparation, who is in it too), and the co-design's
starting values from the children's records (first language, interpreter). The referral itself is read through
selectors.scope; these read only what hangs off a referral already opened."""

from django.db.models import Q
from django.utils import timezone

from cases.models import Person, Relationship
from cases.models.people import RELATIONSHIP_INVERSE, RelationshipType

from ..models import FgdmReferral, NetworkInvitee, PreparationStep

CO_DESIGN_FIELDS = (
    "venue",
    "language",
    "interpreter_needed",
    "interpreter_language",
    "family_wants_there",
    "family_does_not_want_there",
    "meeting_planned_on",
)
# The order preparation usually runs in: the caseload's "next step" is the first not yet recorded.
STEP_ORDER = (
    PreparationStep.Kind.PROFESSIONALS,
    PreparationStep.Kind.PARENT,
    PreparationStep.Kind.CHILD,
    PreparationStep.Kind.WIDER_FAMILY,
    PreparationStep.Kind.CO_DESIGN,
)


def referral_children(referral: FgdmReferral) -> list[Person]:
    return list(referral.offer.children.order_by("pk"))


def network_for(referral: FgdmReferral) -> list[dict]:
    """The family network: everyone in a current relationship with one of the children (the children themselves
    aside), each once, with how they are related, whether they are invited (None: not decided yet) and why not."""
    children = referral_children(referral)
    ids = {c.pk for c in children}
    names = {c.pk: c.first_name for c in children}
    today = timezone.localdate()
    relationships = (
        Relationship.objects.filter(Q(from_person_id__in=ids) | Q(to_person_id__in=ids))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .filter(from_person__merged_into__isnull=True, to_person__merged_into__isnull=True)
        .select_related("from_person", "to_person")
        .order_by("pk")
    )
    rows: dict[int, dict] = {}
    for rel in relationships:
        if rel.from_person_id in ids and rel.to_person_id in ids:
            continue  # brothers and sisters in the referral are its children, not its network
        if rel.to_person_id in ids:
            person, child_id, label = rel.from_person, rel.to_person_id, RelationshipType(rel.type).label
        else:
            person, child_id, label = rel.to_person, rel.from_person_id, str(RELATIONSHIP_INVERSE[rel.type])
        row = rows.setdefault(
            person.pk,
            {"person": person, "relationship": label, "children": [], "parental_responsibility": False},
        )
        row["children"].append(names[child_id])
        row["parental_responsibility"] |= rel.parental_responsibility
    invitees = {i.person_id: i for i in NetworkInvitee.objects.filter(referral=referral).select_related("person")}
    for person_id, invitee in invitees.items():
        if person_id not in rows:
            rows[person_id] = {
                "person": invitee.person,
                "relationship": invitee.relationship,
                "children": [],
                "parental_responsibility": False,
            }
    for row in rows.values():
        invitee = invitees.get(row["person"].pk)
        row["invited"] = invitee.invited if invitee else None
        row["not_invited_reason"] = invitee.not_invited_reason if invitee else ""
    return sorted(
        rows.values(), key=lambda r: (not r["parental_responsibility"], r["person"].last_name, r["person"].pk)
    )


def co_design_initial(referral: FgdmReferral) -> dict:
    """The co-design form's values: what was saved, else the children's record (first language, interpreter)."""
    values = {name: getattr(referral, name) for name in CO_DESIGN_FIELDS}
    if not referral.language:
        children = referral_children(referral)
        language = next((c.first_language for c in children if c.first_language), "")
        values["language"] = language
        if not referral.interpreter_needed and any(c.interpreter_needed for c in children):
            values["interpreter_needed"] = True
            values["interpreter_language"] = referral.interpreter_language or language
    return values


def next_step(referral: FgdmReferral, steps=None) -> str:
    """The first usual preparation step not recorded yet ("" when all are)."""
    done = {s.kind for s in (steps if steps is not None else referral.steps.all())}
    return next((str(kind.label) for kind in STEP_ORDER if kind not in done), "")
