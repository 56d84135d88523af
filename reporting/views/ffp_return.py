"""The FFP quarterly return's CSV and one-page PDF summary (issue 16 item 4): written from the run's kept workbook, so
the three files agree; each download recorded as an export (who, what, how many rows, why). Policy RETURN (the
builder's action), as the run's own page and its workbook."""

import gzip

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from cases.disclosure import disclosure_path
from cases.http import require
from cases.models import LawfulBasis
from cases.web.pdf import attachment, pdf_response

from ..exports import export_volume_check, record_export
from ..ffp_return.writers import read_xlsx, write_csv, write_pdf
from ..models import RunKind, RunStatus
from .runs import run_for


def _figures(request: HttpRequest, pk: int):
    run = run_for(request.user, pk)
    require(run.kind == RunKind.FFP_RETURN and run.status == RunStatus.DONE and run.content is not None)
    return run, read_xlsx(gzip.decompress(bytes(run.content)))


def _record(request, run, fmt: str, rows: int) -> None:
    record_export(
        user=request.user,
        kind=run.kind,
        fmt=fmt,
        rows=rows,
        purpose=run.purpose or run.get_kind_display(),
        period=run.period,
        run=run,
    )


@login_required
@require_GET
@disclosure_path(
    key="ffp_return_csv",
    label="FFP quarterly return (CSV)",
    url_name="reporting:ffp_return_csv",
    purpose="Families First Partnership grant return",
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    recipient="MHCLG and DfE (the grant's return)",
)
def ffp_return_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run, figures = _figures(request, pk)
    step_up = export_volume_check(request, kind=run.kind, fmt="csv", rows=len(figures.rows), period=run.period)
    if step_up is not None:  # over the hour's rows: the second factor again first (B18)
        return step_up
    _record(request, run, "csv", len(figures.rows))
    response = HttpResponse(write_csv(figures), content_type="text/csv; charset=utf-8")
    return attachment(response, f"ffp-return-{run.period}.csv")


@login_required
@require_GET
@disclosure_path(
    key="ffp_return_pdf",
    label="FFP quarterly return summary (PDF)",
    url_name="reporting:ffp_return_pdf",
    purpose="Families First Partnership grant return",
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    recipient="MHCLG and DfE (the grant's return)",
)
def ffp_return_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run, figures = _figures(request, pk)
    step_up = export_volume_check(request, kind=run.kind, fmt="pdf", rows=len(figures.rows), period=run.period)
    if step_up is not None:  # over the hour's rows: the second factor again first (B18)
        return step_up
    _record(request, run, "pdf", len(figures.rows))
    return pdf_response(write_pdf(figures), f"ffp-return-{run.period}-summary.pdf")


urlpatterns = [
    path("runs/<int:pk>/ffp-return.csv", ffp_return_csv, name="ffp_return_csv"),
    path("runs/<int:pk>/ffp-return.pdf", ffp_return_pdf, name="ffp_return_pdf"),
]
