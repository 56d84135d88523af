"""The s47 enquiry's page: start date, lead, joint with police, the ICPC target, the child seen, each agency's
information (read under the tag rules), and the outcome. Selector -> form -> one service -> redirect; out of scope is
404; every page writes its read-audit row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.web import audit_shown

from ..forms import ChildSeenForm, InformationEditForm, OutcomeForm, S47InformationForm
from ..models import S47Enquiry, S47Outcome
from ..selectors import strategy as sel
from ..services.enquiries import s47_child_seen, s47_information_add, s47_information_update, s47_outcome_record


def _page(request: HttpRequest, enquiry: S47Enquiry, **forms) -> HttpResponse:
    user = request.user
    is_open = enquiry.ended_on is None
    context = {
        "enquiry": enquiry,
        "information": sel.enquiry_information(enquiry=enquiry, user=user),
        "is_open": is_open,
        "may_lead": sel.may_lead_enquiry(user) and is_open,
        "may_contribute": sel.may_contribute(user) and is_open,
        # The outcome closes the enquiry; a conference it asked for is arranged afterwards, until one is.
        "may_arrange_icpc": sel.may_lead_enquiry(user)
        and enquiry.outcome == S47Outcome.CONFERENCE_NEEDED
        and not enquiry.conferences.exists(),
        "seen_form": forms.get("seen_form")
        or ChildSeenForm(prefix="seen", initial={"child_seen_on": enquiry.child_seen_on}),
        "information_form": forms.get("information_form") or S47InformationForm(prefix="information"),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(prefix="outcome"),
    }
    audit_shown(request, "s47.viewed", [enquiry.person_id], target=enquiry)
    return render(request, "macpt/s47.html", context)


@login_required
@require_GET
def s47(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, sel.enquiry_get_for_user(user=request.user, enquiry_id=pk))


@login_required
@require_POST
def s47_seen(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=pk)
    if not sel.may_lead_enquiry(request.user):
        raise Http404
    form = ChildSeenForm(request.POST, prefix="seen")
    if form.is_valid():
        try:
            s47_child_seen(enquiry=enquiry, actor=request.user, seen_on=form.cleaned_data["child_seen_on"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Date the child was seen saved")
            return redirect("macpt:s47", enquiry.pk)
    return _page(request, enquiry, seen_form=form)


@login_required
@require_POST
def s47_information_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=pk)
    if not sel.may_contribute(request.user):
        raise Http404
    form = S47InformationForm(request.POST, prefix="information")
    if form.is_valid():
        try:
            s47_information_add(
                enquiry=enquiry, actor=request.user, text=form.cleaned_data["text"], tags=form.cleaned_data["tags"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Information from {request.user.agency} added")
            return redirect("macpt:s47", enquiry.pk)
    return _page(request, enquiry, information_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def s47_information_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.s47_information_get_for_user(user=request.user, item_id=pk)
    if not sel.may_contribute(request.user):
        raise Http404
    form = InformationEditForm(request.POST if request.method == "POST" else None, initial={"text": item.text})
    form.fields["text"].label = "Information your agency gathered"
    if request.method == "POST" and form.is_valid():
        try:
            s47_information_update(item=item, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Information changed")
            return redirect("macpt:s47", item.enquiry_id)
    audit_shown(request, "s47.information_viewed", [item.enquiry.person_id], target=item)
    return render(request, "macpt/s47_information_edit.html", {"item": item, "enquiry": item.enquiry, "form": form})


@login_required
@require_POST
def s47_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=pk)
    if not sel.may_lead_enquiry(request.user):
        raise Http404
    form = OutcomeForm(request.POST, prefix="outcome")
    if form.is_valid():
        data = form.cleaned_data
        try:
            s47_outcome_record(
                enquiry=enquiry,
                actor=request.user,
                outcome=data["outcome"],
                outcome_date=data["outcome_date"],
                reason=data["outcome_reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Outcome recorded: {enquiry.get_outcome_display()}")
            return redirect("macpt:s47", enquiry.pk)
    return _page(request, enquiry, outcome_form=form)


urlpatterns = [
    path("s47/<int:pk>/", s47, name="s47"),
    path("s47/<int:pk>/child-seen/", s47_seen, name="s47_seen"),
    path("s47/<int:pk>/information/", s47_information_add_view, name="s47_information_add"),
    path("s47/information/<int:pk>/edit/", s47_information_edit, name="s47_information_edit"),
    path("s47/<int:pk>/outcome/", s47_outcome, name="s47_outcome"),
]
