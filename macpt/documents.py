"""The strategy discussion's record as a PDF (WeasyPrint through cases.documents: our own template, static files
only, a time limit): what the attendees receive. It holds the agencies' information the printing user may read (the
tag rules), never more."""

from django.conf import settings
from django.utils import timezone

from cases.documents import render_pdf
from cases.models import User, tag_labels

from .models import ChildProtectionConference, ConferenceChild, StrategyDiscussion
from .selectors import conference as conference_selectors
from .selectors.strategy import discussion_information, enquiries_for_discussion
from .services.strategy import discussion_reference, missing_agencies


def strategy_record_context(*, discussion: StrategyDiscussion, user: User) -> dict:
    children = list(discussion.children.all())
    enquiries = enquiries_for_discussion(discussion=discussion)
    for child in children:
        child.enquiry = enquiries.get(child.person_id)
    information = discussion_information(discussion=discussion, user=user)
    for item in information:
        item.tag_labels = tag_labels(item.tags)
    return {
        "discussion": discussion,
        "reference": discussion_reference(discussion),
        "children": children,
        "attendees": list(discussion.attendees.all()),
        "information": information,
        "missing": missing_agencies(discussion),
        "printed_at": timezone.localtime(),
        "printed_by": user,
        "council_name": settings.COUNCIL_NAME,
    }


def render_strategy_record(*, discussion: StrategyDiscussion, user: User) -> tuple[bytes, list[int]]:
    """The PDF, and the ids of the children it names (for the read audit)."""
    context = strategy_record_context(discussion=discussion, user=user)
    return render_pdf("macpt/strategy_record_pdf.html", context), [c.person_id for c in context["children"]]


# --- the conference's minutes (issue 14 item 4) --------------------------------------------------------------------
# The professionals' minutes (the reports this reader may read under the tag rules, the minutes not for the family)
# and the family's version in plain words, which leaves out every report carrying a tag in cases.policy
# FAMILY_WITHHELD_TAGS and the minutes not for the family.


def minutes_context(*, conference: ChildProtectionConference, rows: list[ConferenceChild], user: User, family: bool):
    return {
        "conference": conference,
        "rows": rows,
        "invitees": list(conference.invitees.select_related("agency").order_by("id")),
        "reports": conference_selectors.family_reports(conference=conference, user=user)
        if family
        else conference_selectors.conference_reports_for_user(conference=conference, user=user),
        "family": family,
        "printed_at": timezone.localtime(),
        "printed_by": user,
        "council_name": settings.COUNCIL_NAME,
    }


def render_minutes_pdf(*, conference: ChildProtectionConference, rows, user: User, family: bool) -> bytes:
    context = minutes_context(conference=conference, rows=rows, user=user, family=family)
    template = "macpt/minutes_family_pdf.html" if family else "macpt/minutes_pdf.html"
    return render_pdf(template, context)
