"""Finding people: fuzzy name, date of birth, NHS number and postcode search, and likely duplicates."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Func, Q, QuerySet, Value
from django.db.models.functions import Greatest

from .. import policy, validators
from ..models import (
    Address,
    Person,
    PersonName,
    User,
)
from ..permissions import may_break_glass, person_record_scope

LIKELY_DUPLICATE_SCORE = 0.6
_CANDIDATE_LIMIT = 200


@dataclass
class SearchCriteria:
    name: str = ""
    date_of_birth: date | None = None
    dob_range_days: int = 0
    nhs_number: str = ""
    postcode: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.nhs_number.strip() or self.postcode.strip())


@dataclass
class SearchHit:
    person: Person | None  # None: a restricted record the user may not see
    score: float
    reasons: list[str] = field(default_factory=list)
    # The other hits of the same search that are likely the same person (likely_same_person): each is flagged.
    likely_duplicates: list["SearchHit"] = field(default_factory=list)

    # A record outside the user's work, found by a whole-council search (break-glass): shown by name and date of
    # birth only, opened only by breaking glass with a reason.
    outside: bool = False

    @property
    def restricted_placeholder(self) -> bool:
        return self.person is None


def _name_parts(name: str) -> tuple[str, str]:
    tokens = [t for t in name.lower().replace(",", " ").split() if t]
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return "", tokens[0]
    return tokens[0], tokens[-1]


def _candidates(criteria: SearchCriteria, qs: QuerySet[Person], addresses: QuerySet[Address]) -> QuerySet[Person]:
    """Rows worth scoring: a name that is similar or sounds alike, or an exact identifier.

    Each condition is its own query, served by its own index (trigram GIN, phonetic btree, NHS unique,
    DOB btree, postcode btree), and the union of their ids is scored. One query OR-ing them together
    defeats the indexes: at 700,000 people it became a sequential scan (600 ms against 15 ms)."""
    name = " ".join(criteria.name.lower().split())
    first, last = _name_parts(name)
    similarity = Greatest(TrigramSimilarity("search_name", name), Value(0.0)) if name else Value(0.0)
    id_sets = []
    if name:
        last_sound = Func(Value(last), function="dmetaphone")
        if first:
            sounds = Q(last_name_phonetic=last_sound, first_name_phonetic=Func(Value(first), function="dmetaphone"))
        else:
            sounds = Q(last_name_phonetic=last_sound) | Q(first_name_phonetic=last_sound)
        for condition in (Q(search_name__trigram_similar=name), sounds):
            id_sets.append(
                qs.filter(condition)
                .annotate(s=similarity)
                .order_by("-s", "id")
                .values_list("pk", flat=True)[:_CANDIDATE_LIMIT]
            )
        id_sets.append(
            PersonName.objects.filter(last_name__iexact=last).values_list("person_id", flat=True)[:_CANDIDATE_LIMIT]
        )
    nhs = validators.normalise_nhs_number(criteria.nhs_number)
    if nhs:
        id_sets.append(qs.filter(nhs_number=nhs).values_list("pk", flat=True))
    if criteria.date_of_birth and not name:
        span = timedelta(days=criteria.dob_range_days)
        id_sets.append(
            qs.filter(date_of_birth__range=(criteria.date_of_birth - span, criteria.date_of_birth + span))
            .order_by("id")
            .values_list("pk", flat=True)[:_CANDIDATE_LIMIT]
        )
    if criteria.postcode.strip() and not name:
        postcode = criteria.postcode.replace(" ", "").upper()
        id_sets.append(
            addresses.filter(postcode_normalised=postcode)
            .order_by("person_id")
            .values_list("person_id", flat=True)[:_CANDIDATE_LIMIT]
        )
    if len(id_sets) == 1:
        # One condition (an NHS number, a postcode or a date of birth alone): its query is the subquery, served by
        # its index all the same, and the round trip for the ids goes.
        qs = qs.filter(pk__in=id_sets[0])
    else:
        qs = qs.filter(pk__in={pk for id_set in id_sets for pk in id_set})
    if name:
        qs = qs.annotate(
            name_similarity=similarity,
            last_sounds=ExpressionWrapper(
                Q(last_name_phonetic=Func(Value(last), function="dmetaphone")), output_field=BooleanField()
            ),
            first_sounds=ExpressionWrapper(
                Q(first_name_phonetic=Func(Value(first or last), function="dmetaphone")), output_field=BooleanField()
            ),
        )
    else:
        qs = qs.annotate(name_similarity=Value(0.0))
    return qs.order_by("-name_similarity", "id")[:_CANDIDATE_LIMIT]


def _score(person: Person, criteria: SearchCriteria, postcodes: set[str]) -> tuple[float, list[str]]:
    """0..1: how likely this record is the person described. A matching NHS number settles it; otherwise
    name (0.6), date of birth (0.35) and postcode (0.1) are weighted over the criteria given, and a
    different date of birth halves the result (two people can share a name, rarely a birthday too)."""
    nhs = validators.normalise_nhs_number(criteria.nhs_number)
    if nhs and person.nhs_number:
        return (1.0, ["same NHS number"]) if nhs == person.nhs_number else (0.0, ["different NHS number"])
    reasons: list[str] = []
    parts: list[tuple[float, float]] = []
    penalty = 1.0
    name = " ".join(criteria.name.lower().split())
    if name:
        first, _ = _name_parts(name)
        similarity = float(getattr(person, "name_similarity", 0.0) or 0.0)
        sound_last = bool(getattr(person, "last_sounds", False))
        sound_first = bool(getattr(person, "first_sounds", False)) if first else sound_last
        name_score = similarity
        if sound_last and sound_first:
            name_score = max(name_score, 0.8)
            reasons.append("name sounds the same")
        elif sound_last:
            name_score = max(name_score, 0.45)
            reasons.append("last name sounds the same")
        if similarity >= 0.5:
            reasons.append(f"name {similarity:.0%} similar")
        parts.append((0.6, name_score))
    if criteria.date_of_birth:
        dob = person.date_of_birth
        if dob is None:
            dob_score = 0.3
        elif dob == criteria.date_of_birth:
            dob_score = 1.0
            reasons.append("same date of birth")
        elif abs((dob - criteria.date_of_birth).days) <= criteria.dob_range_days:
            dob_score = 0.7
            reasons.append("date of birth in range")
        elif (dob.day, dob.month) == (criteria.date_of_birth.month, criteria.date_of_birth.day):
            dob_score = 0.6
            reasons.append("date of birth with day and month swapped")
        else:
            dob_score = 0.0
            penalty = 0.5
        parts.append((0.35, dob_score))
    if criteria.postcode.strip():
        same = criteria.postcode.replace(" ", "").upper() in postcodes
        if same:
            reasons.append("same postcode")
        parts.append((0.1, 1.0 if same else 0.0))
    if nhs and not parts:
        return 0.0, []
    total = sum(w for w, _ in parts)
    score = sum(w * v for w, v in parts) / total * penalty if total else 0.0
    return max(0.0, min(1.0, round(score, 3))), reasons


def person_search(
    *, user: User, criteria: SearchCriteria, limit: int = 25, whole_council: bool = False
) -> list[SearchHit]:
    """Scored matches the user may see, best first; a restricted match they may not see appears only
    as a bare placeholder (and only where they could have seen the record were it not restricted).

    `whole_council` (break-glass, for a user who may break glass and has given a reason: the view checks both):
    the council's unrestricted records outside the user's work are found too, as `outside` hits (name and date of
    birth only). A restricted record outside their work is never found: no placeholder says it exists."""
    if criteria.is_empty:
        return []
    visible = person_record_scope(user, ignore_restriction=True)
    in_scope = visible
    if whole_council:
        if not may_break_glass(user):
            raise PermissionDenied("This user may not search the whole council")
        visible = Person.objects.filter(merged_into__isnull=True).filter(
            Q(restricted=False) | Q(pk__in=in_scope.values("pk"))
        )
    # A safe address the user may not see neither finds nor scores its person: a match would tell where they are.
    addresses = Address.objects.filter(policy.safe_address_filter(user))
    candidates = list(_candidates(criteria, visible, addresses))
    postcodes_by_person: dict[int, set[str]] = {}
    if criteria.postcode.strip() and candidates:
        for pid, pc in addresses.filter(person__in=[c.pk for c in candidates]).values_list(
            "person_id", "postcode_normalised"
        ):
            postcodes_by_person.setdefault(pid, set()).add(pc)
    allowed_restricted = set()
    restricted_ids = [c.pk for c in candidates if c.restricted]
    if restricted_ids:
        allowed_restricted = set(person_record_scope(user).filter(pk__in=restricted_ids).values_list("pk", flat=True))
    outside: set[int] = set()
    if whole_council and candidates:
        ids = [c.pk for c in candidates]
        outside = set(ids) - set(in_scope.filter(pk__in=ids).values_list("pk", flat=True))
    hits: list[SearchHit] = []
    for person in candidates:
        score, reasons = _score(person, criteria, postcodes_by_person.get(person.pk, set()))
        if score < 0.3:
            continue
        if person.pk in outside:
            hits.append(SearchHit(person=person, score=score, reasons=[], outside=True))
        elif person.restricted and person.pk not in allowed_restricted:
            hits.append(SearchHit(person=None, score=score, reasons=[]))
        else:
            hits.append(SearchHit(person=person, score=score, reasons=reasons))
    hits.sort(key=lambda h: (-h.score, h.person.last_name if h.person else "", h.person.pk if h.person else 0))
    # Collapse placeholders: one line says a restricted record matched, never how many or how well.
    shown: list[SearchHit] = []
    placeholder = False
    for hit in hits:
        if hit.person is None:
            if not placeholder:
                shown.append(SearchHit(person=None, score=0.0))
                placeholder = True
            continue
        shown.append(hit)
    return flag_likely_duplicates(user=user, hits=shown[:limit])


# --- likely duplicates among the hits ---------------------------------------------------------------------------


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter changed, added or left out (Jemma and Gemma, Kacper and Kasper)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _alike(a: str, b: str, sound_a: str | None, sound_b: str | None) -> bool:
    """Two names alike: the same ignoring case and spaces, the same sound (double metaphone), or one letter apart."""
    a, b = "".join(a.lower().split()), "".join(b.lower().split())
    return bool(a and b) and (a == b or (bool(sound_a) and sound_a == sound_b) or _one_letter_apart(a, b))


def likely_same_person(a: Person, b: Person, postcodes: dict[int, set[str]]) -> list[str]:
    """Why two records look like one person ([] when they do not). The rule: first names alike and last names alike
    (_alike), and the same date of birth or a current postcode in common. Two different NHS numbers are two people,
    whatever else they share."""
    if a.nhs_number and b.nhs_number and a.nhs_number != b.nhs_number:
        return []
    if not (
        _alike(a.first_name, b.first_name, a.first_name_phonetic, b.first_name_phonetic)
        and _alike(a.last_name, b.last_name, a.last_name_phonetic, b.last_name_phonetic)
    ):
        return []
    reasons = []
    if a.date_of_birth and a.date_of_birth == b.date_of_birth:
        reasons.append("same date of birth")
    if postcodes.get(a.pk, set()) & postcodes.get(b.pk, set()):
        reasons.append("same postcode")
    return ["names alike", *reasons] if reasons else []


def flag_likely_duplicates(*, user: User, hits: list[SearchHit]) -> list[SearchHit]:
    """Flag each pair of the hits that is likely one person (likely_same_person), on both. Only records the user may
    see are compared (a restricted placeholder is never named), and only by the current postcodes they may see (a safe
    address they may not see says nothing). One query (the postcodes), none for fewer than two records."""
    shown = [h for h in hits if h.person is not None and not h.outside]
    for hit in shown:
        hit.likely_duplicates = []
    if len(shown) < 2:
        return hits
    postcodes: dict[int, set[str]] = {}
    for person_id, postcode in (
        Address.objects.filter(person_id__in=[h.person.pk for h in shown], end_date__isnull=True)
        .filter(policy.safe_address_filter(user))
        .values_list("person_id", "postcode_normalised")
    ):
        postcodes.setdefault(person_id, set()).add(postcode)
    for index, hit in enumerate(shown):
        for other in shown[index + 1 :]:
            if likely_same_person(hit.person, other.person, postcodes):
                hit.likely_duplicates.append(other)
                other.likely_duplicates.append(hit)
    return hits


def person_find_duplicates(*, user: User, data: dict, exclude_id: int | None = None) -> list[SearchHit]:
    """Likely duplicates of a person about to be created (or edited), scored."""
    criteria = SearchCriteria(
        name=f"{data.get('first_name', '')} {data.get('last_name', '')}".strip(),
        date_of_birth=data.get("date_of_birth"),
        nhs_number=data.get("nhs_number") or "",
        postcode=data.get("postcode") or "",
    )
    hits = person_search(user=user, criteria=criteria, limit=10)
    return [
        h
        for h in hits
        if (h.person is None or h.person.pk != exclude_id) and (h.person is None or h.score >= LIKELY_DUPLICATE_SCORE)
    ]
