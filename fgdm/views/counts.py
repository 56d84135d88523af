"""The FGDM counts page (issue 15 item 7): offers by decision point, their answers, meetings held, plans agreed,
reviews, and the two pre-proceedings measures of THE one selector, for a quarter or a collection year (the default:
the current one). For the FGDM service's facilitators and the council's managers (fgdm.counts); anyone else is told
the page is not there (404). The counts name no child; the drill-down (the offers at one decision point) lists only
the offers the reader may open (fgdm.selectors.scope) and is read-audited."""

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
from cases.web import audit_shown, paginate
from cases.web.errors import error_list

from ..models import DecisionPointKind
from ..permissions import COUNTS
from ..selectors.counts import fgdm_counts, offers_counted, period_choices, period_current_year, period_parse
from ..selectors.pre_proceedings import offer_url

PER_PAGE = 50


class CountsForm(GovukFormMixin, forms.Form):
    period = forms.ChoiceField(
        label="Period",
        required=False,
        error_messages={"invalid_choice": "Choose a collection year or a quarter from the list"},
    )

    def __init__(self, *args, periods=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]


@login_required
@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, COUNTS))
    today = timezone.localdate()
    periods = period_choices(today)
    form = CountsForm(request.GET if "period" in request.GET else None, periods=periods)
    period = period_current_year(today)
    if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
        period = period_parse(form.cleaned_data["period"])
    if not form.is_bound:
        form = CountsForm(initial={"period": period.key}, periods=periods)
    # The drill-down's decision point comes from a link in the table; anything else is refused with the reason.
    decision_point = request.GET.get("decision_point", "")
    errors = error_list(form)
    if decision_point and decision_point not in DecisionPointKind.values:
        errors.append(("offers-by-decision-point", "Choose a decision point from the table"))
        decision_point = ""
    context = {"form": form, "errors": errors, "counts": fgdm_counts(period=period), "period": period}
    if decision_point:
        pagination = paginate(
            request, offers_counted(user=request.user, period=period, decision_point=decision_point), per_page=PER_PAGE
        )
        offers = list(pagination.page.object_list)
        for offer in offers:
            offer.url = offer_url(offer.pk)
        audit_shown(
            request, "fgdm.counts_offers_viewed", [child.pk for offer in offers for child in offer.children.all()]
        )
        context.update(
            decision_point=DecisionPointKind(decision_point),
            offers=offers,
            pagination=pagination,
            shown=pagination.page.paginator.count,
        )
    return render(request, "fgdm/counts.html", context)


urlpatterns = [
    path("counts/", counts, name="counts"),
]
