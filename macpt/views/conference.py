"""Conference and child protection plan pages under /child-protection/: selector -> form -> one service ->
redirect. A conference opens for a user who sees every child it is about whole, a plan for one who sees its child
(404 otherwise, never 403); the pages that change them are there only for who may (an LCPP for the conference's
arrangements, minutes and decisions; an LCPP or MACPT member for an agency's report; those and the child's lead
practitioner for core groups and visits). Every page that shows a child writes one read-audit row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases import policy
from cases.codes import valid_codes
from cases.disclosure import disclosure_path
from cases.http import require
from cases.models import Action, Agency, FamilyCaseMember, LawfulBasis, Person, User
from cases.permissions import person_record_scope
from cases.selectors.families import family_case_get_for_user, family_children
from cases.web import audit_shown, pdf_response

from ..conference_forms import (
    AttendanceForm,
    ConferenceArrangeForm,
    CoreGroupForm,
    DecisionForm,
    InviteeForm,
    MinutesForm,
    PlanEndForm,
    ReportForm,
    VisitForm,
    lcpp_choices,
)
from ..models import ChildProtectionConference, ChildProtectionPlan, ConferenceKind, S47Enquiry
from ..permissions import CHAIR, CONTRIBUTE
from ..selectors import conference as sel
from ..services import conference as services
from ..services import cp_plans as plan_services


def _may(user: User, action: str) -> bool:
    return user.is_authenticated and policy.may(user, action)


def _conference(request: HttpRequest, pk: int, *, action: str | None = None) -> ChildProtectionConference:
    conference = sel.conference_get_for_user(user=request.user, conference_id=pk)
    if action is not None:
        require(_may(request.user, action))
    return conference


def _children_ids(conference: ChildProtectionConference) -> list[int]:
    return list(conference.children.values_list("person_id", flat=True))


def _render_form(request, template: str, conference, form, verb: str, **extra) -> HttpResponse:
    audit_shown(request, verb, _children_ids(conference), target=conference)
    return render(request, template, {"conference": conference, "form": form, **extra})


# --- the family's child protection page ---------------------------------------------------------------------------


@login_required
@require_GET
def family_child_protection(request: HttpRequest, pk: int) -> HttpResponse:
    family_case = family_case_get_for_user(user=request.user, family_case_id=pk, record=True)
    children = family_children(family_case=family_case, user=request.user, record=True)
    ids = {c.pk for c in children}
    conferences = [
        c
        for c in sel.conference_scope(request.user).filter(family_case=family_case).order_by("-date", "-id")
        if set(_children_ids(c)) <= ids
    ]
    plans = list(
        ChildProtectionPlan.objects.filter(person__in=children)
        .select_related("person")
        .order_by("person__date_of_birth", "-start_date")
    )
    audit_shown(request, "macpt.family_child_protection_viewed", children, target=family_case)
    return render(
        request,
        "macpt/family.html",
        {
            "family_case": family_case,
            "children": children,
            "conferences": conferences,
            "plans": plans,
            "may_arrange": _may(request.user, CHAIR),
        },
    )


# --- arranging ----------------------------------------------------------------------------------------------------


def _enquiry_for(request: HttpRequest) -> S47Enquiry | None:
    raw = request.GET.get("enquiry") or request.POST.get("enquiry")
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        return None
    return get_object_or_404(
        S47Enquiry.objects.filter(person__in=person_record_scope(request.user, relatives=False).values("pk")), pk=pk
    )


@login_required
@require_GET
def enquiry_conference(request: HttpRequest, pk: int) -> HttpResponse:
    """From an s47 enquiry that needs a conference: the arranging page of the child's family."""
    require(_may(request.user, CHAIR))
    enquiry = get_object_or_404(
        S47Enquiry.objects.filter(person__in=person_record_scope(request.user, relatives=False).values("pk")), pk=pk
    )
    membership = (
        FamilyCaseMember.objects.filter(
            person=enquiry.person_id, role=FamilyCaseMember.Role.CHILD, end_date__isnull=True
        )
        .order_by("-start_date")
        .first()
    )
    require(membership is not None)
    return redirect(reverse("macpt:conference_arrange", args=[membership.family_case_id]) + f"?enquiry={enquiry.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def conference_arrange(request: HttpRequest, pk: int) -> HttpResponse:
    require(_may(request.user, CHAIR))
    family_case = family_case_get_for_user(user=request.user, family_case_id=pk, record=True)
    children = family_children(family_case=family_case, user=request.user, record=True)
    enquiry = _enquiry_for(request)
    by_id = {str(c.pk): c for c in children}
    chairs = list(lcpp_choices())
    if request.method == "POST":
        form = ConferenceArrangeForm(request.POST, children=children, chairs=chairs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                conference = services.conference_arrange(
                    actor=request.user,
                    family_case=family_case,
                    kind=data["kind"],
                    date=data["date"],
                    children=[by_id[k] for k in data["children"]],
                    chair=form.chosen_chair(),
                    independent_chair_name=data.get("independent_chair_name") or "",
                    enquiry=enquiry,
                    expected_birth_date=data.get("expected_birth_date"),
                    transferring_council=data.get("transferring_council") or "",
                    previous_plans_elsewhere=data.get("previous_plans_elsewhere") or 0,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"{conference.get_kind_display()} arranged")
                return redirect("macpt:conference", pk=conference.pk)
    else:
        kind = request.GET.get("kind") if request.GET.get("kind") in ConferenceKind.values else ConferenceKind.INITIAL
        chosen = [str(enquiry.person_id)] if enquiry else request.GET.getlist("child")
        form = ConferenceArrangeForm(
            children=children, chairs=chairs, initial={"kind": kind, "children": chosen, "previous_plans_elsewhere": 0}
        )
    audit_shown(request, "macpt.conference_arrange_viewed", children, target=family_case)
    return render(
        request, "macpt/conference_arrange.html", {"family_case": family_case, "form": form, "enquiry": enquiry}
    )


# --- the conference ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def conference_page(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    rows = sel.conference_children(conference=conference)
    user = request.user
    reports = sel.conference_reports_for_user(conference=conference, user=user)
    may_chair = _may(user, CHAIR)
    arranged = conference.status == ChildProtectionConference.Status.ARRANGED
    audit_shown(request, "macpt.conference_viewed", [r.person_id for r in rows], target=conference)
    return render(
        request,
        "macpt/conference.html",
        {
            "conference": conference,
            "rows": rows,
            "invitees": list(conference.invitees.select_related("agency").order_by("id")),
            "reports": reports,
            "may_chair": may_chair and arranged,
            "may_report": _may(user, CONTRIBUTE) and arranged and user.agency_id is not None,
            "own_agency_id": user.agency_id,
            "arranged": arranged,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_invite(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk, action=CHAIR)
    child_ids = _children_ids(conference)
    people = list(
        Person.objects.filter(
            pk__in=person_record_scope(request.user).values("pk"),
            family_memberships__family_case=conference.family_case,
        )
        .exclude(pk__in=child_ids)
        .order_by("last_name", "first_name")
        .distinct()
    )
    practitioners = list(
        User.objects.filter(is_active=True, agency__isnull=False).select_related("agency").order_by("full_name")[:500]
    )
    agencies = list(Agency.objects.order_by("name"))
    kwargs = {"people": people, "practitioners": practitioners, "agencies": agencies}
    if request.method == "POST":
        form = InviteeForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.conference_invitee_add(conference=conference, actor=request.user, **form.invitee_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Invitation recorded")
                return redirect("macpt:conference", pk=conference.pk)
    else:
        form = InviteeForm(**kwargs)
    return _render_form(request, "macpt/conference_invite.html", conference, form, "macpt.conference_invite_viewed")


@login_required
@require_http_methods(["GET", "POST"])
def conference_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk, action=CHAIR)
    invitees = conference.invitees.order_by("id")
    if request.method == "POST":
        form = AttendanceForm(request.POST, invitees=invitees)
        if form.is_valid():
            try:
                services.conference_attendance_set(
                    conference=conference, actor=request.user, attendance=form.attendance()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Attendance recorded")
                return redirect("macpt:conference", pk=conference.pk)
    else:
        form = AttendanceForm(invitees=invitees)
    return _render_form(
        request, "macpt/conference_attendance.html", conference, form, "macpt.conference_attendance_viewed"
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_report(request: HttpRequest, pk: int, report_pk: int | None = None) -> HttpResponse:
    conference = _conference(request, pk, action=CONTRIBUTE)
    report = None
    if report_pk is not None:
        readable = {r.pk: r for r in sel.conference_reports_for_user(conference=conference, user=request.user)}
        report = readable.get(report_pk)
        require(report is not None)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.conference_report_save(
                    conference=conference,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    tags=form.cleaned_data.get("tags") or [],
                    report=report,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Report saved")
                return redirect("macpt:conference", pk=conference.pk)
    else:
        form = ReportForm(initial={"text": report.text, "tags": report.tags} if report else None)
    return _render_form(
        request, "macpt/conference_report.html", conference, form, "macpt.conference_report_viewed", report=report
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk, action=CHAIR)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.conference_record(conference=conference, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Minutes saved")
                return redirect("macpt:conference", pk=conference.pk)
    else:
        form = MinutesForm(
            initial={
                "family_views": conference.family_views,
                "minutes": conference.minutes,
                "minutes_not_for_family": conference.minutes_not_for_family,
            }
        )
    return _render_form(request, "macpt/conference_minutes.html", conference, form, "macpt.conference_minutes_viewed")


@login_required
@require_http_methods(["GET", "POST"])
def conference_decide(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk, action=CHAIR)
    rows = sel.conference_children(conference=conference)
    kwargs = {
        "rows": rows,
        "review": conference.kind == ConferenceKind.REVIEW,
        "reason_codes": [(c, c) for c in sorted(valid_codes("reasonforclosuretype"))],
    }
    if request.method == "POST":
        form = DecisionForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.conference_decide(conference=conference, actor=request.user, decisions=form.decisions())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Decisions recorded")
                return redirect("macpt:conference", pk=conference.pk)
    else:
        form = DecisionForm(**kwargs)
    return _render_form(request, "macpt/conference_decide.html", conference, form, "macpt.conference_decide_viewed")


def _minutes_pdf(request: HttpRequest, pk: int, *, family: bool) -> HttpResponse:
    from ..documents import render_minutes_pdf  # WeasyPrint loads only when a PDF is asked for

    conference = _conference(request, pk)
    rows = sel.conference_children(conference=conference)
    audit_shown(
        request,
        "macpt.conference_family_pdf" if family else "macpt.conference_minutes_pdf",
        [r.person_id for r in rows],
        target=conference,
    )
    pdf = render_minutes_pdf(conference=conference, rows=rows, user=request.user, family=family)
    return pdf_response(pdf, f"{'family-minutes' if family else 'minutes'}-{conference.pk}.pdf")


@login_required
@require_GET
@disclosure_path(
    key="conference_minutes_pdf",
    label="Child protection conference minutes (PDF)",
    url_name="macpt:conference_minutes_pdf",
    lawful_basis=LawfulBasis.PUBLIC_TASK_S47,
)
def conference_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_pdf(request, pk, family=False)


@login_required
@require_GET
@disclosure_path(
    key="conference_family_pdf",
    label="Child protection conference minutes, the family's version (PDF)",
    url_name="macpt:conference_family_pdf",
    family_facing=True,
    purpose="The conference's minutes, given to the family",
    lawful_basis=LawfulBasis.PUBLIC_TASK_S47,
)
def conference_family_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_pdf(request, pk, family=True)


# --- the child protection plan -----------------------------------------------------------------------------------


@login_required
@require_GET
def cp_plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
    from cases.models import Deadline

    clocks = list(
        Deadline.objects.filter(target_type="macpt.childprotectionplan", target_id=str(plan.pk)).order_by(
            "state", "due_at"
        )
    )
    audit_shown(request, "macpt.cp_plan_viewed", [plan.person_id], target=plan)
    return render(
        request,
        "macpt/cp_plan.html",
        {
            "plan": plan,
            "family_case": plan.family_plan.family_case,
            "previous": sel.number_of_previous_plans(plan),
            "core_groups": sel.plan_core_groups(plan=plan),
            "visits": sel.plan_visits(plan=plan),
            "reviews": sel.plan_review_conferences(plan=plan),
            "clocks": [c for c in clocks if c.state == Deadline.State.OPEN],
            "may_record": plan_services.may_record_for(request.user, plan),
            "may_arrange": _may(request.user, CHAIR) and plan.is_open,
            "may_end": plan_services.may_end_without_conference(request.user, plan),
        },
    )


def _plan_for_recording(request: HttpRequest, pk: int) -> ChildProtectionPlan:
    plan = sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
    require(plan_services.may_record_for(request.user, plan))
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def cp_plan_core_group(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_recording(request, pk)
    siblings = [p for p in sel.family_open_plans(family_case_id=plan.family_plan.family_case_id)]
    siblings = [
        p
        for p in siblings
        if p.person_id
        in set(
            person_record_scope(request.user, relatives=False)
            .filter(pk__in=[s.person_id for s in siblings])
            .values_list("pk", flat=True)
        )
    ]
    actions = list(Action.objects.filter(plan=plan.family_plan).select_related("owner").order_by("due_on", "id"))
    if request.method == "POST":
        form = CoreGroupForm(request.POST, actions=actions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan_services.core_group_record(
                    plans=siblings or [plan],
                    actor=request.user,
                    date=data["date"],
                    attendees=data["attendees"],
                    apologies=data.get("apologies") or "",
                    summary=data.get("summary") or "",
                    actions=form.chosen_actions(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Core group recorded")
                return redirect("macpt:cp_plan", pk=plan.pk)
    else:
        form = CoreGroupForm(actions=actions)
    audit_shown(
        request, "macpt.core_group_form_viewed", [p.person_id for p in siblings] or [plan.person_id], target=plan
    )
    return render(request, "macpt/core_group_form.html", {"plan": plan, "form": form, "siblings": siblings})


@login_required
@require_http_methods(["GET", "POST"])
def cp_plan_visit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_recording(request, pk)
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                plan_services.visit_record(plan=plan, actor=request.user, **form.visit_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Visit recorded")
                return redirect("macpt:cp_plan", pk=plan.pk)
    else:
        form = VisitForm()
    audit_shown(request, "macpt.visit_form_viewed", [plan.person_id], target=plan)
    return render(request, "macpt/visit_form.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cp_plan_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End the plan without a conference (moved away, 18, looked after, died): an LCPP's, from the plan page."""
    plan = sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
    require(_may(request.user, CHAIR) and plan.is_open)
    if request.method == "POST":
        form = PlanEndForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan_services.cp_plan_end_without_conference(
                    plan=plan,
                    actor=request.user,
                    end_reason=data["end_reason"],
                    end_date=data["end_date"],
                    details=data.get("details") or "",
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Child protection plan ended")
                return redirect("macpt:cp_plan", pk=plan.pk)
    else:
        form = PlanEndForm()
    audit_shown(request, "macpt.cp_plan_end_form_viewed", [plan.person_id], target=plan)
    return render(request, "macpt/cp_plan_end.html", {"plan": plan, "form": form})


urlpatterns = [
    path("families/<int:pk>/", family_child_protection, name="family_child_protection"),
    path("families/<int:pk>/conferences/new/", conference_arrange, name="conference_arrange"),
    path("enquiries/<int:pk>/conference/", enquiry_conference, name="enquiry_conference"),
    path("conferences/<int:pk>/", conference_page, name="conference"),
    path("conferences/<int:pk>/invite/", conference_invite, name="conference_invite"),
    path("conferences/<int:pk>/attendance/", conference_attendance, name="conference_attendance"),
    path("conferences/<int:pk>/reports/add/", conference_report, name="conference_report_add"),
    path("conferences/<int:pk>/reports/<int:report_pk>/", conference_report, name="conference_report"),
    path("conferences/<int:pk>/minutes/", conference_minutes, name="conference_minutes"),
    path("conferences/<int:pk>/decision/", conference_decide, name="conference_decide"),
    path("conferences/<int:pk>/minutes.pdf", conference_minutes_pdf, name="conference_minutes_pdf"),
    path("conferences/<int:pk>/family-minutes.pdf", conference_family_pdf, name="conference_family_pdf"),
    path("plans/<int:pk>/", cp_plan_page, name="cp_plan"),
    path("plans/<int:pk>/core-groups/add/", cp_plan_core_group, name="cp_plan_core_group"),
    path("plans/<int:pk>/visits/add/", cp_plan_visit, name="cp_plan_visit"),
    path("plans/<int:pk>/end/", cp_plan_end, name="cp_plan_end"),
]
