"""Front-door pages: selector -> form -> one service -> redirect. Out of scope is 404, never 403."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import Person, Role, Team, User
from cases.selectors import person_find_duplicates
from cases.services import audit_read, person_create
from cases.workdays import LONDON

from . import selectors, services
from .forms import (
    AssignForm,
    ChildFormSet,
    ContactForm,
    DecisionForm,
    InformationRequestForm,
    ResponseForm,
    SignoffForm,
    StaffContactForm,
)
from .models import ContactChild, ContactStatus, Decision, FrontDoorSettings

QUEUE_PAGE_SIZE = 50


def _require(condition: bool) -> None:
    if not condition:
        raise Http404


def _child_ids(contact) -> list[int]:
    return [c.person_id for c in contact.children.all() if c.person_id]


# --- the queue ------------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(selectors.is_front_door(user))
    params = request.GET
    assignee = params.get("assignee", "")
    urgent = {"yes": True, "no": False}.get(params.get("urgent", ""))
    team_id = int(params["team"]) if params.get("team", "").isdigit() else None
    contacts = selectors.contact_queue(
        user=user, team_id=team_id, unassigned=assignee == "unassigned",
        assignee_id=user.pk if assignee == "me" else (int(assignee) if assignee.isdigit() else None),
        status=params.get("status", ""), urgent=urgent)
    page = Paginator(contacts, QUEUE_PAGE_SIZE).get_page(params.get("page"))
    rows = selectors.queue_rows(page.object_list)
    audit_read(actor=user, verb="front_door_queue.viewed",
               child_ids=[c.person_id for row in rows for c in row.contact.children.all() if c.person_id])
    return render(request, "front_door/queue.html", {
        "rows": rows, "page": page, "counts": selectors.queue_counts(user=user), "filters": params,
        "teams": Team.objects.filter(agency__type__in=["council_social_care", "council_early_help"]),
        "staff": User.objects.filter(groups__name__in=selectors.FRONT_DOOR_ROLES, is_active=True).distinct(),
        "statuses": [(s, ContactStatus(s).label) for s in selectors.QUEUE_STATUSES],
    })


# --- recording a contact --------------------------------------------------------------------------------


def _children_payload(formset) -> list[dict]:
    children = []
    for form in formset.forms:
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        if data:
            children.append(data)
    return children


def _contact_form_page(request, *, staff: bool, template: str):
    user = request.user
    form_class = StaffContactForm if staff else ContactForm
    if request.method == "POST":
        form = form_class(request.POST)
        formset = ChildFormSet(request.POST, prefix="child")
        if "add_child" in request.POST:
            # Add a blank child and show everything typed so far again: nothing is lost.
            data = request.POST.copy()
            data["child-TOTAL_FORMS"] = str(int(data.get("child-TOTAL_FORMS", "1")) + 1)
            form, formset = form_class(data), ChildFormSet(data, prefix="child")
            form.is_valid()
            formset.is_valid()
            form._errors, formset._errors, formset._non_form_errors = {}, None, None
            for child in formset.forms:
                child._errors = {}
            return render(request, template, {"form": form, "formset": formset})
        if form.is_valid() & formset.is_valid():
            data = dict(form.cleaned_data)
            if staff:
                data["received_at"] = dt.datetime.combine(data.pop("received_date"), data.pop("received_time"),
                                                          tzinfo=LONDON)
            try:
                contact, _ = services.contact_create(actor=user, data=data, children=_children_payload(formset),
                                                     idempotency_key=data.pop("idempotency_key", "") or "")
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if staff:
                    messages.success(request, f"Contact {contact.reference} recorded")
                    return redirect("front_door:contact_detail", contact.pk)
                return redirect("front_door:my_referral", contact.pk)
    else:
        initial = {"idempotency_key": uuid.uuid4().hex}
        if staff:
            now = timezone.localtime()
            initial.update(received_date=now.date(), received_time=now.strftime("%H:%M"))
        else:
            initial.update(referrer_name=user.full_name, referrer_role=user.job_title,
                           referrer_email=user.email)
        form = form_class(initial=initial)
        formset = ChildFormSet(prefix="child")
    return render(request, template, {"form": form, "formset": formset})


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    _require(selectors.is_front_door(request.user))
    return _contact_form_page(request, staff=True, template="front_door/contact_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def partner_referral(request: HttpRequest) -> HttpResponse:
    _require(request.user.has_role(Role.PARTNER_REFERRER))
    return _contact_form_page(request, staff=False, template="front_door/partner_referral.html")


# --- one contact ----------------------------------------------------------------------------------------


@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    detail = selectors.contact_detail(contact=contact)
    audit_read(actor=user, verb="contact.viewed", target=contact,
               child_ids=[c.person_id for c in detail["children"] if c.person_id])
    rag = selectors.queue_rows([contact])[0]
    return render(request, "front_door/contact_detail.html", {
        "contact": contact, **detail, "rag": rag, "is_front_door": selectors.is_front_door(user),
        "is_manager": user.has_role(Role.FRONT_DOOR_MANAGER),
        "staff": User.objects.filter(groups__name__in=selectors.FRONT_DOOR_ROLES, is_active=True).distinct(),
    })


@login_required
@require_POST
def contact_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    form = AssignForm(request.POST)
    form.is_valid()
    value = form.cleaned_data.get("assignee", "")
    assignee = user if value == "me" else (get_object_or_404(User, pk=int(value)) if value.isdigit() else None)
    try:
        services.contact_assign(contact=contact, actor=user, assignee=assignee)
        messages.success(request, f"Contact {contact.reference} assigned to "
                         f"{assignee.full_name if assignee else 'nobody'}")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("next") == "queue":
        return redirect("front_door:queue")
    return redirect("front_door:contact_detail", contact.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_child_match(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    user = request.user
    _require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    child = get_object_or_404(ContactChild, pk=child_pk, contact=contact)
    given = {"first_name": child.given_first_name, "last_name": child.given_last_name,
             "date_of_birth": child.given_date_of_birth, "nhs_number": child.given_nhs_number,
             "postcode": child.given_postcode}
    hits = person_find_duplicates(user=user, data=given) if (child.given_first_name or child.given_last_name) else []
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("person", "").isdigit():
                person = get_object_or_404(Person, pk=int(request.POST["person"]), merged_into__isnull=True)
                _require(any(h.person and h.person.pk == person.pk for h in hits))
            elif request.POST.get("create") == "yes":
                person = person_create(actor=user, data={
                    "first_name": request.POST.get("first_name", ""), "last_name": request.POST.get("last_name", ""),
                    "date_of_birth": child.given_date_of_birth, "nhs_number": child.given_nhs_number,
                    "sex": request.POST.get("sex", "U")}, reason=f"Contact {contact.reference}")
            else:
                raise ValidationError("Choose a record, or create a new one")
            services.contact_child_link(contact_child=child, person=person, actor=user)
            messages.success(request, f"{person.display_name} linked to contact {contact.reference}")
            return redirect("front_door:contact_detail", contact.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    audit_read(actor=user, verb="contact_match.viewed", target=contact,
               child_ids=[h.person.pk for h in hits if h.person])
    return render(request, "front_door/child_match.html", {
        "contact": contact, "child": child, "hits": hits, "error": error, "posted": request.POST})


@login_required
@require_http_methods(["GET", "POST"])
def information_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_ = services.information_request_send(contact=contact, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Information requested from {request_.agency}")
            return redirect("front_door:contact_detail", contact.pk)
    return render(request, "front_door/information_request_form.html", {"contact": contact, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    has_decision = contact.decisions.exists()
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(contact=contact, actor=user, **form.cleaned_data)
        except services.AlreadyDecided as exc:
            form.add_error("change_reason", str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            contact.refresh_from_db()
            messages.success(request, "Decision recorded" + (": waiting for a manager's sign-off"
                                                               if contact.status == ContactStatus.AWAITING_SIGNOFF
                                                               else ""))
            return redirect("front_door:contact_detail", contact.pk)
    audit_read(actor=user, verb="decision_form.viewed", target=contact, child_ids=_child_ids(contact))
    return render(request, "front_door/decision_form.html", {"contact": contact, "form": form,
                                                             "has_decision": has_decision})


@login_required
@require_http_methods(["GET", "POST"])
def decision_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(user.has_role(Role.FRONT_DOOR_MANAGER))
    decision = get_object_or_404(Decision.objects.select_related("contact", "level", "decided_by"), pk=pk)
    form = SignoffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_signoff(decision=decision, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Decision signed off" if form.cleaned_data["agreed"] else
                             "Decision sent back to triage")
            return redirect("front_door:contact_detail", decision.contact_id)
    return render(request, "front_door/signoff_form.html", {"decision": decision, "form": form})


# --- partners' inbox and portal -------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    requests = selectors.information_requests_for_agency(user=request.user, include_answered=show == "all")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    audit_read(actor=request.user, verb="information_requests.viewed",
               child_ids=[c.person_id for r in page.object_list for c in r.contact.children.all() if c.person_id])
    return render(request, "front_door/inbox.html", {"page": page, "show": show, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def information_request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    info = selectors.information_request_get_for_agency(user=user, request_id=pk)
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_respond(request=info, actor=user, response=form.cleaned_data["response"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Your answer has been sent to the front door")
            return redirect("front_door:inbox")
    audit_read(actor=user, verb="information_request.viewed", target=info, child_ids=_child_ids(info.contact))
    return render(request, "front_door/information_request_respond.html", {"info": info, "form": form})


@login_required
def my_referrals(request: HttpRequest) -> HttpResponse:
    _require(request.user.has_role(Role.PARTNER_REFERRER))
    page = Paginator(selectors.referrals_for_referrer(user=request.user), 50).get_page(request.GET.get("page"))
    rows = [(c, selectors.referral_status_for_referrer(c)) for c in page.object_list]
    return render(request, "front_door/my_referrals.html", {"rows": rows, "page": page})


@login_required
def my_referral(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user.has_role(Role.PARTNER_REFERRER))
    contact = selectors.referral_get_for_referrer(user=request.user, contact_id=pk)
    return render(request, "front_door/my_referral.html", {
        "contact": contact, "status": selectors.referral_status_for_referrer(contact)})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request.user.has_role(Role.FRONT_DOOR_MANAGER, Role.MANAGER))
    figures = selectors.dashboard_figures()
    timeliness = figures["timeliness"]
    return render(request, "front_door/dashboard.html", {
        **figures, "settings": FrontDoorSettings.current(),
        "timeliness_rows": [("This week", timeliness["week"]), ("This month", timeliness["month"]),
                            ("This quarter", timeliness["quarter"])]})
