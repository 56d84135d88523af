"""The reports page (issue 16): each return the reader may run, its recent runs, a run's progress (polled by
reporting-progress.mjs; without JavaScript the page's "Check progress" link does the same) and its download, which
records the export (who, what, how many rows, why). A reader the policy does not let run a return is told the page
is not there (404)."""

import zlib

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import policy
from cases.disclosure import disclosure_path
from cases.forms import GovukFormMixin
from cases.http import require
from cases.models import LawfulBasis, User
from cases.services.audit import audit_record
from cases.web.errors import error_list
from cases.web.pdf import attachment

from ..builders import Builder, builder, builders
from ..exports import export_volume_check, record_export
from ..models import ReturnRun, RunStatus
from ..permissions import REPORTS
from ..tasks import queue_run

RECENT = 10


class RunForm(GovukFormMixin, forms.Form):
    period = forms.ChoiceField(label="Period", error_messages={"invalid_choice": "Choose a period from the list"})
    purpose = forms.CharField(
        label="What is it for?",
        help_text="Recorded with the run and with every download of it, for example ‘CIN census submission to DfE’.",
        max_length=500,
        error_messages={"required": "Say what the file is for", "max_length": "Keep it under 500 characters"},
    )

    def __init__(self, *args, builder: Builder, today, **kwargs) -> None:
        # The prefix before the fields are bound: GovukFormMixin reads a bound field (its hint's id) in __init__, which
        # would keep an unprefixed name for the purpose (its answer read from "purpose", not "<kind>-purpose").
        kwargs.setdefault("prefix", builder.kind)
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = builder.periods(today)
        self.fields["period"].initial = builder.default_period(today)


def runnable(user: User) -> list[Builder]:
    """The builders this user may run, in the reports page's order."""
    return [b for b in builders() if policy.may(user, b.action)]


def _builder_for(user: User, kind: str) -> Builder:
    found = builder(kind)
    require(found is not None and policy.may(user, found.action))
    return found


def run_for(user: User, pk: int) -> ReturnRun:
    """A run the reader may see: its kind's builder is one they may run (404 otherwise)."""
    require(policy.may(user, REPORTS))
    # The file stays in the database until it is downloaded: a poll every second must not read megabytes.
    # scoped: REPORTS above, and the run's kind must be one the reader may run (_builder_for, 404 otherwise)
    run = get_object_or_404(ReturnRun.objects.defer("content"), pk=pk)
    _builder_for(user, run.kind)
    return run


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, REPORTS))
    today = timezone.localdate()
    sections = []
    for b in runnable(request.user):
        sections.append(
            {
                "builder": b,
                "form": RunForm(builder=b, today=today),
                "runs": list(ReturnRun.objects.filter(kind=b.kind).defer("content")[:RECENT]),
            }
        )
    return render(request, "reporting/reports.html", {"sections": sections, "errors": []})


@login_required
@require_http_methods(["POST"])
def run_start(request: HttpRequest, kind: str) -> HttpResponse:
    require(policy.may(request.user, REPORTS))
    b = _builder_for(request.user, kind)
    today = timezone.localdate()
    form = RunForm(request.POST, builder=b, today=today)
    if not form.is_valid():
        sections = []
        for other in runnable(request.user):
            sections.append(
                {
                    "builder": other,
                    "form": form if other.kind == b.kind else RunForm(builder=other, today=today),
                    "runs": list(ReturnRun.objects.filter(kind=other.kind).defer("content")[:RECENT]),
                }
            )
        return render(request, "reporting/reports.html", {"sections": sections, "errors": error_list(form)}, status=400)
    with transaction.atomic():
        # audited: reporting.run_requested, below, in this transaction (B9: the request had no audit row)
        run = ReturnRun.objects.create(
            kind=b.kind,
            period=form.cleaned_data["period"],
            purpose=form.cleaned_data["purpose"].strip(),
            requested_by=request.user,
        )
        audit_record(
            actor=request.user,
            verb="reporting.run_requested",
            target=run,
            reason=run.purpose,
            fields=["kind", "period", "purpose"],
        )
        queue_run(run)
    return redirect("reporting:run", pk=run.pk)


def _run_state(run: ReturnRun) -> dict:
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "done": run.progress_done,
        "total": run.progress_total,
        "percent": run.percent,
        "tens": run.percent // 10 * 10,
        "label": run.progress_label,
        "finished": run.finished,
        "download": reverse("reporting:run_download", args=[run.pk]) if run.status == RunStatus.DONE else "",
        "error": run.status == RunStatus.FAILED,
    }


@login_required
@require_GET
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for(request.user, pk)
    return render(
        request,
        "reporting/run.html",
        {"run": run, "state": _run_state(run), "builder": builder(run.kind)},
    )


@login_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = run_for(request.user, pk)
    return JsonResponse(_run_state(run))


@login_required
@require_GET
@disclosure_path(
    key="return_download",
    label="A statutory return or export (file)",
    url_name="reporting:run_download",
    purpose="Statutory return or inspection extract, as the run's purpose says",
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    recipient="The return's recipient (DfE, Ofsted or MHCLG)",
)
def run_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for(request.user, pk)
    require(run.status == RunStatus.DONE)
    data = ReturnRun.objects.filter(pk=run.pk).values_list("content", flat=True).first()
    require(data is not None)
    fmt = run.filename.rsplit(".", 1)[-1][:10]
    step_up = export_volume_check(request, kind=run.kind, fmt=fmt, rows=run.rows, period=run.period)
    if step_up is not None:  # over the hour's rows: the second factor again first (B18)
        return step_up
    record_export(
        user=request.user,
        kind=run.kind,
        fmt=fmt,
        rows=run.rows,
        purpose=run.purpose or run.get_kind_display(),
        period=run.period,
        run=run,
    )
    data = bytes(data)

    def chunks():
        # Decompressed as it is sent: a large census never sits whole in the web process.
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        for start in range(0, len(data), 1 << 18):
            yield inflater.decompress(data[start : start + (1 << 18)])
        yield inflater.flush()

    response = StreamingHttpResponse(chunks(), content_type=run.content_type)
    response["Content-Length"] = str(run.size)
    return attachment(response, run.filename)


urlpatterns = [
    path("", reports, name="reports"),
    path("runs/<str:kind>/start", run_start, name="run_start"),
    path("runs/<int:pk>/", run_page, name="run"),
    path("runs/<int:pk>/status", run_status, name="run_status"),
    path("runs/<int:pk>/download", run_download, name="run_download"),
]
