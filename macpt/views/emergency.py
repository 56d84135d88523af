"""Emergency action pages: accepting an emergency-action work request (the page its kind opens on), recording police
protection or an EPO for a child, the child's emergency actions, and one action with its end.

Selector -> form -> one service -> redirect. Out of scope is 404 (a service's PermissionDenied too); every page that
shows a child writes one read-audit row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors import person_get_for_user
from cases.selectors.work_requests import user_receives
from cases.services import Conflict
from cases.web import audit_shown

from ..emergency_forms import SERVICE_ALIASES, EmergencyActionForm, EmergencyEndForm
from ..selectors.emergency import (
    emergency_action_get_for_user,
    emergency_actions_for_person,
    emergency_request_get_for_user,
)
from ..services.emergency import emergency_action_end, emergency_action_record, may_record_emergency_action


def _record(request: HttpRequest, form: EmergencyActionForm, *, person, work_request=None):
    """The service call of the two record pages: the action, or None with the errors on the form."""
    try:
        return emergency_action_record(
            person=person, actor=request.user, data=form.service_data(), work_request=work_request
        )
    except PermissionDenied:
        raise Http404 from None
    except Conflict as exc:  # a colleague accepted the request first
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_service_errors(exc, aliases=SERVICE_ALIASES)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def emergency_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """An emergency-action request's page for its receivers: record the action taken, which accepts the request."""
    user = request.user
    work_request = emergency_request_get_for_user(user=user, request_id=pk)
    is_open = work_request.status == work_request.Status.OPEN
    if not (may_record_emergency_action(user) and (not is_open or user_receives(user=user, request=work_request))):
        raise Http404
    form = EmergencyActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and is_open and form.is_valid():
        action = _record(request, form, person=work_request.person, work_request=work_request)
        if action is not None:
            messages.success(request, f"{action.get_kind_display()} recorded and the request accepted")
            return redirect("macpt:emergency_action", action.pk)
    audit_shown(request, "macpt.emergency_request.viewed", [work_request.person_id], target=work_request)
    return render(
        request,
        "macpt/emergency/accept.html",
        {
            "work_request": work_request,
            "person": work_request.person,
            "form": form,
            "is_open": is_open,
            "actions": list(work_request.emergency_actions.all()),
        },
    )


@login_required
@require_GET
def emergency_actions(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, person_id=person_pk)
    actions = list(emergency_actions_for_person(person=person))
    audit_shown(request, "macpt.emergency_actions.viewed", [person.pk], target=person)
    return render(
        request,
        "macpt/emergency/list.html",
        {"person": person, "actions": actions, "may_record": may_record_emergency_action(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def emergency_action_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = request.user
    person = person_get_for_user(user=user, person_id=person_pk)
    if not may_record_emergency_action(user):
        raise Http404
    form = EmergencyActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        action = _record(request, form, person=person)
        if action is not None:
            messages.success(request, f"{action.get_kind_display()} recorded")
            return redirect("macpt:emergency_action", action.pk)
    audit_shown(request, "macpt.emergency_action_form.viewed", [person.pk], target=person)
    return render(request, "macpt/emergency/create.html", {"person": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def emergency_action(request: HttpRequest, pk: int) -> HttpResponse:
    """One emergency action; an LCPP records its end here (POST)."""
    user = request.user
    action = emergency_action_get_for_user(user=user, action_id=pk)
    may_end = action.is_open and may_record_emergency_action(user)
    if request.method == "POST" and not may_end:
        raise Http404
    form = EmergencyEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action = emergency_action_end(action=action, actor=user, data=form.service_data())
        except PermissionDenied:
            raise Http404 from None
        except Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc, aliases=SERVICE_ALIASES)
        else:
            messages.success(request, f"The end of the {action.get_kind_display().lower()} is recorded")
            return redirect("macpt:emergency_action", action.pk)
    audit_shown(request, "macpt.emergency_action.viewed", [action.person_id], target=action)
    return render(
        request,
        "macpt/emergency/detail.html",
        {"action": action, "person": action.person, "form": form, "may_end": may_end},
    )


urlpatterns = [
    path("emergency/requests/<int:pk>/", emergency_accept, name="emergency_accept"),
    path("emergency/<int:pk>/", emergency_action, name="emergency_action"),
    path("children/<int:person_pk>/emergency/", emergency_actions, name="emergency_actions"),
    path("children/<int:person_pk>/emergency/new/", emergency_action_create, name="emergency_action_create"),
]
