"""Family Help pages: the whole-family assessment. Selector -> form -> one service -> redirect.

Out of scope is 404 (and so is a page the user may not use, as on the front door); every page that shows a
child's data writes one read-audit row. The edit page saves as it is typed (assessment_autosave, POST JSON,
409 on a stale version); without JavaScript its "Save draft" button does the same.
"""

import json
from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.http import require
from cases.models import FamilyCase, User
from cases.services import Conflict, StaleEdit
from cases.web import audit_shown, differences, error_list, stale_rebind

from ..forms.assessment import AssessmentChildForm, AssessmentForm, AssessmentStartForm, AuthoriseForm
from ..models import Assessment, AssessmentChild, AssessmentStatus
from ..selectors import family_case_get_for_user, family_children
from ..selectors.assessment import (
    assessment_get_for_user,
    assessment_sections,
    assessment_timescale,
    open_assessment,
)
from ..services import assessment as services

STALE_MESSAGE = (
    "Someone else saved this assessment while you were editing it, in another tab or as another "
    "person. Your changes have not been saved: check their changes below, then save again to keep yours."
)


STALE_SUBMIT_MESSAGE = "The assessment was changed while you were checking it: check it again below, then submit"


# --- helpers ----------------------------------------------------------------------------------------------


def family_link(family_case: FamilyCase) -> str | None:
    """The family's Family Help page (built by the allocation area), when it exists."""
    try:
        return reverse("family_help:family", args=[family_case.pk])
    except NoReverseMatch:
        return None


def _saved_time(assessment: Assessment) -> str:
    return f"{timezone.localtime(assessment.last_saved_at):%H:%M}" if assessment.last_saved_at else ""


def _child_forms(sections: list[AssessmentChild], data=None) -> list[AssessmentChildForm]:
    return [
        AssessmentChildForm(
            data,
            prefix=f"child-{s.pk}",
            section=s,
            initial=None if data is not None else AssessmentChildForm.initial_for(s),
        )
        for s in sections
    ]


def _main_initial(assessment: Assessment) -> dict:
    return {**{name: getattr(assessment, name) for name in services.ASSESSMENT_FIELDS}, "version": assessment.version}


def _add_service_errors(form: AssessmentForm, child_forms: list[AssessmentChildForm], exc: ValidationError) -> None:
    """A service's errors onto the right form: `child-<id>-<field>` onto that child's section."""
    by_prefix = {f.prefix: f for f in child_forms}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, found in exc.message_dict.items():
        if key in form.fields:
            form.add_error(key, found)
            continue
        prefix, _, name = key.rpartition("-")
        child = by_prefix.get(prefix)
        if child is not None and name in child.fields:
            child.add_error(name, found)
        else:
            form.add_error(None, found)


def _sections_data(child_forms: list[AssessmentChildForm]) -> dict[int, dict]:
    return {f.section.pk: dict(f.cleaned_data) for f in child_forms}


def _display(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(value) or "None"
    return str(value) if value not in (None, "") else "Not filled in"


def _conflict_rows(assessment: Assessment, form: AssessmentForm, child_forms: list[AssessmentChildForm]):
    """Each field where the assessment as saved now differs from what this person entered."""
    rows = []
    for name in services.ASSESSMENT_FIELDS:
        if name in form.cleaned_data:
            saved, entered = getattr(assessment, name), form.cleaned_data[name]
            if name == "outcome":
                saved = assessment.get_outcome_display()
                entered = dict(form.fields["outcome"].choices).get(entered, entered)
            rows.append((form.fields[name].label, saved, entered))
    current = {s.pk: s for s in assessment.children.all()}
    for child in child_forms:
        saved_section = current.get(child.section.pk)
        rows.extend(
            (child.fields[name].label, getattr(saved_section, name, ""), value)
            for name, value in child.cleaned_data.items()
        )
    return differences(rows, show=_display)


def _summary_context(assessment: Assessment, user: User) -> dict:
    sections = assessment_sections(assessment=assessment, user=user)
    family = assessment.family_case
    return {
        "assessment": assessment,
        "sections": sections,
        "family": family,
        "family_url": family_link(family),
        "timescale": assessment_timescale(assessment=assessment),
        "parent_fields": [
            (str(AssessmentForm.base_fields[n].label), getattr(assessment, n)) for n in AssessmentForm.PARENT_FIELDS
        ],
    }


# --- start -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family = family_case_get_for_user(user=user, family_case_id=pk)
    require(services.can_write_assessment(user=user, family_case=family))
    existing = open_assessment(family_case=family)
    if existing is not None:
        messages.info(request, "This family already has an assessment in progress")
        return redirect("family_help:assessment", pk=existing.pk)
    children = family_children(family_case=family, user=user)
    if request.method == "POST":
        form = AssessmentStartForm(request.POST)
        if form.is_valid():
            try:
                assessment = services.assessment_start(
                    family_case=family, actor=user, referral_date=form.cleaned_data["referral_date"]
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, f"Assessment started. It is due by {assessment.due_on.day} {assessment.due_on:%B %Y}"
                )
                return redirect("family_help:assessment_edit", pk=assessment.pk)
    else:
        form = AssessmentStartForm(
            initial={"referral_date": services.assessment_default_referral_date(family_case=family)}
        )
    audit_shown(request, "family_help.assessment_start.viewed", [c.pk for c in children], target=family)
    return render(
        request,
        "family_help/assessment/start.html",
        {
            "form": form,
            "family": family,
            "children": children,
            "family_url": family_link(family),
            "working_days": services.TIMESCALE_WORKING_DAYS,
        },
    )


# --- read --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assessment = assessment_get_for_user(user=user, assessment_id=pk)
    context = _summary_context(assessment, user)
    writable = services.can_write_assessment(user=user, family_case=assessment.family_case)
    context.update(
        {
            "can_edit": writable and assessment.status == AssessmentStatus.DRAFT,
            "can_authorise": services.can_authorise_assessment(user=user)
            and assessment.status == AssessmentStatus.SUBMITTED,
            "saved_time": _saved_time(assessment),
        }
    )
    audit_shown(request, "family_help.assessment.viewed", [s.person_id for s in context["sections"]], target=assessment)
    return render(request, "family_help/assessment/detail.html", context)


# --- edit and autosave ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assessment = assessment_get_for_user(user=user, assessment_id=pk)
    require(services.can_write_assessment(user=user, family_case=assessment.family_case))
    if assessment.status != AssessmentStatus.DRAFT:
        messages.info(request, "This assessment has been submitted, so it can no longer be changed")
        return redirect("family_help:assessment", pk=assessment.pk)
    sections = assessment_sections(assessment=assessment, user=user)
    conflict = None
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        child_forms = _child_forms(sections, request.POST)
        valid = all([form.is_valid(), *[f.is_valid() for f in child_forms]])
        if valid:
            try:
                assessment = services.assessment_save_draft(
                    assessment=assessment,
                    actor=user,
                    expected_version=form.cleaned_data["version"],
                    data=form.data_for_service(),
                    sections=_sections_data(child_forms),
                )
            except StaleEdit as exc:
                assessment.refresh_from_db()
                conflict = _conflict_rows(assessment, form, child_forms)
                form = stale_rebind(AssessmentForm, request.POST, exc.current_version, STALE_MESSAGE)
                child_forms = _child_forms(sections, form.data)
                for child in child_forms:
                    child.is_valid()
            except Conflict as exc:  # submitted meanwhile: no longer a draft
                messages.info(request, str(exc))
                return redirect("family_help:assessment", pk=assessment.pk)
            except ValidationError as exc:
                _add_service_errors(form, child_forms, exc)
            else:
                if request.POST.get("action") == "submit":
                    return redirect("family_help:assessment_submit", pk=assessment.pk)
                messages.success(request, f"Draft saved at {_saved_time(assessment)}")
                return redirect("family_help:assessment_edit", pk=assessment.pk)
    else:
        form = AssessmentForm(initial=_main_initial(assessment))
        child_forms = _child_forms(sections)
    errors = error_list(form, anchor="conflict" if conflict is not None else "main-content")
    errors += [row for child in child_forms for row in error_list(child, anchor="main-content")]
    context = _summary_context(assessment, user)
    context.update(
        {
            "form": form,
            "child_forms": child_forms,
            "errors": errors,
            "conflict": conflict,
            "saved_time": _saved_time(assessment),
            "autosave_url": reverse("family_help:assessment_autosave", args=[assessment.pk]),
        }
    )
    audit_shown(request, "family_help.assessment_edit.viewed", [s.person_id for s in sections], target=assessment)
    return render(request, "family_help/assessment/edit.html", context)


def _json_to_querydict(payload: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if isinstance(value, list):
            data.setlist(str(key), [str(v) for v in value])
        elif value is None:
            data[str(key)] = ""
        else:
            data[str(key)] = str(value)
    return data


def _field_errors(form, child_forms) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in [form, *child_forms]:
        for name, found in f.errors.items():
            key = f.add_prefix(name) if name != "__all__" else "non_field_errors"
            out.setdefault(key, []).extend(str(e) for e in found)
    return out


@login_required
@require_POST
def assessment_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft as it is typed. JSON in (the form's fields by name), JSON out: 200 with the new version
    and the time saved; 400 with reasons by field; 409 with the reason and what changed when a stale version
    is refused or the assessment is no longer a draft; 404 out of scope."""
    user = request.user
    try:
        assessment = assessment_get_for_user(user=user, assessment_id=pk)
    except Http404:
        return JsonResponse({"detail": "Not found."}, status=404)
    if not services.can_write_assessment(user=user, family_case=assessment.family_case):
        return JsonResponse({"detail": "Not found."}, status=404)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"errors": {"non_field_errors": ["Send the draft as a JSON object"]}}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"errors": {"non_field_errors": ["Send the draft as a JSON object"]}}, status=400)
    if assessment.status != AssessmentStatus.DRAFT:
        return JsonResponse(
            {
                "detail": "This assessment has been submitted for authorisation and can no longer be changed.",
                "version": assessment.version,
            },
            status=409,
        )
    sections = assessment_sections(assessment=assessment, user=user)
    data = _json_to_querydict(payload)
    form = AssessmentForm(data)
    # Only the sections the page sent: a section left out is left as it is.
    child_forms = [f for f in _child_forms(sections, data) if any(k.startswith(f"{f.prefix}-") for k in data)]
    if not all([form.is_valid(), *[f.is_valid() for f in child_forms]]):
        return JsonResponse({"errors": _field_errors(form, child_forms)}, status=400)
    try:
        assessment = services.assessment_save_draft(
            assessment=assessment,
            actor=user,
            expected_version=form.cleaned_data["version"],
            data={k: v for k, v in form.data_for_service().items() if k in data},
            sections={
                f.section.pk: {k: v for k, v in f.cleaned_data.items() if f.add_prefix(k) in data} for f in child_forms
            },
            autosave=True,
        )
    except StaleEdit as exc:
        assessment.refresh_from_db()
        return JsonResponse(
            {
                "detail": STALE_MESSAGE,
                "version": exc.current_version,
                "changes": [asdict(d) for d in _conflict_rows(assessment, form, child_forms)],
            },
            status=409,
        )
    except Conflict as exc:  # submitted meanwhile: no longer a draft
        return JsonResponse({"detail": str(exc), "version": exc.current.get("version", assessment.version)}, status=409)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return JsonResponse({"errors": exc.message_dict}, status=400)
        return JsonResponse({"detail": " ".join(exc.messages), "version": assessment.version}, status=409)
    saved = _saved_time(assessment)
    return JsonResponse({"version": assessment.version, "saved_at": saved, "message": f"Saved at {saved}"})


# --- submit and authorise -------------------------------------------------------------------------------------------


def _missing_links(assessment: Assessment) -> list[tuple[str, str]]:
    """What is missing, each linking to its field on the edit page."""
    edit = reverse("family_help:assessment_edit", args=[assessment.pk])
    out = []
    for key, found in services.assessment_missing(assessment).items():
        anchor = {"analysis": "id_analysis", "outcome": "id_outcome_0"}.get(key)
        if anchor is None:
            anchor = f"id_{key}_0" if key.endswith("-factors") else f"id_{key}"
        out.extend((f"{edit}#{anchor}", message) for message in found)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assessment = assessment_get_for_user(user=user, assessment_id=pk)
    require(services.can_write_assessment(user=user, family_case=assessment.family_case))
    if assessment.status != AssessmentStatus.DRAFT:
        messages.info(request, "This assessment has already been submitted")
        return redirect("family_help:assessment", pk=assessment.pk)
    stale = False
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.assessment_submit(assessment=assessment, actor=user, expected_version=version)
        except StaleEdit:
            stale = True
            assessment.refresh_from_db()
        except (Conflict, ValidationError):  # submitted meanwhile, or parts missing (listed on the page)
            assessment.refresh_from_db()
        else:
            messages.success(request, "Assessment submitted for authorisation")
            return redirect("family_help:assessment", pk=assessment.pk)
    context = _summary_context(assessment, user)
    context.update(
        {
            "missing": _missing_links(assessment),
            "stale": stale,
            "stale_errors": [("check", STALE_SUBMIT_MESSAGE)] if stale else [],
        }
    )
    audit_shown(
        request, "family_help.assessment_submit.viewed", [s.person_id for s in context["sections"]], target=assessment
    )
    return render(request, "family_help/assessment/submit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assessment = assessment_get_for_user(user=user, assessment_id=pk)
    require(services.can_authorise_assessment(user=user))
    if assessment.status != AssessmentStatus.SUBMITTED:
        messages.info(request, "This assessment is not waiting for authorisation")
        return redirect("family_help:assessment", pk=assessment.pk)
    if request.method == "POST":
        form = AuthoriseForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "authorise":
                    services.assessment_authorise(
                        assessment=assessment, actor=user, authorised_on=form.cleaned_data["authorised_on"]
                    )
                    message = "Assessment authorised"
                else:
                    services.assessment_return(
                        assessment=assessment, actor=user, reason=form.cleaned_data["returned_reason"]
                    )
                    message = "Assessment returned to the practitioner"
            except Conflict as exc:  # another manager authorised or returned it meanwhile
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, message)
                return redirect("family_help:assessment", pk=assessment.pk)
    else:
        form = AuthoriseForm(initial={"authorised_on": timezone.localdate()})
    context = _summary_context(assessment, user)
    context["form"] = form
    audit_shown(
        request,
        "family_help.assessment_authorise.viewed",
        [s.person_id for s in context["sections"]],
        target=assessment,
    )
    return render(request, "family_help/assessment/authorise.html", context)


urlpatterns = [
    path("families/<int:pk>/assessment/start/", assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/", assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/autosave/", assessment_autosave, name="assessment_autosave"),
    path("assessments/<int:pk>/submit/", assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/authorise/", assessment_authorise, name="assessment_authorise"),
]
