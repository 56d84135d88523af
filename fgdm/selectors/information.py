"""What professionals shared at an FGDM meeting, as a user may read it (the information tags' rules, cases.policy):
an item is about the meeting's children, so it opens under the rules for any of them, and its author always reads it.
The meeting page and the API read it through here."""

from django.db.models import QuerySet

from cases import policy
from cases.models import User

from ..models import FgdmMeeting, SharedInformation


def meeting_information(*, meeting: FgdmMeeting, user: User) -> QuerySet[SharedInformation]:
    readable = policy.tag_filter(
        user, tags="tags", person="meeting__referral__offer__children", agency="agency_id", author="author"
    )
    ids = SharedInformation.objects.filter(meeting=meeting).filter(readable).values("pk")
    return SharedInformation.objects.filter(pk__in=ids).select_related("agency", "author").order_by("pk")
