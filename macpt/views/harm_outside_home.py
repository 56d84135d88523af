"""Harm outside the home pages: recording it on an s47 enquiry or a conference, and its page (contexts, people,
places, and the family plan's actions that answer it), each addition a form on that page.

Readers: whoever sees the child's whole record. Writers: LCPPs (macpt.lead_enquiry); the actions: the family plan's
editors (its own rule). Selector -> form -> one service -> redirect; out of scope is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.plans import ActionForm
from cases.selectors import person_get_by_la_child_id
from cases.selectors.plans import action_owner_choices
from cases.services import Conflict
from cases.web import audit_shown

from ..harm_forms import HarmForm, HarmPersonForm, HarmPlaceForm
from ..models import ExtraFamilialHarm
from ..selectors.conference import conference_children, conference_get_for_user
from ..selectors.harm_outside_home import harm_actions, harm_get_for_user
from ..selectors.strategy import enquiry_get_for_user
from ..services.harm_outside_home import (
    harm_action_add,
    harm_family_case,
    harm_person_add,
    harm_place_add,
    harm_plan,
    harm_record,
    may_add_harm_action,
    may_record_harm,
)


def _service(form, call, *, aliases=None):
    try:
        return call()
    except PermissionDenied:
        raise Http404 from None
    except Conflict as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_service_errors(exc, aliases=aliases)
    return None


def _record_page(request, *, person, children, enquiry=None, conference=None, back_url: str) -> HttpResponse:
    user = request.user
    if not may_record_harm(user):
        raise Http404
    existing = (
        ExtraFamilialHarm.objects.filter(person=person, enquiry=enquiry, conference=conference).first()
        if person is not None
        else None
    )
    if existing is not None:
        return redirect("macpt:harm_outside_home", existing.pk)
    form = HarmForm(request.POST if request.method == "POST" else None, children=children)
    if request.method == "POST" and form.is_valid():
        child = person if children is None else form.children.get(form.cleaned_data["person"])
        harm = _service(
            form,
            lambda: harm_record(
                person=child,
                actor=user,
                contexts=form.cleaned_data["contexts"],
                summary=form.cleaned_data["summary"],
                enquiry=enquiry,
                conference=conference,
            ),
        )
        if harm is not None:
            messages.success(request, "Harm outside the home recorded")
            return redirect("macpt:harm_outside_home", harm.pk)
    shown = [person] if children is None else children
    audit_shown(request, "macpt.harm_outside_home_form.viewed", shown, target=enquiry or conference)
    return render(
        request,
        "macpt/harm/record.html",
        {"form": form, "person": person, "enquiry": enquiry, "conference": conference, "back_url": back_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def harm_from_s47(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = enquiry_get_for_user(user=request.user, enquiry_id=pk)
    return _record_page(
        request, person=enquiry.person, children=None, enquiry=enquiry, back_url=reverse("macpt:s47", args=[pk])
    )


@login_required
@require_http_methods(["GET", "POST"])
def harm_from_conference(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_get_for_user(user=request.user, conference_id=pk)
    children = [c.person for c in conference_children(conference=conference)]
    return _record_page(
        request,
        person=None,
        children=children,
        conference=conference,
        back_url=reverse("macpt:conference", args=[pk]),
    )


def _page(request, harm, *, person_form=None, place_form=None, action_form=None, posted=None) -> HttpResponse:
    user = request.user
    may_record = may_record_harm(user)
    may_act = may_add_harm_action(user, harm)
    family = harm_family_case(harm)
    plan = harm_plan(harm)
    if may_act and plan is not None and action_form is None:
        action_form = ActionForm(
            prefix="action",
            owners=action_owner_choices(family_case=family, actor=user),
            outcomes=plan.outcomes.filter(removed_at__isnull=True),
        )
    audit_shown(request, "macpt.harm_outside_home.viewed", [harm.person_id], target=harm)
    return render(
        request,
        "macpt/harm/detail.html",
        {
            "harm": harm,
            "person": harm.person,
            "people": list(harm.people.select_related("person")),
            "places": list(harm.places.all()),
            "actions": list(harm_actions(harm=harm)),
            "family": family,
            "plan": plan,
            "may_record": may_record,
            "person_form": person_form or HarmPersonForm(prefix="person"),
            "place_form": place_form or HarmPlaceForm(prefix="place"),
            "action_form": action_form if (may_act and plan is not None) else None,
            "posted": posted,
        },
    )


@login_required
@require_GET
def harm_outside_home(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, harm_get_for_user(user=request.user, harm_id=pk))


@login_required
@require_http_methods(["GET", "POST"])
def harm_person_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    harm = harm_get_for_user(user=request.user, harm_id=pk)
    if request.method != "POST":
        return redirect("macpt:harm_outside_home", pk)
    if not may_record_harm(request.user):
        raise Http404
    form = HarmPersonForm(request.POST, prefix="person")
    if form.is_valid():
        data = dict(form.cleaned_data)
        la_child_id = (data.pop("la_child_id") or "").strip()
        data["person"] = None
        if la_child_id:
            data["person"] = person_get_by_la_child_id(user=request.user, la_child_id=la_child_id)
            if data["person"] is None:
                form.add_error("la_child_id", "No record you can see has this LA child ID: leave it empty or check it")
        if not form.errors and _service(form, lambda: harm_person_add(harm=harm, actor=request.user, data=data)):
            messages.success(request, "Person added")
            return redirect("macpt:harm_outside_home", pk)
    return _page(request, harm, person_form=form, posted="person")


@login_required
@require_http_methods(["GET", "POST"])
def harm_place_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    harm = harm_get_for_user(user=request.user, harm_id=pk)
    if request.method != "POST":
        return redirect("macpt:harm_outside_home", pk)
    if not may_record_harm(request.user):
        raise Http404
    form = HarmPlaceForm(request.POST, prefix="place")
    if form.is_valid() and _service(
        form, lambda: harm_place_add(harm=harm, actor=request.user, data=form.cleaned_data)
    ):
        messages.success(request, "Place added")
        return redirect("macpt:harm_outside_home", pk)
    return _page(request, harm, place_form=form, posted="place")


@login_required
@require_http_methods(["GET", "POST"])
def harm_action_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    harm = harm_get_for_user(user=request.user, harm_id=pk)
    if request.method != "POST":
        return redirect("macpt:harm_outside_home", pk)
    plan = harm_plan(harm)
    if plan is None or not may_add_harm_action(request.user, harm):
        raise Http404
    form = ActionForm(
        request.POST,
        prefix="action",
        owners=action_owner_choices(family_case=plan.family_case, actor=request.user),
        outcomes=plan.outcomes.filter(removed_at__isnull=True),
    )
    if form.is_valid() and _service(
        form, lambda: harm_action_add(harm=harm, actor=request.user, data=form.action_data())
    ):
        messages.success(request, "Action added to the family's plan")
        return redirect("macpt:harm_outside_home", pk)
    return _page(request, harm, action_form=form, posted="action")


urlpatterns = [
    path("s47/<int:pk>/harm-outside-home/", harm_from_s47, name="harm_from_s47"),
    path("conferences/<int:pk>/harm-outside-home/", harm_from_conference, name="harm_from_conference"),
    path("harm-outside-home/<int:pk>/", harm_outside_home, name="harm_outside_home"),
    path("harm-outside-home/<int:pk>/people/", harm_person_add_view, name="harm_person_add"),
    path("harm-outside-home/<int:pk>/places/", harm_place_add_view, name="harm_place_add"),
    path("harm-outside-home/<int:pk>/actions/", harm_action_add_view, name="harm_action_add"),
]
