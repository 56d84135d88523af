"""Data: what the contacts recorded before issue 13 items 3 and 8 say, told truly.

- Contact.decided_at is when a decision came to stand (recorded without sign-off, or agreed by the manager). Before,
  it was set when a decision was recorded, even one waiting for sign-off or later sent back. A contact with no
  decision that stands gets none, and its decision deadline (met at the recording) is open again: it is late, or
  still due, as it truly is.
- Each contact whose standing decision has outcome 1-6 is a referral: its children get the census referral
  (cases.CinReferral) the code now opens, dated the day the contact was received, closed with the episode the
  decision opened if that has closed; none where it would overlap a referral the child already has."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import migrations
from django.db.models import Prefetch

DECISION_DEADLINE = "front_door.decision"
REFERRAL_OUTCOMES = range(1, 7)


def _stood_at(decision):
    if not decision.signoff_required:
        return decision.decided_at
    try:
        signoff = decision.signoff
    except ObjectDoesNotExist:  # no sign-off yet
        return None
    return signoff.created_at if signoff.agreed else None


def forwards(apps, schema_editor):
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    Contact = apps.get_model("front_door", "Contact")
    Decision = apps.get_model("front_door", "Decision")
    Deadline = apps.get_model("cases", "Deadline")
    CinReferral = apps.get_model("cases", "CinReferral")
    Episode = apps.get_model("cases", "Episode")
    decisions = Decision.objects.select_related("signoff").order_by("decided_at", "id")
    referrals = []
    contacts = Contact.objects.prefetch_related(Prefetch("decisions", queryset=decisions), "children").order_by("id")
    for contact in contacts.iterator(chunk_size=2000):
        stood = [(d, _stood_at(d)) for d in contact.decisions.all()]
        stood = [(d, at) for d, at in stood if at is not None]
        decided_at = min((at for _d, at in stood), default=None)
        if decided_at != contact.decided_at:
            Contact.objects.filter(pk=contact.pk).update(decided_at=decided_at)
            if decided_at is None:
                deadline = (
                    Deadline.objects.filter(
                        kind=DECISION_DEADLINE, target_type="front_door.contact", target_id=str(contact.pk)
                    )
                    .order_by("-id")
                    .first()
                )
                if deadline is not None and deadline.state == "met":
                    Deadline.objects.filter(pk=deadline.pk).update(state="open", met_at=None)
        standing = max((d for d, _at in stood), key=lambda d: (d.decided_at, d.pk), default=None)
        if standing is not None and standing.outcome in REFERRAL_OUTCOMES:
            for child in contact.children.all():
                if child.person_id:
                    referrals.append((contact.received_at, contact, standing, child.person_id))
    for received_at, contact, decision, person_id in sorted(referrals, key=lambda r: (r[0], r[1].pk)):
        referral_date = received_at.astimezone(london).date()
        decided_on = decision.decided_at.astimezone(london).date()
        earlier = CinReferral.objects.filter(person_id=person_id).order_by("-referral_date", "-id").first()
        if earlier is not None and (earlier.closed_on is None or earlier.closed_on >= referral_date):
            continue  # one at a time: the child's referral then was this one's
        episode = (
            Episode.objects.filter(person_id=person_id, source_type="front_door.decision", source_id=str(decision.pk))
            .order_by("id")
            .first()
            or Episode.objects.filter(person_id=person_id, opened_on__lte=decided_on)
            .exclude(closed_on__lt=decided_on)
            .order_by("-opened_on", "-id")
            .first()
        )
        closed = episode is not None and episode.closed_on is not None
        CinReferral.objects.create(
            person_id=person_id,
            episode=episode,
            referral_date=referral_date,
            source_code=contact.source_code,
            source_type="front_door.decision",
            source_id=str(decision.pk),
            opened_by_id=decision.decided_by_id,
            closed_on=max(episode.closed_on, referral_date) if closed else None,
            closure_reason=episode.closure_reason if closed else "",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("front_door", "0008_contact_household"),
        ("cases", "0026_deadline_remind_role"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
