"""The grant ledger's pages (issue 16 item 4; policy GRANT_LEDGER, managers): the year's grants with their
allocation and their spend by quarter and category, the warning when transformation passes its expected share, and a
grant's page where its allocation, expected share and spend lines are kept. Bad input: the page again with the
reason, keeping what was typed (400)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import policy
from cases.forms import GovukFormMixin
from cases.http import require
from cases.web.errors import error_list

from .. import ledger
from ..models import Grant, SpendCategory, SpendLine, SpendStatus
from ..periods import parse_year, quarter_of, quarters_of_year, year_key
from ..permissions import GRANT_LEDGER


class GrantForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Grant name", max_length=200, error_messages={"required": "Enter the grant's name"})
    reference = forms.CharField(label="Reference (optional)", max_length=100, required=False)
    expected_transformation_percent = forms.CharField(
        label="Expected share of spend on transformation (%)",
        help_text="The ledger warns when a year's transformation spend passes it. Leave empty for 30%.",
        max_length=6,
        required=False,
    )


class PercentForm(GovukFormMixin, forms.Form):
    prefix = "percent"
    expected_transformation_percent = forms.CharField(
        label="Expected share of spend on transformation (%)",
        max_length=6,
        error_messages={"required": "Enter a percentage, like 30"},
    )


class AllocationForm(GovukFormMixin, forms.Form):
    prefix = "allocation"
    year = forms.CharField(label="Collection year", help_text="For example 2026-27", max_length=7)
    amount = forms.CharField(label="Allocation (£)", max_length=20, error_messages={"required": "Enter the amount"})


class SpendLineForm(GovukFormMixin, forms.Form):
    prefix = "line"  # the grant's page holds three forms: their fields' ids must differ
    quarter = forms.CharField(
        label="Quarter", help_text="For example 2026-27-Q2 (July to September 2026)", max_length=10
    )
    category = forms.ChoiceField(
        label="Category",
        choices=SpendCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the category", "invalid_choice": "Choose the category"},
    )
    sub_category = forms.CharField(
        label="Local sub-category",
        help_text="The council's own heading, for example 'Practice model' or 'Family hubs'",
        max_length=100,
        error_messages={"required": "Enter the council's own heading for this spend"},
    )
    status = forms.ChoiceField(
        label="Actual or committed?",
        choices=SpendStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is actual or committed spend"},
    )
    amount = forms.CharField(label="Amount (£)", max_length=20, error_messages={"required": "Enter the amount"})
    description = forms.CharField(label="Description (optional)", max_length=200, required=False)


def _year(request: HttpRequest) -> int:
    try:
        return parse_year(request.GET.get("year", ""))
    except ValueError:
        return ledger.current_year_start(timezone.localdate())


def _years(today) -> list[str]:
    start = ledger.current_year_start(today)
    return [year_key(y) for y in range(start + 1, start - 4, -1)]


def _ledger_page(request, *, form=None, status=200) -> HttpResponse:
    year_start = _year(request)
    today = timezone.localdate()
    return render(
        request,
        "reporting/ledger.html",
        {
            "year": year_key(year_start),
            "years": _years(today),
            "rows": ledger.ledger_year(year_start),
            "quarters": quarters_of_year(year_start),
            "warnings": ledger.transformation_warnings(year_start=year_start),
            "form": form or GrantForm(),
            "errors": error_list(form) if form is not None else [],
            "categories": SpendCategory.choices,
        },
        status=status,
    )


@login_required
@require_GET
def ledger_page(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, GRANT_LEDGER))
    return _ledger_page(request)


@login_required
@require_POST
def grant_new(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, GRANT_LEDGER))
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            grant = ledger.grant_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{grant.name} is added")
            return redirect("reporting:grant", pk=grant.pk)
    return _ledger_page(request, form=form, status=400)


def _grant_page(request, grant: Grant, *, forms_: dict | None = None, status: int = 200) -> HttpResponse:
    year_start = _year(request)
    today = timezone.localdate()
    forms_ = forms_ or {}
    allocation = grant.allocations.filter(year=year_key(year_start)).first()
    allocation_form = forms_.get("allocation") or AllocationForm(
        initial={"year": year_key(year_start), "amount": allocation.amount if allocation else ""}
    )
    line_form = forms_.get("line") or SpendLineForm(
        initial={"quarter": quarter_of(today) if ledger.current_year_start(today) == year_start else ""}
    )
    percent_form = forms_.get("percent") or PercentForm(
        initial={"expected_transformation_percent": grant.expected_transformation_percent.normalize()}
    )
    errors = []
    for key, form in (("percent", percent_form), ("allocation", allocation_form), ("line", line_form)):
        if key in forms_:
            errors += error_list(form)
    quarters = quarters_of_year(year_start)
    return render(
        request,
        "reporting/grant.html",
        {
            "grant": grant,
            "year": year_key(year_start),
            "years": _years(today),
            "allocation": allocation,
            "lines": SpendLine.objects.filter(grant=grant, quarter__in=quarters).order_by("quarter", "category", "id"),
            "spend": ledger.expenditure(quarters=quarters, grant=grant),
            "warnings": [w for w in ledger.transformation_warnings(year_start=year_start) if w.grant == grant.name],
            "allocation_form": allocation_form,
            "line_form": line_form,
            "percent_form": percent_form,
            "errors": errors,
            "categories": SpendCategory.choices,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(policy.may(request.user, GRANT_LEDGER))
    grant = get_object_or_404(Grant, pk=pk)
    if request.method == "GET":
        return _grant_page(request, grant)
    which = request.POST.get("form", "")
    back = reverse("reporting:grant", args=[grant.pk])
    if which == "allocation":
        form = AllocationForm(request.POST)
        if form.is_valid():
            try:
                allocation = ledger.allocation_set(grant=grant, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"The {allocation.year} allocation is saved")
                return redirect(f"{back}?year={allocation.year}")
        return _grant_page(request, grant, forms_={"allocation": form}, status=400)
    if which == "line":
        form = SpendLineForm(request.POST)
        if form.is_valid():
            try:
                line = ledger.spend_line_add(grant=grant, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"The spend line in {line.quarter} is added")
                return redirect(f"{back}?year={line.quarter[:7]}")
        return _grant_page(request, grant, forms_={"line": form}, status=400)
    if which == "percent":
        form = PercentForm(request.POST)
        if form.is_valid():
            try:
                ledger.grant_update(grant=grant, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "The expected share is saved")
                return redirect(back)
        return _grant_page(request, grant, forms_={"percent": form}, status=400)
    if which == "remove":
        line = get_object_or_404(SpendLine, pk=request.POST.get("line") or 0, grant=grant)
        ledger.spend_line_remove(line=line, actor=request.user, reason="Removed on the grant's page")
        messages.success(request, "The spend line is removed")
        return redirect(f"{back}?year={line.quarter[:7]}")
    return _grant_page(request, grant, status=400)


urlpatterns = [
    path("ledger/", ledger_page, name="ledger"),
    path("ledger/grants/new", grant_new, name="grant_new"),
    path("ledger/grants/<int:pk>/", grant_page, name="grant"),
]
