"""The workforce history page (issue 16 item 4): a manager keeps each practitioner's qualification, hours and lead
practitioner status, dated, so the FFP quarterly return counts the workforce as it was at the end of each quarter.
Not a manager: the pages are not there (404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import policy
from ..forms import GovukDateField, GovukFormMixin
from ..http import require
from ..models import Agency, Qualification
from ..selectors.workforce import (
    practitioner_get,
    practitioner_history,
    practitioner_records_at,
    workforce_practitioners,
)
from ..services.workforce import practitioner_record_set


class PractitionerRecordForm(GovukFormMixin, forms.Form):
    valid_from = GovukDateField(
        label="From", required=True, help_text="The day this applies from, for example 1 7 2026"
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.all(),
        error_messages={"invalid_choice": "Choose an agency from the list", "required": "Choose the agency"},
    )
    qualification = forms.ChoiceField(
        label="Qualification",
        choices=Qualification.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the practitioner's qualification"},
    )
    hours_per_week = forms.CharField(
        label="Contracted hours a week",
        help_text="0 when they leave or stop holding families. Full time is 37.",
        max_length=6,
        error_messages={"required": "Enter the hours a week"},
    )
    lead_practitioner = forms.ChoiceField(
        label="Do they hold families as a Family Help Lead Practitioner?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether they hold families as a lead practitioner"},
    )
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].error_messages["required"] = "Enter the date this applies from"
        self.fields["hours_per_week"].widget.attrs.update(
            {"inputmode": "decimal", "class": "govuk-input govuk-input--width-5"}
        )


@login_required
@require_GET
def workforce(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, policy.WORKFORCE))
    today = timezone.localdate()
    current = {r.user_id: r for r in practitioner_records_at(today)}
    rows = [(user, current.get(user.pk)) for user in workforce_practitioners()]
    return render(request, "cases/workforce.html", {"rows": rows, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def practitioner(request: HttpRequest, pk: int) -> HttpResponse:
    require(policy.may(request.user, policy.WORKFORCE))
    user = practitioner_get(pk)
    history = practitioner_history(user)
    if request.method == "POST":
        form = PractitionerRecordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                practitioner_record_set(
                    practitioner=user,
                    actor=request.user,
                    valid_from=data["valid_from"],
                    qualification=data["qualification"],
                    hours_per_week=data["hours_per_week"].strip(),
                    lead_practitioner=data["lead_practitioner"] == "yes",
                    agency=data["agency"],
                    note=data["note"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"{user.full_name}'s record from {data['valid_from']:%-d %B %Y} is saved")
                return redirect("cases:workforce_practitioner", pk=user.pk)
        status = 400
    else:
        latest = history[0] if history else None
        form = PractitionerRecordForm(
            initial={
                "agency": latest.agency_id if latest else user.agency_id,
                "qualification": latest.qualification if latest else user.qualification,
                "hours_per_week": str(latest.hours_per_week) if latest else "37",
                "lead_practitioner": ("yes" if latest.lead_practitioner else "no") if latest else "yes",
            }
        )
        status = 200
    return render(
        request,
        "cases/workforce_practitioner.html",
        {"practitioner": user, "history": history, "form": form},
        status=status,
    )


urlpatterns = [
    path("workforce/", workforce, name="workforce"),
    path("workforce/<int:pk>/", practitioner, name="workforce_practitioner"),
]
