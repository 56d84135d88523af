"""The retention pages (issue 17 item 4), the privacy officer's only (cases.policy.MANAGE_RETENTION; anyone else: not
there, 404): the council's rules, the disposal job's dry run (what would go, and why) with the button that runs it,
and legal holds. Every page that lists records writes a read-audit row naming them."""

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy
from ..forms import GovukDateField, GovukFormMixin
from ..http import require
from ..models import LegalHold, RecordType, RetentionBasis
from ..selectors.people import person_get_by_la_child_id
from ..selectors.retention import disposal_runs_recent, legal_holds_for_user, retention_dry_run_rows
from ..services.audit import audit_read
from ..services.retention import (
    legal_hold_create,
    legal_hold_end,
    retention_rule_set,
    retention_rules,
    retention_run,
)


class RuleForm(GovukFormMixin, forms.Form):
    basis = forms.ChoiceField(
        label="Kept for a number of years after",
        choices=RetentionBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the years count from"},
    )
    years = forms.IntegerField(
        label="Years",
        min_value=1,
        max_value=150,
        # GOV.UK's number pattern: a text box with a numeric keypad (a number input mangles what was typed).
        widget=forms.TextInput,
        error_messages={
            "required": "Enter the number of years",
            "invalid": "Years must be a whole number, like 75",
            "min_value": "Years must be 1 or more",
            "max_value": "Years must be 150 or fewer",
        },
    )
    source = forms.CharField(label="Source of the rule (optional)", max_length=300, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["years"].widget.attrs.update({"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"})


class HoldForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Inquiry or notice",
        max_length=200,
        help_text="For example, Independent Inquiry retention notice 3",
        error_messages={"required": "Enter the name of the inquiry or notice"},
    )
    reference = forms.CharField(label="Reference (optional)", max_length=100, required=False)
    children = forms.CharField(
        label="LA child IDs of the children it names",
        help_text="Separate them with spaces or commas",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the LA child ID of at least one child"},
    )
    starts_on = GovukDateField(label="In force from", help_text="For example, 1 9 2026. Empty: from today")
    ends_on = GovukDateField(label="Until (optional)", help_text="Empty: until it is lifted")

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.people = []

    def clean_children(self):
        ids = [i for i in re.split(r"[\s,]+", self.cleaned_data["children"].strip()) if i]
        people, unknown = [], []
        for la_child_id in ids:
            person = person_get_by_la_child_id(user=self.user, la_child_id=la_child_id)
            (people.append(person) if person else unknown.append(la_child_id))
        if unknown:
            raise ValidationError(f"No record has the LA child ID {', '.join(unknown)}: check the IDs")
        self.people = people
        return self.cleaned_data["children"]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Until must be the same as or after in force from")
        return data


def _rule_forms(data=None, failed: str = "") -> list[tuple[str, str, object, RuleForm]]:
    rules = retention_rules()
    rows = []
    for record_type, label in RecordType.choices:
        rule = rules[record_type]
        bound = data if failed == record_type else None
        initial = {"basis": rule.basis, "years": rule.years, "source": rule.source}
        rows.append((record_type, label, rule, RuleForm(bound, initial=initial, prefix=record_type)))
    return rows


def _page(request: HttpRequest, *, rule_rows=None, status: int = 200) -> HttpResponse:
    rows = retention_dry_run_rows(user=request.user)
    audit_read(
        actor=request.user,
        verb="retention.dry_run_viewed",
        child_ids=[due.person_id for due, _ in rows],
        target_type="cases.retention",
    )
    rule_rows = rule_rows or _rule_forms()
    return render(
        request,
        "cases/retention/retention.html",
        {
            "rule_rows": rule_rows,
            "failed_form": next((f for _, _, _, f in rule_rows if f.is_bound and f.errors), None),
            "rows": rows,
            "going": sum(1 for due, _ in rows if not due.held_by),
            "held": sum(1 for due, _ in rows if due.held_by),
            "runs": disposal_runs_recent(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def retention(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, policy.MANAGE_RETENTION))
    return _page(request)


@login_required
@require_POST
def retention_rule(request: HttpRequest, record_type: str) -> HttpResponse:
    require(policy.may(request.user, policy.MANAGE_RETENTION) and record_type in RecordType.values)
    rule_rows = _rule_forms(request.POST, failed=record_type)
    form = next(f for t, _, _, f in rule_rows if t == record_type)
    if form.is_valid():
        try:
            retention_rule_set(actor=request.user, record_type=record_type, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The rule for {RecordType(record_type).label.split(' (')[0]} records is saved")
            return redirect("cases:retention")
    return _page(request, rule_rows=rule_rows, status=400)


@login_required
@require_POST
def retention_dispose(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, policy.MANAGE_RETENTION))
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm the records listed are to be disposed of")
        return redirect("cases:retention")
    run = retention_run(actor=request.user)
    messages.success(request, f"{run.disposed} records disposed of; {run.held} kept by a legal hold")
    return redirect("cases:retention")


@login_required
@require_http_methods(["GET", "POST"])
def legal_holds(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, policy.MANAGE_RETENTION))
    form = HoldForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                hold = legal_hold_create(
                    actor=request.user,
                    name=data["name"],
                    reference=data["reference"],
                    people=form.people,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"The legal hold {hold.name} is recorded")
                return redirect("cases:legal_holds")
        status = 400
    holds = legal_holds_for_user(user=request.user)
    audit_read(
        actor=request.user,
        verb="retention.holds_viewed",
        child_ids=[p.pk for _, people, _ in holds for p in people],
        target_type="cases.legalhold",
    )
    return render(request, "cases/retention/legal_holds.html", {"form": form, "holds": holds}, status=status)


@login_required
@require_POST
def legal_hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    require(policy.may(request.user, policy.MANAGE_RETENTION))
    # scoped: a hold is the privacy officer's (MANAGE_RETENTION, council-wide), checked above
    hold = get_object_or_404(LegalHold, pk=pk)
    # In force until the end of its last day: lifted today, its last day was yesterday (or its first, if that is
    # today: a hold never ends before it starts).
    ends_on = max(timezone.localdate() - dt.timedelta(days=1), hold.starts_on)
    legal_hold_end(actor=request.user, hold=hold, ends_on=ends_on)
    messages.success(request, f"The legal hold {hold.name} is lifted")
    return redirect("cases:legal_holds")


urlpatterns = [
    path("retention/", retention, name="retention"),
    path("retention/rules/<str:record_type>/", retention_rule, name="retention_rule"),
    path("retention/dispose/", retention_dispose, name="retention_dispose"),
    path("retention/holds/", legal_holds, name="legal_holds"),
    path("retention/holds/<int:pk>/lift/", legal_hold_lift, name="legal_hold_lift"),
]
