"""Pre-proceedings pages: a child's pre-proceedings (and starting them), one episode with its census items, the
steps form (every date and answer of module 5), meetings and kinship assessments.

Readers: whoever sees the child's whole record. Writers: PRE_PROCEEDINGS (LCPPs, managers). Selector -> form -> one
service -> redirect; a service's refusal shows on the form with what was typed kept. Out of scope is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from cases.selectors import family_network, person_get_for_user
from cases.services import Conflict
from cases.web import audit_shown

from ..models import MeetingKind, PreProceedingsSettings
from ..pre_proceedings_forms import KinshipAssessmentForm, MeetingForm, PreProceedingsStartForm, PreProceedingsStepsForm
from ..selectors.pre_proceedings import fgdm_measure, pre_proceedings_for_person, pre_proceedings_get_for_user
from ..services.pre_proceedings import (
    kinship_assessment_add,
    may_record_pre_proceedings,
    next_step,
    outcome_label,
    pre_proceedings_meeting_add,
    pre_proceedings_start,
    pre_proceedings_update,
)


def _service(form, call):
    """Run one service call; its refusal goes onto the form (the page is shown again with what was typed)."""
    try:
        return call()
    except PermissionDenied:
        raise Http404 from None
    except Conflict as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_service_errors(exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def pre_proceedings_for_child(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The child's pre-proceedings; an LCPP or manager starts them here (POST)."""
    user = request.user
    person = person_get_for_user(user=user, person_id=person_pk)
    may_record = may_record_pre_proceedings(user)
    if request.method == "POST" and not may_record:
        raise Http404
    form = PreProceedingsStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        pp = _service(
            form, lambda: pre_proceedings_start(person=person, actor=user, start_date=form.cleaned_data["start_date"])
        )
        if pp is not None:
            messages.success(request, "Pre-proceedings started")
            return redirect("macpt:pre_proceedings", pp.pk)
    episodes = list(pre_proceedings_for_person(person=person))
    audit_shown(request, "macpt.pre_proceedings_list.viewed", [person.pk], target=person)
    return render(
        request,
        "macpt/pre_proceedings/for_child.html",
        {
            "person": person,
            "episodes": episodes,
            "form": form,
            "may_record": may_record,
            "has_open": any(e.is_open for e in episodes),
        },
    )


@login_required
@require_GET
def pre_proceedings(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    pp = pre_proceedings_get_for_user(user=user, pp_id=pk)
    settings = PreProceedingsSettings.load()
    meetings = list(pp.meetings.select_related("recorded_by"))
    initial = next((m for m in meetings if m.kind == MeetingKind.INITIAL), None)
    audit_shown(request, "macpt.pre_proceedings.viewed", [pp.person_id], target=pp)
    return render(
        request,
        "macpt/pre_proceedings/detail.html",
        {
            "pp": pp,
            "person": pp.person,
            "outcome": outcome_label(pp.outcome, settings),
            "meetings": meetings,
            "initial": initial,
            "review_count": sum(1 for m in meetings if m.kind == MeetingKind.REVIEW),
            "kinship": list(pp.kinship_assessments.select_related("carer")),
            "next_step": next_step(pp),
            "may_record": may_record_pre_proceedings(user),
            # FGDMMeetingOffer / FGDMMeetingFac: the FGDM strand's one selector (None: not recorded).
            "fgdm": fgdm_measure(pp),
        },
    )


def _writer_page(request: HttpRequest, pk: int):
    pp = pre_proceedings_get_for_user(user=request.user, pp_id=pk)
    if not may_record_pre_proceedings(request.user):
        raise Http404
    return pp


@login_required
@require_http_methods(["GET", "POST"])
def pre_proceedings_steps(request: HttpRequest, pk: int) -> HttpResponse:
    """Every step's date and answer in one form: the service checks the whole set against module 5's rules."""
    user = request.user
    pp = _writer_page(request, pk)
    choices = PreProceedingsSettings.load().outcome_choices()
    if request.method == "POST":
        form = PreProceedingsStepsForm(request.POST, outcome_choices=choices)
        if form.is_valid():
            updated = _service(
                form,
                lambda: pre_proceedings_update(
                    pre_proceedings=pp,
                    actor=user,
                    data=form.service_data(),
                    expected_version=form.cleaned_data.get("version"),
                ),
            )
            if updated is not None:
                messages.success(request, "Pre-proceedings updated")
                return redirect("macpt:pre_proceedings", pp.pk)
    else:
        form = PreProceedingsStepsForm(initial=PreProceedingsStepsForm.initial_from(pp), outcome_choices=choices)
    audit_shown(request, "macpt.pre_proceedings_steps.viewed", [pp.person_id], target=pp)
    return render(request, "macpt/pre_proceedings/steps.html", {"pp": pp, "person": pp.person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pre_proceedings_meeting_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    pp = _writer_page(request, pk)
    has_initial = pp.meetings.filter(kind=MeetingKind.INITIAL).exists()
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": MeetingKind.REVIEW if has_initial else MeetingKind.INITIAL},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = _service(
            form,
            lambda: pre_proceedings_meeting_add(
                pre_proceedings=pp, actor=user, kind=data["kind"], held_on=data["held_on"], notes=data["notes"]
            ),
        )
        if meeting is not None:
            messages.success(request, f"{meeting.get_kind_display()} recorded")
            return redirect("macpt:pre_proceedings", pp.pk)
    audit_shown(request, "macpt.pre_proceedings_meeting_form.viewed", [pp.person_id], target=pp)
    return render(request, "macpt/pre_proceedings/meeting_form.html", {"pp": pp, "person": pp.person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def kinship_assessment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    pp = _writer_page(request, pk)
    network = [n for n in family_network(person=pp.person) if n["current"]]
    form = KinshipAssessmentForm(request.POST if request.method == "POST" else None, network=network)
    if request.method == "POST" and form.is_valid():
        assessment = _service(
            form, lambda: kinship_assessment_add(pre_proceedings=pp, actor=user, data=form.service_data())
        )
        if assessment is not None:
            messages.success(request, f"{assessment.get_kind_display()} recorded")
            return redirect("macpt:pre_proceedings", pp.pk)
    audit_shown(request, "macpt.kinship_form.viewed", [pp.person_id], target=pp)
    return render(request, "macpt/pre_proceedings/kinship_form.html", {"pp": pp, "person": pp.person, "form": form})


urlpatterns = [
    path("children/<int:person_pk>/pre-proceedings/", pre_proceedings_for_child, name="pre_proceedings_for_child"),
    path("pre-proceedings/<int:pk>/", pre_proceedings, name="pre_proceedings"),
    path("pre-proceedings/<int:pk>/steps/", pre_proceedings_steps, name="pre_proceedings_steps"),
    path(
        "pre-proceedings/<int:pk>/meetings/new/", pre_proceedings_meeting_add_view, name="pre_proceedings_meeting_add"
    ),
    path("pre-proceedings/<int:pk>/kinship/new/", kinship_assessment_add_view, name="kinship_assessment_add"),
]
