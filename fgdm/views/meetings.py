"""The meeting's pages under /family-group-decision-making/ (issue 15 items 4-6): selector -> form -> one service ->
redirect. A meeting opens for a user who sees every child it is about whole (fgdm.selectors.scope, else 404); its
recording pages only for the referral's allocated facilitator (policy FACILITATE), its review pages for the reviewing
roles (policy REVIEW). A refusal keeps what was typed. Every page that shows a child writes one read-audit row.

  meeting_record (referral pk), meeting, meeting_attendee_add, meeting_information_add, meeting_plan_item_add,
  meeting_support_add, meeting_agree, meeting_review_date, meeting_review, family_plan_pdf (meeting pk)
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from cases.disclosure import disclosure_path
from cases.http import require
from cases.models import Agency, Deadline, LawfulBasis, User
from cases.web import audit_shown, pdf_response

from ..forms.meetings import (
    AgreeForm,
    AttendeeForm,
    InformationForm,
    MeetingRecordForm,
    PlanItemForm,
    ReviewDateForm,
    ReviewForm,
    SupportForm,
)
from ..models import FgdmMeeting, FgdmReferral, MeetingAttendee
from ..selectors import meetings as sel
from ..selectors.scope import meeting_get, referral_get
from ..services import meetings as services
from ..services.reviews import review_record


def _meeting(request: HttpRequest, pk: int) -> FgdmMeeting:
    return meeting_get(user=request.user, pk=pk)


def _facilitating(request: HttpRequest, pk: int) -> FgdmMeeting:
    meeting = _meeting(request, pk)
    require(services.may_facilitate(request.user, meeting.referral))
    return meeting


def _reviewing(request: HttpRequest, pk: int) -> FgdmMeeting:
    meeting = _meeting(request, pk)
    require(services.may_review(request.user))
    return meeting


# --- recording the meeting -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    referral: FgdmReferral = referral_get(user=request.user, pk=pk)
    require(services.may_facilitate(request.user, referral))
    kwargs = {"people": sel.network_people(referral=referral), "users": sel.professional_users(referral=referral)}
    if request.method == "POST":
        form = MeetingRecordForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                meeting = services.meeting_record(referral=referral, actor=request.user, **form.service_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Meeting recorded")
                return redirect("fgdm:meeting", pk=meeting.pk)
    else:
        form = MeetingRecordForm(initial={"held_on": referral.meeting_planned_on}, **kwargs)
    children = list(referral.offer.children.order_by("date_of_birth", "pk"))
    audit_shown(request, "fgdm.meeting_record_viewed", children, target=referral)
    return render(request, "fgdm/meeting_record.html", {"referral": referral, "form": form, "children": children})


# --- the meeting ---------------------------------------------------------------------------------------------------


def meeting_context(request: HttpRequest, meeting: FgdmMeeting) -> dict:
    user = request.user
    may_facilitate = services.may_facilitate(user, meeting.referral)
    deadline = Deadline.objects.filter(
        kind=services.REVIEW_DEADLINE,
        target_type="fgdm.fgdmmeeting",
        target_id=str(meeting.pk),
        state=Deadline.State.OPEN,
    ).first()
    return {
        "meeting": meeting,
        "referral": meeting.referral,
        "children": services.meeting_children(meeting),
        "family_case": services.family_case_for(meeting),
        "attendees": list(meeting.attendees.select_related("agency").order_by("kind", "pk")),
        "information": sel.information_for_user(meeting=meeting, user=user),
        "plan_items": list(meeting.plan_items.all()),
        "support": list(meeting.support.order_by("pk")),
        "reviews": list(meeting.reviews.select_related("recorded_by")),
        "review_deadline": deadline,
        "may_facilitate": may_facilitate,
        "may_agree": may_facilitate and meeting.plan_id is None,
        "may_review": services.may_review(user),
    }


@login_required
@require_GET
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = meeting_context(request, meeting)
    audit_shown(request, "fgdm.meeting_viewed", context["children"], target=meeting)
    return render(request, "fgdm/meeting.html", context)


def _form_page(
    request: HttpRequest,
    meeting: FgdmMeeting,
    *,
    form_class,
    save: Callable[[dict, object], object],
    template: str,
    verb: str,
    done: str,
    form_kwargs: dict | None = None,
    initial: dict | None = None,
    service_data: Callable[[object], dict] | None = None,
) -> HttpResponse:
    """A form page of the meeting: on POST one service call; a refusal shows its reasons with what was typed."""
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            data = service_data(form) if service_data else dict(form.cleaned_data)
            try:
                save(data, form)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, done)
                return redirect("fgdm:meeting", pk=meeting.pk)
    else:
        form = form_class(initial=initial, **form_kwargs)
    audit_shown(request, verb, services.meeting_children(meeting), target=meeting)
    return render(request, template, {"meeting": meeting, "referral": meeting.referral, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitating(request, pk)
    referral = meeting.referral
    users = list(
        User.objects.filter(is_active=True, agency__isnull=False).select_related("agency").order_by("full_name")[:500]
    )
    return _form_page(
        request,
        meeting,
        form_class=AttendeeForm,
        form_kwargs={
            "people": sel.network_people(referral=referral),
            "users": users,
            "agencies": list(Agency.objects.order_by("name")),
        },
        service_data=lambda form: form.service_data(),
        save=lambda data, form: services.meeting_attendee_add(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_attendee.html",
        verb="fgdm.meeting_attendee_viewed",
        done="Attendee added",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_information_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitating(request, pk)
    attendees = list(
        meeting.attendees.filter(kind=MeetingAttendee.Kind.PROFESSIONAL).select_related("agency").order_by("pk")
    )
    return _form_page(
        request,
        meeting,
        form_class=InformationForm,
        form_kwargs={"attendees": attendees},
        service_data=lambda form: form.service_data(),
        save=lambda data, form: services.meeting_information_add(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_information.html",
        verb="fgdm.meeting_information_viewed",
        done="Information recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitating(request, pk)
    return _form_page(
        request,
        meeting,
        form_class=PlanItemForm,
        save=lambda data, form: services.meeting_plan_item_add(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_plan_item.html",
        verb="fgdm.meeting_plan_item_viewed",
        done="Added to the family's plan",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_support_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitating(request, pk)
    return _form_page(
        request,
        meeting,
        form_class=SupportForm,
        save=lambda data, form: services.meeting_support_add(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_support.html",
        verb="fgdm.meeting_support_viewed",
        done="Support recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_agree(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitating(request, pk)
    return _form_page(
        request,
        meeting,
        form_class=AgreeForm,
        service_data=lambda form: form.service_data(),
        save=lambda data, form: services.meeting_plan_agree(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_agree.html",
        verb="fgdm.meeting_agree_viewed",
        done="The family's plan is recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_review_date(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _reviewing(request, pk)
    return _form_page(
        request,
        meeting,
        form_class=ReviewDateForm,
        initial={"review_date": meeting.review_date},
        save=lambda data, form: services.meeting_review_date_set(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_review_date.html",
        verb="fgdm.meeting_review_date_viewed",
        done="Review date changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_review(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _reviewing(request, pk)
    return _form_page(
        request,
        meeting,
        form_class=ReviewForm,
        save=lambda data, form: review_record(meeting=meeting, actor=request.user, **data),
        template="fgdm/meeting_review.html",
        verb="fgdm.meeting_review_viewed",
        done="Review recorded",
    )


@login_required
@require_GET
@disclosure_path(
    key="fgdm_family_plan_pdf",
    label="The family's own plan from a family group conference (PDF)",
    url_name="fgdm:family_plan_pdf",
    family_facing=True,
    purpose="The family's own plan, given to the family",
    lawful_basis=LawfulBasis.PUBLIC_TASK_CA2004,
)
def family_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from ..documents import render_family_plan_pdf  # WeasyPrint loads only when a PDF is asked for

    meeting = _meeting(request, pk)
    audit_shown(request, "fgdm.family_plan_pdf", services.meeting_children(meeting), target=meeting)
    return pdf_response(render_family_plan_pdf(meeting=meeting, user=request.user), f"family-plan-{meeting.pk}.pdf")


urlpatterns = [
    path("referrals/<int:pk>/meeting/", meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/", meeting_page, name="meeting"),
    path("meetings/<int:pk>/attendees/add/", meeting_attendee_add, name="meeting_attendee_add"),
    path("meetings/<int:pk>/information/add/", meeting_information_add, name="meeting_information_add"),
    path("meetings/<int:pk>/plan/add/", meeting_plan_item_add, name="meeting_plan_item_add"),
    path("meetings/<int:pk>/support/add/", meeting_support_add, name="meeting_support_add"),
    path("meetings/<int:pk>/agree/", meeting_agree, name="meeting_agree"),
    path("meetings/<int:pk>/review-date/", meeting_review_date, name="meeting_review_date"),
    path("meetings/<int:pk>/review/", meeting_review, name="meeting_review"),
    path("meetings/<int:pk>/family-plan.pdf", family_plan_pdf, name="family_plan_pdf"),
]
