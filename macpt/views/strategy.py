"""Strategy discussion pages: start one from the strategy-discussion request (the kind's accept page) or directly for a
child; the discussion's page (children and decisions, attendees, each agency's information, sharing the record); the
record as a PDF.

Selector -> form -> one service -> redirect. Out of scope is 404 (a service's PermissionDenied too); every page that
shows children writes one read-audit row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.disclosure import disclosure_path
from cases.models import Agency, FamilyCaseMember, LawfulBasis, Person, Team, User, WorkRequest
from cases.permissions import person_record_scope
from cases.selectors import person_get_for_user, work_request_get_for_user
from cases.services import Conflict
from cases.web import audit_shown, pdf_response

from ..forms import AbsenceForm, AttendeeForm, DecisionForm, InformationEditForm, InformationForm, StartForm
from ..models import StrategyDiscussion
from ..selectors import strategy as sel
from ..services.strategy import (
    missing_agencies,
    strategy_absence_record,
    strategy_attendee_add,
    strategy_decide,
    strategy_discussion_start,
    strategy_information_add,
    strategy_information_update,
    strategy_record_share,
)

# --- starting a discussion -----------------------------------------------------------------------------------


def _children_for(user, person: Person) -> list[Person]:
    """The child and their brothers and sisters in any of their families, as this user may open them."""
    family_ids = FamilyCaseMember.objects.filter(person=person, end_date__isnull=True).values("family_case_id")
    siblings = Person.objects.filter(
        family_memberships__family_case__in=family_ids,
        family_memberships__role=FamilyCaseMember.Role.CHILD,
        family_memberships__end_date__isnull=True,
    )
    people = person_record_scope(user, relatives=False).filter(pk__in=siblings.values("pk")).exclude(pk=person.pk)
    return [person, *people.order_by("date_of_birth", "id").distinct()]


def _start(request: HttpRequest, person: Person, work_request: WorkRequest | None) -> HttpResponse:
    user = request.user
    children = _children_for(user, person)
    teams = sel.chair_teams(user=user)
    now = timezone.localtime()
    initial = {
        "children": [person.pk],
        "team": teams[0].pk if teams else None,
        "held_on": now.date(),
        "held_time": now.strftime("%H:%M"),
        "reason": work_request.summary if work_request else "",
    }
    form = StartForm(
        request.POST if request.method == "POST" else None, children=children, teams=teams, initial=initial
    )
    is_open = work_request is None or work_request.status == WorkRequest.Status.OPEN
    if request.method == "POST" and is_open and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in children if c.pk in set(data["children"])]
        try:
            discussion = strategy_discussion_start(
                actor=user,
                team=Team.objects.get(pk=data["team"]),
                children=chosen,
                held_at=data["held_at"],
                form=data["form"],
                reason=data["reason"],
                work_request=work_request,
            )
        except Conflict as exc:  # a colleague handled the request first
            form.add_error(None, str(exc))
            is_open = False
        except ValidationError as exc:
            form.add_service_errors(exc, aliases={"held_at": "held_on"})
        else:
            messages.success(request, f"{discussion.get_form_display()} started")
            return redirect("macpt:strategy", discussion.pk)
    audit_shown(request, "strategy_discussion.start_viewed", children, target=work_request)
    return render(
        request,
        "macpt/strategy_start.html",
        {"person": person, "work_request": work_request, "form": form, "is_open": is_open},
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The strategy-discussion request's accept page (the kind's url_name): accepting it starts the discussion."""
    if not sel.may_chair(request.user):
        raise Http404
    work_request = work_request_get_for_user(user=request.user, request_id=pk)
    if work_request.kind != WorkRequest.Kind.STRATEGY_DISCUSSION:
        raise Http404
    return _start(request, work_request.person, work_request)


@login_required
@require_http_methods(["GET", "POST"])
def strategy_start(request: HttpRequest, pk: int) -> HttpResponse:
    """An LCPP starts a discussion directly for a child (and brothers and sisters)."""
    if not sel.may_chair(request.user):
        raise Http404
    person = person_get_for_user(user=request.user, person_id=pk)
    return _start(request, person, None)


def _members(discussion: StrategyDiscussion) -> list[User]:
    """The discussion's team's active members, who may be recorded as attendees by name (and are sent the record)."""
    return list(
        discussion.team.members.filter(is_active=True).select_related("agency").order_by("agency__name", "full_name")
    )


# --- the discussion's page -----------------------------------------------------------------------------------


def _page(request: HttpRequest, discussion: StrategyDiscussion, **forms) -> HttpResponse:
    user = request.user
    children = list(discussion.children.all())
    information = sel.discussion_information(discussion=discussion, user=user)
    enquiries = sel.enquiries_for_discussion(discussion=discussion)
    for child in children:
        child.enquiry = enquiries.get(child.person_id)
    is_open = discussion.record_shared_at is None
    chair = sel.may_chair(user)
    contribute = sel.may_contribute(user)
    people = [c.person for c in children]
    context = {
        "discussion": discussion,
        "children": children,
        "attendees": list(discussion.attendees.all()),
        "information": information,
        "missing": missing_agencies(discussion),
        "undecided": sum(1 for c in children if not c.decision),
        "is_open": is_open,
        "may_chair": chair and is_open,
        # Immediate protective action is recorded on the emergency action page (police protection, an EPO).
        "may_record_emergency": sel.may_lead_enquiry(user),
        "may_contribute": contribute and is_open,
        "attendee_form": forms.get("attendee_form") or AttendeeForm(prefix="attendee", members=_members(discussion)),
        "absence_form": forms.get("absence_form")
        or AbsenceForm(
            prefix="absence",
            initial={
                "police_reason": discussion.police_absence_reason,
                "health_reason": discussion.health_absence_reason,
            },
        ),
        "information_form": forms.get("information_form") or InformationForm(prefix="information", children=people),
        "share_errors": forms.get("share_errors") or [],
    }
    audit_shown(request, "strategy_discussion.viewed", people, target=discussion)
    status = 200
    return render(request, "macpt/strategy.html", context, status=status)


@login_required
@require_GET
def strategy(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, sel.discussion_get_for_user(user=request.user, discussion_id=pk))


@login_required
@require_POST
def strategy_attendee_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
    if not sel.may_chair(request.user):
        raise Http404
    form = AttendeeForm(request.POST, prefix="attendee", members=_members(discussion))
    if form.is_valid():
        data = form.cleaned_data
        user = form.members.get(data["user"])
        try:
            attendee = strategy_attendee_add(
                discussion=discussion,
                actor=request.user,
                agency=Agency.objects.filter(pk=data["agency"]).first() if data["agency"] else None,
                user=user,
                name=data["name"],
                attendance=data["attendance"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{attendee.name} added")
            return redirect("macpt:strategy", discussion.pk)
    return _page(request, discussion, attendee_form=form)


@login_required
@require_POST
def strategy_absence(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
    if not sel.may_chair(request.user):
        raise Http404
    form = AbsenceForm(request.POST, prefix="absence")
    if form.is_valid():
        try:
            strategy_absence_record(
                discussion=discussion,
                actor=request.user,
                police_reason=form.cleaned_data["police_reason"],
                health_reason=form.cleaned_data["health_reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Reasons saved")
            return redirect("macpt:strategy", discussion.pk)
    return _page(request, discussion, absence_form=form)


@login_required
@require_POST
def strategy_information_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
    if not sel.may_contribute(request.user):
        raise Http404
    people = [c.person for c in discussion.children.all()]
    form = InformationForm(request.POST, prefix="information", children=people)
    if form.is_valid():
        person = next((p for p in people if p.pk == form.cleaned_data["person"]), None)
        try:
            strategy_information_add(
                discussion=discussion,
                actor=request.user,
                text=form.cleaned_data["text"],
                person=person,
                tags=form.cleaned_data["tags"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Information from {request.user.agency} added")
            return redirect("macpt:strategy", discussion.pk)
    return _page(request, discussion, information_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def strategy_information_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.information_get_for_user(user=request.user, item_id=pk)
    if not sel.may_contribute(request.user):
        raise Http404
    discussion = item.discussion
    form = InformationEditForm(request.POST if request.method == "POST" else None, initial={"text": item.text})
    if request.method == "POST" and form.is_valid():
        try:
            strategy_information_update(item=item, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Information changed")
            return redirect("macpt:strategy", discussion.pk)
    audit_shown(
        request,
        "strategy_discussion.information_viewed",
        [item.person_id] if item.person_id else list(discussion.children.values_list("person_id", flat=True)),
        target=item,
    )
    return render(request, "macpt/information_edit.html", {"item": item, "discussion": discussion, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def strategy_decision(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
    if not sel.may_chair(request.user):
        raise Http404
    child = next((c for c in discussion.children.all() if c.pk == child_pk), None)
    if child is None:
        raise Http404
    child.discussion = discussion
    form = DecisionForm(request.POST if request.method == "POST" else None, prefix="decision")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = strategy_decide(
                child=child,
                actor=request.user,
                decision=data["decision"],
                next_step=data["next_step"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if enquiry is not None:
                messages.success(
                    request,
                    f"Section 47 enquiry started for {child.person.display_name}: the initial child protection "
                    f"conference is due by {enquiry.icpc_target:%d %B %Y}",
                )
            else:
                messages.success(request, f"Decision recorded for {child.person.display_name}")
            return redirect("macpt:strategy", discussion.pk)
    audit_shown(request, "strategy_discussion.decision_viewed", [child.person_id], target=discussion)
    return render(
        request,
        "macpt/decision.html",
        {
            "discussion": discussion,
            "child": child,
            "form": form,
            "missing": missing_agencies(discussion),
            "decided": bool(child.decision),
        },
    )


@login_required
@require_POST
def strategy_share(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
    if not sel.may_chair(request.user):
        raise Http404
    try:
        strategy_record_share(discussion=discussion, actor=request.user)
    except ValidationError as exc:
        return _page(request, discussion, share_errors=exc.messages)
    messages.success(request, "The record was shared with the attendees")
    return redirect("macpt:strategy", discussion.pk)


@login_required
@require_GET
@disclosure_path(
    key="strategy_pdf",
    label="Strategy discussion record (PDF)",
    url_name="macpt:strategy_pdf",
    lawful_basis=LawfulBasis.PUBLIC_TASK_S47,
)
def strategy_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
    from ..documents import render_strategy_record

    pdf, child_ids = render_strategy_record(discussion=discussion, user=request.user)
    audit_shown(request, "strategy_discussion.record_printed", child_ids, target=discussion)
    return pdf_response(pdf, f"strategy-discussion-{discussion.pk}-{timezone.localdate():%Y%m%d}.pdf")


urlpatterns = [
    path("requests/<int:pk>/strategy/", strategy_accept, name="strategy_accept"),
    path("people/<int:pk>/strategy/new/", strategy_start, name="strategy_start"),
    path("strategy/<int:pk>/", strategy, name="strategy"),
    path("strategy/<int:pk>/attendees/", strategy_attendee_add_view, name="strategy_attendee_add"),
    path("strategy/<int:pk>/absence/", strategy_absence, name="strategy_absence"),
    path("strategy/<int:pk>/information/", strategy_information_add_view, name="strategy_information_add"),
    path("strategy/information/<int:pk>/edit/", strategy_information_edit, name="strategy_information_edit"),
    path("strategy/<int:pk>/children/<int:child_pk>/decision/", strategy_decision, name="strategy_decision"),
    path("strategy/<int:pk>/share/", strategy_share, name="strategy_share"),
    path("strategy/<int:pk>/record.pdf", strategy_pdf, name="strategy_pdf"),
]
