"""The access log of one record, and the privacy officer's audit search."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import policy, selectors
from ..forms import (
    AuditFilterForm,
)
from ..http import require
from ..web import audit_shown, paginate
from .common import ACCESS_LOG_PAGE_SIZE, AUDIT_PAGE_SIZE


@login_required
@require_GET
def person_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.READ_AUDIT))
    person = selectors.person_get_for_user(user=user, person_id=pk)
    # Written first, so this viewing is the newest line of the log it shows.
    audit_shown(request, "access_log.viewed", [person.pk], target=person)
    pagination = paginate(request, selectors.person_access_log(person=person), per_page=ACCESS_LOG_PAGE_SIZE)
    return render(
        request,
        "cases/person_access_log.html",
        {"person": person, "page_obj": pagination.page, "pagination": pagination},
    )


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.READ_AUDIT))
    form = AuditFilterForm(request.GET)
    form.is_valid()
    events = selectors.audit_events(
        actor_email=form.cleaned_data.get("email", "").strip(), verb_prefix=form.cleaned_data.get("verb", "").strip()
    )
    audit_shown(request, "audit.viewed", target_type="cases.auditevent")
    pagination = paginate(request, events, per_page=AUDIT_PAGE_SIZE)
    return render(request, "cases/audit.html", {"form": form, "page_obj": pagination.page, "pagination": pagination})
