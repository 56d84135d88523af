"""The facilitator's caseload (issue 15 item 2): the families allocated to them, with the meeting type, the stage,
the next preparation step and the meeting date; and its home-page panel. Read through the scoped referrals."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cases import policy
from cases.models import User
from cases.web import audit_shown

from ..permissions import FACILITATE
from ..selectors.caseload import caseload_counts, caseload_for


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    if not policy.may(request.user, FACILITATE):
        raise Http404
    rows = caseload_for(request.user)
    audit_shown(request, "fgdm.caseload.viewed", [c for row in rows for c in row.children], target_type="fgdm.caseload")
    return render(request, "fgdm/caseload.html", {"rows": rows})


def caseload_panel(user: User) -> dict | None:
    """The home page's panel for a facilitator: how many families, how many still preparing, reviews due."""
    if not policy.may(user, FACILITATE):
        return None
    return caseload_counts(user)


urlpatterns = [path("caseload/", caseload, name="caseload")]
