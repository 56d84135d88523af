"""The access log of one record, and the privacy officer's audit search."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import policy, selectors, services
from ..forms import (
    AuditFilterForm,
)
from ..http import require
from ..models import (
    AuditEvent,
    Role,
)
from .common import ACCESS_LOG_PAGE_SIZE, AUDIT_PAGE_SIZE, _audit_read, _page


@login_required
@require_GET
def person_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.READ_AUDIT))
    person = selectors.person_get_for_user(user=user, person_id=pk)
    # Written first, so this viewing is the newest line of the log it shows.
    _audit_read(request, "access_log.viewed", [person.pk], target=person)
    page, page_range = _page(selectors.person_access_log(person=person), ACCESS_LOG_PAGE_SIZE,
                             request.GET.get("page"))
    return render(request, "cases/person_access_log.html", {"person": person, "page_obj": page,
                                                            "page_range": page_range})


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user.has_role(Role.PRIVACY_OFFICER))
    form = AuditFilterForm(request.GET)
    form.is_valid()
    events = AuditEvent.objects.order_by("-occurred_at", "-id")
    email = form.cleaned_data.get("email", "").strip()
    verb = form.cleaned_data.get("verb", "").strip()
    if email:
        events = events.filter(actor_email__icontains=email)
    if verb:
        events = events.filter(verb__startswith=verb)
    services.audit_read(actor=user, verb="audit.viewed", child_ids=[], target_type="cases.auditevent")
    page, page_range = _page(events, AUDIT_PAGE_SIZE, request.GET.get("page"))
    return render(request, "cases/audit.html", {"form": form, "page_obj": page, "page_range": page_range})
