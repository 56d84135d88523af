"""The family's plan as a PDF for the family (issue 15 item 6), through WeasyPrint (cases.documents: our own template,
static files only, a time limit). Plain words for the family; it leaves out everything not for the family: the plan
items marked so, and every item of shared information carrying an information tag (police, health, third-party,
safe-address, not-for-family: cases.policy's tag rules; the family copy takes only what is untagged, and only what the
printing user may read). The language of the meeting and whether an interpreter was needed are recorded on it."""

from django.conf import settings
from django.utils import timezone

from cases.documents import render_pdf
from cases.models import User

from .models import FgdmMeeting, MeetingAttendee
from .selectors.meetings import information_for_family, plan_items_for_family
from .services.meetings import meeting_children


def family_plan_context(*, meeting: FgdmMeeting, user: User) -> dict:
    referral = meeting.referral
    children = meeting_children(meeting)
    language = referral.language or next((c.first_language for c in children if c.first_language), "") or "English"
    attendees = list(meeting.attendees.select_related("agency").order_by("kind", "pk"))
    return {
        "meeting": meeting,
        "referral": referral,
        "children": children,
        "family": [a for a in attendees if a.kind == MeetingAttendee.Kind.FAMILY],
        "professionals": [a for a in attendees if a.kind == MeetingAttendee.Kind.PROFESSIONAL],
        "plan_items": plan_items_for_family(meeting=meeting),
        "information": information_for_family(meeting=meeting, user=user),
        "support": list(meeting.support.order_by("pk")),
        "language": language,
        "interpreter_needed": referral.interpreter_needed,
        "interpreter_language": referral.interpreter_language or language,
        "printed_at": timezone.localtime(),
        "council_name": settings.COUNCIL_NAME,
    }


def render_family_plan_pdf(*, meeting: FgdmMeeting, user: User) -> bytes:
    return render_pdf("fgdm/family_plan_pdf.html", family_plan_context(meeting=meeting, user=user))
