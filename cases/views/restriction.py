"""Reviews of restricted records' named access lists (issue 17 item 2), for those who may restrict records
(cases.policy.RESTRICT: privacy officer, front door manager, manager; anyone else: not there, 404). The list shows
each restricted record's next review; the review page keeps or removes each name, sets or extends each expiry, and
starts the 90 days again. A record's name is shown only to someone on its list (cases.web.restricted): the others
see its LA child ID."""

import datetime as dt

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
from ..models import REVIEW_EVERY_DAYS
from ..selectors.people import people_restricted_for_user
from ..selectors.restriction import (
    restricted_access_list,
    restricted_record_for_review,
    restricted_records_for_review,
)
from ..services.audit import audit_read
from ..services.restriction import REVIEW_KIND, restriction_review


class ReviewForm(GovukFormMixin, forms.Form):
    """A keep/remove choice and an expiry for each name on the list."""

    def __init__(self, *args, entries=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            name = entry.user.full_name or entry.user.email
            self.fields[f"keep_{entry.user_id}"] = forms.ChoiceField(
                label=f"Keep {name} on the list?",
                choices=[("keep", "Keep"), ("remove", "Remove")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether to keep {name} on the list"},
            )
            self.fields[f"expires_{entry.user_id}"] = GovukDateField(
                label=f"{name} may see the record until",
                help_text="For example, 31 3 2027. Empty: until removed",
            )
            self.initial.setdefault(f"keep_{entry.user_id}", "keep")
            if entry.expires_at:
                self.initial.setdefault(f"expires_{entry.user_id}", timezone.localtime(entry.expires_at).date())

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for entry in self.entries:
            key = f"expires_{entry.user_id}"
            if data.get(f"keep_{entry.user_id}") != "keep" or not data.get(key):
                continue
            if data[key] <= today:
                self.add_error(key, "The date must be in the future")
            elif data[key] > today + dt.timedelta(days=REVIEW_EVERY_DAYS * 4):
                # A name is reviewed every 90 days anyway: an expiry years away is a typing mistake (or 31 12 9999).
                self.add_error(key, "The date must be within a year: the list is reviewed every 90 days")
        return data

    def rows(self):
        return [(e, self[f"keep_{e.user_id}"], self[f"expires_{e.user_id}"]) for e in self.entries]

    def decisions(self) -> dict[int, tuple[bool, dt.datetime | None]]:
        out = {}
        for entry in self.entries:
            day = self.cleaned_data.get(f"expires_{entry.user_id}")
            # Until the end of the day chosen, in the council's time.
            until = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)) if day else None
            out[entry.user_id] = (self.cleaned_data[f"keep_{entry.user_id}"] == "keep", until)
        return out


@login_required
@require_GET
def restriction_reviews(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, policy.RESTRICT))
    rows = restricted_records_for_review(user=request.user)
    audit_read(
        actor=request.user,
        verb="restriction.reviews_viewed",
        child_ids=[p.pk for p, _, _ in rows],
        target_type="cases.restrictedaccess",
    )
    return render(request, "cases/restriction/reviews.html", {"rows": rows, "now": timezone.now(), "kind": REVIEW_KIND})


@login_required
@require_http_methods(["GET", "POST"])
def restriction_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(policy.may(request.user, policy.RESTRICT))
    person = restricted_record_for_review(person_id=pk)
    named = not people_restricted_for_user(user=request.user, people=[person])
    entries = restricted_access_list(person=person)
    form = ReviewForm(request.POST or None, entries=entries)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                restriction_review(person=person, actor=request.user, decisions=form.decisions())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "The review is saved. The next one is due in 90 days")
                return redirect("cases:restriction_reviews")
        status = 400
    audit_read(actor=request.user, verb="restriction.review_viewed", child_ids=[person.pk], target=person)
    return render(
        request,
        "cases/restriction/review.html",
        {
            "person": person,
            "named": named,
            "form": form,
            "reviews": person.restriction_reviews.all()[:5],
            "now": timezone.now(),
        },
        status=status,
    )


urlpatterns = [
    path("restricted/", restriction_reviews, name="restriction_reviews"),
    path("restricted/<int:pk>/review/", restriction_review_page, name="restriction_review"),
]
