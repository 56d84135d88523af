"""Reporting pages under /reports/. Each area's module in views/ owns its urlpatterns; the URL names are the contract
between areas and with templates (list them here as they land).

runs (views/runs.py): reports, run_start (a builder's kind), run, run_status, run_download (a run's pk).
quality (views/quality.py): data_quality (the latest draft census's errors and queries per child).
dashboards (views/dashboards.py): dashboards.
ledger (views/ledger.py): ledger, grant_new, grant (a grant's pk).
ffp_return (views/ffp_return.py): ffp_return_csv, ffp_return_pdf (a run's pk)."""

from .views import dashboards, ffp_return, ledger, quality, runs

app_name = "reporting"

urlpatterns: list = [
    *runs.urlpatterns,
    *quality.urlpatterns,
    *dashboards.urlpatterns,
    *ledger.urlpatterns,
    *ffp_return.urlpatterns,
]
