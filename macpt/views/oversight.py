"""The LCPP's oversight dashboard (issue 14 item 9): every child in an open s47 enquiry or on a child protection
plan, with the next item due and its RAG, filterable by MACPT team; and its home-page panel (counts only).

selector -> page. Refused (404, never 403) to anyone the policy table does not let oversee (macpt.oversee). The
page writes one read-audit row naming every child it shows by name."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import policy
from cases.forms import GovukFormMixin
from cases.http import require
from cases.models import User
from cases.web import audit_shown, paginate, safe_link

from ..permissions import OVERSEE
from ..selectors.oversight import macpt_teams, oversight_children, oversight_counts, oversight_rows

PER_PAGE = 50


class TeamFilterForm(GovukFormMixin, forms.Form):
    team = forms.TypedChoiceField(label="MACPT team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [(str(t.pk), t.name) for t in teams]


@login_required
@require_GET
def oversight(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(policy.may(user, OVERSEE))
    teams = list(macpt_teams())
    form = TeamFilterForm(request.GET or None, teams=teams)
    team_id = form.cleaned_data["team"] if form.is_bound and form.is_valid() else None
    pagination = paginate(request, oversight_children(user=user, team_id=team_id), per_page=PER_PAGE)
    rows = oversight_rows(user=user, people=list(pagination.page.object_list), now=timezone.now())
    for row in rows:
        row.next_link = safe_link(row.next_due.link) if row.next_due and not row.hidden else ""
    audit_shown(request, "macpt.oversight_viewed", [r.person.pk for r in rows if not r.hidden])
    return render(
        request,
        "macpt/oversight.html",
        {
            "form": form,
            "rows": rows,
            "pagination": pagination,
            "total": pagination.page.paginator.count,
            "team": next((t for t in teams if t.pk == team_id), None),
        },
    )


def oversight_panel(user: User) -> dict:
    """The home page's panel for those who oversee: counts only, naming no child."""
    return {**oversight_counts(user=user), "url": reverse("macpt:oversight")}


urlpatterns = [
    path("oversight/", oversight, name="oversight"),
]
