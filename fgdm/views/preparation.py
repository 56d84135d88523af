"""Preparation for the family's meeting (issue 15 item 3): one page per referral for its allocated facilitator only
(anyone else: 404): the dated steps, the co-design, the family network from the shared record (invite or not, and
why) and someone new the family name, who becomes a person and a relationship in the shared record. Each form posts
to the page with its name; a refused form is shown again with what was typed and the reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from cases.models import Person
from cases.web import audit_shown

from ..facilitation_forms import CoDesignForm, MemberForm, StepForm
from ..models import FgdmReferral
from ..selectors.preparation import co_design_initial, network_for, next_step, referral_children
from ..selectors.scope import referral_get
from ..services.preparation import (
    co_design_save,
    is_facilitator_of,
    network_invitee_set,
    network_member_add,
    preparation_step_add,
)


def _forms(data, referral: FgdmReferral, children, network, posted: str) -> dict:
    people = [*children, *(row["person"] for row in network)]
    return {
        "step": StepForm(data if posted == "step" else None, prefix="step", people=people),
        "codesign": CoDesignForm(
            data if posted == "codesign" else None, prefix="codesign", initial=co_design_initial(referral)
        ),
        "member": MemberForm(data if posted == "member" else None, prefix="member", children=children),
    }


def _save(request: HttpRequest, referral: FgdmReferral, forms: dict, posted: str, children, network) -> str | None:
    """The posted form's service call: the success message, or None with the reason on the form (or the page)."""
    user = request.user
    if posted == "invite":
        person = next((r["person"] for r in network if str(r["person"].pk) == request.POST.get("person")), None)
        if person is None:
            raise ValidationError("Choose someone in the family's network")
        invited = request.POST.get("invited") == "yes"
        network_invitee_set(
            referral=referral,
            actor=user,
            person=person,
            invited=invited,
            reason=request.POST.get("not_invited_reason", ""),
        )
        return f"{person.full_name} {'invited' if invited else 'not invited'}"
    form = forms.get(posted)
    if form is None or not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    try:
        if posted == "step":
            if data.get("person"):
                data["person"] = Person.objects.filter(
                    pk=data["person"], pk__in=[p.pk for p in [*children, *(r["person"] for r in network)]]
                ).first()
            step = preparation_step_add(referral=referral, actor=user, data=data)
            return f"{step.get_kind_display()} recorded"
        if posted == "codesign":
            co_design_save(referral=referral, actor=user, data=data)
            return "The meeting's design is saved"
        if posted == "member":
            ids = set(data.get("children") or [])
            data["children"] = [c for c in children if c.pk in ids] or children
            invitee = network_member_add(referral=referral, actor=user, data=data)
            return f"{invitee.person.full_name} added to the family network and to the children's records"
    except ValidationError as exc:
        form.add_service_errors(exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def preparation(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = referral_get(user=user, pk=pk)
    if not is_facilitator_of(user, referral):
        raise Http404
    children = referral_children(referral)
    network = network_for(referral)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    forms = _forms(request.POST if posted else None, referral, children, network, posted)
    page_error = ""
    if posted:
        try:
            done = _save(request, referral, forms, posted, children, network)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            page_error = " ".join(exc.messages)
            done = None
        if done:
            messages.success(request, done)
            return redirect("fgdm:preparation", referral.pk)
    audit_shown(
        request,
        "fgdm.preparation.viewed",
        [*children, *(row["person"] for row in network)],
        target=referral,
    )
    return render(
        request,
        "fgdm/preparation.html",
        {
            "referral": referral,
            "children": children,
            "network": network,
            "steps": list(referral.steps.select_related("person")),
            "next_step": next_step(referral),
            "forms": forms,
            "posted": posted,
            "page_error": page_error,
        },
    )


urlpatterns = [path("referrals/<int:pk>/preparation/", preparation, name="preparation")]
