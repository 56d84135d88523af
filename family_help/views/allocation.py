"""Family Help pages: allocation (the waiting list, allocating and changing a lead, the letter to the family),
the family's Family Help page, "my families" and the team view.

Selector -> form -> one service -> redirect. Out of scope is 404, never 403: a service's PermissionDenied
becomes a 404 too. Every page that shows a child's data writes one read-audit row with every child shown."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import policy
from cases.disclosure import disclosure_path
from cases.models import LawfulBasis, User
from cases.selectors import people_restricted_for_user, user_find, work_request_rag
from cases.selectors.families import family_children_restricted
from cases.services import Conflict
from cases.web import audit_shown, pdf_response

from ..forms.allocation import AllocateForm, ChangeLeadForm, TeamFilterForm
from ..permissions import MANAGE_TEAM
from ..selectors import allocation as sel
from ..selectors import current_allocation, family_adults, family_case_get_for_user
from ..services.allocation import allocation_change_lead, allocation_create, allocation_letter_record


def _lead_from(form) -> User | None:
    """The chosen practitioner (any user: the service decides whether they may lead)."""
    return user_find(user_id=form.cleaned_data.get("lead"))


# --- the waiting list and allocating --------------------------------------------------------------------------


@login_required
@require_GET
def allocations(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = list(sel.allocation_requests(user=user))
    now = timezone.now()
    for row in rows:  # the inbox's RAG, in words (cases.selectors.work_request_rag)
        row.rag = work_request_rag(row, now)
    restricted_ids = people_restricted_for_user(user=user, people=[r.person for r in rows])
    audit_shown(
        request, "fh_allocation_requests.viewed", [r.person_id for r in rows if r.person_id not in restricted_ids]
    )
    return render(request, "family_help/allocation/requests.html", {"rows": rows, "restricted_ids": restricted_ids})


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    work_request = sel.allocation_request_get_for_user(user=user, request_id=pk)
    practitioners = list(sel.practitioners_with_caseloads())
    form = AllocateForm(request.POST if request.method == "POST" else None, practitioners=practitioners)
    is_open = work_request.status == work_request.Status.OPEN
    if request.method == "POST" and is_open and form.is_valid():
        try:
            allocation = allocation_create(
                work_request=work_request, actor=user, lead=_lead_from(form), reason=form.cleaned_data["reason"]
            )
        except Conflict as exc:  # a colleague allocated it first
            form.add_error(None, str(exc))
            is_open = False
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"{allocation.lead.full_name} is now the lead practitioner for the {allocation.family_case.name}",
            )
            return redirect("family_help:family", allocation.family_case_id)
    audit_shown(request, "fh_allocation_request.viewed", [work_request.person_id], target=work_request)
    return render(
        request,
        "family_help/allocation/allocate.html",
        {"work_request": work_request, "form": form, "is_open": is_open, "practitioners": practitioners},
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_lead(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family = family_case_get_for_user(user=user, family_case_id=pk)
    if not sel.can_allocate(user):
        raise Http404
    current = current_allocation(family_case=family)
    if current is None:
        raise Http404
    practitioners = list(sel.practitioners_with_caseloads())
    form = ChangeLeadForm(
        request.POST if request.method == "POST" else None,
        practitioners=practitioners,
        current_lead_id=current.lead_id,
        initial={"current_allocation": current.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation = allocation_change_lead(
                family_case=family,
                actor=user,
                lead=_lead_from(form),
                reason=form.cleaned_data["reason"],
                expected_allocation_id=form.cleaned_data.get("current_allocation") or None,
            )
        except Conflict as exc:  # the lead changed while this page was open
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{allocation.lead.full_name} is now the lead practitioner for the {family.name}")
            return redirect("family_help:family", family.pk)
    children = sel.family_children_detail(family_case=family, user=user)
    audit_shown(request, "fh_change_lead.viewed", [c["person"].pk for c in children], target=family)
    return render(
        request,
        "family_help/allocation/change_lead.html",
        {"family": family, "current": current, "form": form, "children": children},
    )


# --- the family's page and the letter ------------------------------------------------------------------------


@login_required
@require_GET
def family(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family_case = family_case_get_for_user(user=user, family_case_id=pk)
    children = sel.family_children_detail(family_case=family_case, user=user)
    adults = family_adults(family_case=family_case)
    history = sel.family_history(family_case=family_case)
    current = next((a for a in history if a.ended_at is None), None)
    can_allocate = sel.can_allocate(user)
    # A restricted record the user is not on the list of: "Restricted record", never its name (cases.web.restricted).
    restricted_ids = people_restricted_for_user(user=user, people=[m.person for m in adults])
    audit_shown(
        request,
        "fh_family.viewed",
        [c["person"].pk for c in children] + [m.person_id for m in adults],
        target=family_case,
    )
    return render(
        request,
        "family_help/family.html",
        {
            "family_case": family_case,
            "children": children,
            "adults": adults,
            "restricted_ids": restricted_ids,
            "restricted_children": family_children_restricted(family_case=family_case, user=user, record=True),
            "current": current,
            "history": history,
            "can_allocate": can_allocate,
            "can_send_letter": current is not None and (can_allocate or current.lead_id == user.pk),
        },
    )


@login_required
@require_GET
@disclosure_path(
    key="allocation_letter",
    label="Letter naming the family's lead practitioner (PDF)",
    url_name="family_help:letter",
    family_facing=True,
    purpose="Letter to the family naming their lead practitioner",
    lawful_basis=LawfulBasis.PUBLIC_TASK_CA2004,
)
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    allocation = sel.allocation_get_for_user(user=user, allocation_id=pk)
    try:
        allocation = allocation_letter_record(allocation=allocation, actor=user)
    except ValidationError:
        raise Http404 from None
    from ..documents.allocation_letter import render_allocation_letter

    pdf, child_ids = render_allocation_letter(allocation=allocation, user=user)
    audit_shown(request, "fh_allocation_letter.printed", child_ids, target=allocation)
    return pdf_response(pdf, f"lead-practitioner-letter-{allocation.family_case_id}-{timezone.localdate():%Y%m%d}.pdf")


# --- caseloads -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def my_families(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.roles <= policy.NEVER:  # a referrer in a team around a family sees that family
        raise Http404
    rows = sel.my_families(user=user)
    audit_shown(request, "fh_my_families.viewed", [cid for r in rows for cid in r.child_ids])
    return render(
        request,
        "family_help/allocation/my_families.html",
        {
            "leading": [r for r in rows if r.role == "Lead practitioner"],
            "team_around": [r for r in rows if r.role != "Lead practitioner"],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.may(user, MANAGE_TEAM):
        raise Http404
    teams = list(TeamFilterForm.teams_for(user))
    form = TeamFilterForm(request.GET or None, teams=teams)
    team_ids = None
    if form.is_bound and form.is_valid() and form.cleaned_data["team"]:
        team_ids = [int(form.cleaned_data["team"])]
    view = sel.team_view(user=user, team_ids=team_ids)
    shown_children = sel.children_of_families(family_ids=view["family_ids"])
    audit_shown(request, "fh_team_caseloads.viewed", shown_children)
    return render(request, "family_help/allocation/team.html", {**view, "form": form})


urlpatterns = [
    path("my-families/", my_families, name="my_families"),
    path("team/", team, name="team"),
    path("allocations/", allocations, name="allocations"),
    path("allocations/<int:pk>/allocate/", allocate, name="allocate"),
    path("families/<int:pk>/", family, name="family"),
    path("families/<int:pk>/change-lead/", change_lead, name="change_lead"),
    path("allocations/<int:pk>/letter.pdf", letter, name="letter"),
]
