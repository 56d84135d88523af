"""The managers' dashboards page (issue 16 item 7): the front door, the child's journey, timescales, re-referrals,
FGDM and caseloads as SVG charts with their numbers as tables, for a period (a collection year or a quarter; the
current collection year by default) and a team (all teams by default). For the roles of reporting.dashboards; anyone
else is told the page is not there (404). Aggregates only: no child is named, so nothing is read-audited.

A period or team not in the lists is refused with the reason on the page, what was chosen kept in the form, and the
figures shown for what could be read (the default for the field refused)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import policy
from cases.forms import GovukFormMixin
from cases.http import require
from cases.models import Team
from cases.web.errors import error_list
from fgdm.selectors.counts import period_choices, period_current_year, period_parse

from ..dashboards import charts_for, dashboard
from ..permissions import DASHBOARDS

ALL_TEAMS = ""


class DashboardFilterForm(GovukFormMixin, forms.Form):
    period = forms.ChoiceField(label="Period", required=False)
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, *args, periods=(), teams=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]
        self.fields["team"].choices = [(ALL_TEAMS, "All teams"), *((str(t.pk), t.name) for t in teams)]

    def full_clean(self) -> None:
        super().full_clean()
        # The choice fields' own message does not say what was refused: name it, so the reader sees what they asked.
        for name, what in (("period", "a collection year or a quarter"), ("team", "a team")):
            if name in self.errors:
                given = (self.data.get(name) or "")[:40]
                self.errors[name] = self.error_class([f"“{given}” is not in the list: choose {what} from the list"])


@login_required
@require_GET
def dashboards(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, DASHBOARDS))
    today = timezone.localdate()
    periods = period_choices(today)
    teams = list(Team.objects.order_by("name", "pk"))
    bound = "period" in request.GET or "team" in request.GET
    form = DashboardFilterForm(request.GET if bound else None, periods=periods, teams=teams)
    period, team = period_current_year(today), None
    if bound:
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        if cleaned.get("period"):
            period = period_parse(cleaned["period"])
        if cleaned.get("team"):
            team = next(t for t in teams if str(t.pk) == cleaned["team"])
    else:
        form = DashboardFilterForm(initial={"period": period.key, "team": ALL_TEAMS}, periods=periods, teams=teams)
    figures = dashboard(period=period, team=team)
    context = {
        "form": form,
        "errors": error_list(form),
        "period": period,
        "team": team,
        "figures": figures,
        "charts": charts_for(figures),
    }
    return render(request, "reporting/dashboards.html", context)


urlpatterns = [
    path("dashboards/", dashboards, name="dashboards"),
]
