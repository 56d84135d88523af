"""The privacy officer's pages for disclosure control (issue 17 item 3): the disclosure decisions recorded on every
path (cases.disclosure.INVENTORY), and subject access requests: the clock, stop-the-clock and extension, the bundle's
items with what is withheld, a second person's release of each, and the bundle sent as a PDF (a disclosure decision).
Anyone else: the pages are not there (404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import policy
from ..disclosure import INVENTORY, disclosure_path
from ..forms import GovukDateField, GovukFormMixin
from ..http import require
from ..models import LawfulBasis
from ..selectors.disclosure import decisions_for_user, sar_get_for_user, sar_list_for_user
from ..selectors.people import person_get_by_la_child_id
from ..services import disclosure as services
from ..web import audit_shown, paginate, pdf_response


class SarForm(GovukFormMixin, forms.Form):
    la_child_id = forms.CharField(
        label="LA child ID of the person the information is about",
        max_length=20,
        error_messages={"required": "Enter the LA child ID"},
    )
    requester_name = forms.CharField(label="Name of the person asking", max_length=200, required=False)
    requester_relationship = forms.CharField(
        label="Who they are to the person",
        max_length=100,
        required=False,
        help_text="The person themself, a parent with parental responsibility, a solicitor acting for them, ...",
    )
    received_on = GovukDateField(label="Date received", required=True, help_text="For example 3 9 2026")


class PauseForm(GovukFormMixin, forms.Form):
    on = GovukDateField(label="Date", required=True, help_text="For example 3 9 2026")
    reason = forms.CharField(label="What you are waiting for", max_length=300, required=False)


class ExtendForm(GovukFormMixin, forms.Form):
    extension_reason = forms.CharField(
        label="Why the request is complex or numerous", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReleaseForm(GovukFormMixin, forms.Form):
    item_key = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why this can be released", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
@require_http_methods(["GET", "POST"])
def sar_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    requests = sar_list_for_user(user=user)  # 404 unless the privacy officer
    form = SarForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = person_get_by_la_child_id(user=user, la_child_id=form.cleaned_data["la_child_id"].strip())
        if person is None:
            form.add_error("la_child_id", "No record you can open has that LA child ID")
        else:
            try:
                sar = services.sar_open(
                    person=person,
                    actor=user,
                    requester_name=form.cleaned_data["requester_name"],
                    requester_relationship=form.cleaned_data["requester_relationship"],
                    received_on=form.cleaned_data["received_on"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Subject access request recorded")
                return redirect("cases:subject_access", pk=sar.pk)
    rows = [(sar, services.sar_due(sar)) for sar in requests]
    audit_shown(request, "subject_access.list_viewed", [sar.person_id for sar, _ in rows])
    return render(
        request,
        "cases/disclosure/sar_list.html",
        {"rows": rows, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _detail(request, sar, **forms_given) -> HttpResponse:
    user = request.user
    items = services.sar_bundle(sar=sar)
    audit_shown(request, "subject_access.viewed", [sar.person_id], target=sar)
    pause = next((p for p in sar.pauses.all() if p.resumed_on is None), None)
    context = {
        "sar": sar,
        "person": sar.person,
        "due": services.sar_due(sar),
        "stopped": pause,
        "items": items,
        "withheld": sum(1 for i in items if i.withheld),
        "released": sum(1 for i in items if i.release),
        "may_release": user.pk != sar.handled_by_id and sar.status != "withdrawn",
        "pause_form": forms_given.get("pause_form") or PauseForm(prefix="pause"),
        "extend_form": forms_given.get("extend_form") or ExtendForm(prefix="extend"),
        "release_form": forms_given.get("release_form"),
        "release_key": forms_given.get("release_key", ""),
        "lawful_basis": LawfulBasis.SUBJECT_ACCESS.label,
    }
    status = 400 if forms_given else 200
    return render(request, "cases/disclosure/sar_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    sar = sar_get_for_user(user=user, sar_id=pk)
    if request.method == "GET":
        return _detail(request, sar)
    action = request.POST.get("action", "")
    try:
        if action in ("pause", "resume"):
            form = PauseForm(request.POST, prefix="pause")
            if not form.is_valid():
                return _detail(request, sar, pause_form=form)
            try:
                if action == "pause":
                    services.sar_pause(
                        sar=sar, actor=user, paused_on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
                    )
                else:
                    services.sar_resume(sar=sar, actor=user, resumed_on=form.cleaned_data["on"])
            except ValidationError as exc:
                form.add_service_errors(exc, aliases={"paused_on": "on", "resumed_on": "on"})
                return _detail(request, sar, pause_form=form)
            messages.success(request, "The clock is stopped" if action == "pause" else "The clock is running again")
        elif action == "extend":
            form = ExtendForm(request.POST, prefix="extend")
            form.is_valid()
            try:
                services.sar_extend(sar=sar, actor=user, reason=form.cleaned_data.get("extension_reason", ""))
            except ValidationError as exc:
                form.add_service_errors(exc)
                return _detail(request, sar, extend_form=form)
            messages.success(request, "The time limit is extended by two months")
        elif action == "release":
            form = ReleaseForm(request.POST)
            form.is_valid()
            key = form.cleaned_data.get("item_key", "")
            try:
                services.sar_item_release(sar=sar, actor=user, item_key=key, reason=form.cleaned_data.get("reason", ""))
            except ValidationError as exc:
                form.add_service_errors(exc, aliases={"item_key": "reason"})
                return _detail(request, sar, release_form=form, release_key=key)
            messages.success(request, "Released into the bundle")
        else:
            require(False)
    except PermissionDenied:
        require(False)
    return redirect("cases:subject_access", pk=sar.pk)


@login_required
@require_GET
@disclosure_path(
    key="sar_bundle",
    label="Subject access bundle (PDF)",
    url_name="cases:subject_access_bundle",
    family_facing=True,
    lawful_basis=LawfulBasis.SUBJECT_ACCESS,
    recorded_by_view=True,
)
def sar_bundle_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The bundle as sent: its sending is the disclosure decision (the right of access, to the requester)."""
    user = request.user
    sar = sar_get_for_user(user=user, sar_id=pk)
    try:
        decision, pdf = services.sar_bundle_send(sar=sar, actor=user)
    except (ValidationError, PermissionDenied):
        require(False)
    audit_shown(request, "subject_access.bundle_sent", [sar.person_id], target=sar)
    response = pdf_response(pdf, f"subject-access-{sar.pk}-{timezone.localdate():%Y%m%d}.pdf")
    response["X-Disclosure-Decision"] = str(decision.pk)
    return response


@login_required
@require_GET
def decisions(request: HttpRequest) -> HttpResponse:
    rows = decisions_for_user(user=request.user)
    pagination = paginate(request, rows, per_page=50)
    # The purposes and reasons were typed by practitioners and may name a child: the children of every row shown.
    shown = sorted({pid for d in pagination.page.object_list for pid in d.person_ids})
    audit_shown(request, "disclosure.decisions_viewed", shown, target_type="cases.disclosuredecision")
    return render(
        request,
        "cases/disclosure/decisions.html",
        {
            "page_obj": pagination.page,
            "pagination": pagination,
            "labels": {key: entry.label for key, entry in INVENTORY.items()},
            "may": policy.may(request.user, policy.SUBJECT_ACCESS),
        },
    )


urlpatterns = [
    path("disclosures/", decisions, name="disclosures"),
    path("subject-access/", sar_list, name="subject_access_list"),
    path("subject-access/<int:pk>/", sar_detail, name="subject_access"),
    path("subject-access/<int:pk>/bundle.pdf", sar_bundle_pdf, name="subject_access_bundle"),
]
