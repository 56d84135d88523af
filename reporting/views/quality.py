"""The data-quality page (issue 16 item 3): every issue DfE's validator (and our module 5 checks) raised on the latest
draft census, errors and queries, per child, each with the field to fix and a link to the page of the record that
holds it. Names only for children in the reader's record scope (cases.permissions.person_record_scope); any other
child (a restricted record the reader is not on the list for) shows as "Restricted record", with no link."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cases import policy
from cases.http import require
from cases.models import Person, User
from cases.permissions import person_record_scope
from cases.web import audit_shown
from cases.web.pagination import paginate

from ..models import DataQualityIssue, IssueKind, ReturnRun
from ..permissions import DATA_QUALITY
from ..quality.draft import latest_draft
from ..quality.fixes import FixFinder, field_label

CHILDREN_PER_PAGE = 25
SHOW = {"all": None, "errors": IssueKind.ERROR, "queries": IssueKind.QUERY}


def counts(run: ReturnRun | None) -> dict:
    """Errors, queries and children with an issue in a draft census run (zeros without one)."""
    if run is None:
        return {"errors": 0, "queries": 0, "children": 0}
    return DataQualityIssue.objects.filter(run=run).aggregate(
        errors=Count("pk", filter=Q(kind=IssueKind.ERROR)),
        queries=Count("pk", filter=Q(kind=IssueKind.QUERY)),
        children=Count("la_child_id", filter=~Q(la_child_id=""), distinct=True),
    )


def _children(user: User, run: ReturnRun, issues: list[DataQualityIssue], page_ids: list[str]) -> list[dict]:
    person_ids = {issue.person_id for issue in issues if issue.person_id}
    readable = set(person_record_scope(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    names = {
        p.pk: p
        for p in Person.objects.filter(pk__in=readable).only(
            "pk", "first_name", "last_name", "la_child_id", "version", "restricted"
        )
    }
    finder = FixFinder(readable, user=user, people=names)
    by_child: dict[str, dict] = {}
    for la_child_id in page_ids:
        by_child[la_child_id] = {"la_child_id": la_child_id, "person": None, "restricted": True, "issues": []}
    for issue in issues:
        entry = by_child[issue.la_child_id]
        person = names.get(issue.person_id)
        if person is not None:
            entry.update(person=person, restricted=False)
            fix = finder.fix(person.pk, issue.table, issue.column, issue.value)
        else:
            fix = None
        entry["issues"].append({"issue": issue, "fix": fix, "field": field_label(issue.column)})
    for entry in by_child.values():
        # A child whose id no record holds any more (merged since the run) is not restricted: it just has no record.
        entry["no_record"] = all(row["issue"].person_id is None for row in entry["issues"])
        if entry["no_record"]:
            entry["restricted"] = False
    return list(by_child.values())


@login_required
@require_GET
def data_quality(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, DATA_QUALITY))
    run = latest_draft()
    show = request.GET.get("show", "all")
    if show not in SHOW:
        show = "all"
    context = {"run": run, "counts": counts(run), "show": show, "shows": SHOW.keys(), "children": []}
    if run is not None:
        issues = DataQualityIssue.objects.filter(run=run)
        if SHOW[show]:
            issues = issues.filter(kind=SHOW[show])
        context["council"] = list(issues.filter(la_child_id="").order_by("kind", "rule"))
        child_ids = (
            issues.exclude(la_child_id="").values_list("la_child_id", flat=True).distinct().order_by("la_child_id")
        )
        pagination = paginate(request, child_ids, per_page=CHILDREN_PER_PAGE)
        page_ids = list(pagination.page.object_list)
        page_issues = list(issues.filter(la_child_id__in=page_ids).order_by("la_child_id", "kind", "rule", "pk"))
        children = _children(request.user, run, page_issues, page_ids)
        context.update(pagination=pagination, children=children)
        # The page names children (those the reader may see) with their census issues: a read of their records.
        audit_shown(
            request,
            "reporting.data_quality_read",
            [child["person"] for child in children if child["person"] is not None],
            target=run,
        )
    return render(request, "reporting/data_quality.html", context)


urlpatterns = [
    path("data-quality/", data_quality, name="data_quality"),
]
