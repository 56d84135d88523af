"""Reporting's rows of the policy table (cases.policy): who may read the reports, run and download the returns and
child-level exports, keep the grant ledger and read the data-quality issues. Registered from ReportingConfig.ready();
the code asks `policy.may(user, ACTION)`. Which children an export holds is the reader's record scope on top of this
(cases.permissions.person_record_scope): managers and performance officers read council-wide; a statutory return
counts every child the council worked with, restricted records included (without names: see reporting/README.md)."""

from cases.models import Role

REPORTS = "reporting.reports"  # the reports page: the returns, their runs and the managers' home panel
EXPORT = "reporting.export"  # run and download a return or export holding child-level data (census, Annex A, SSD)
RETURN = "reporting.return"  # run and download the FFP quarterly return (aggregate figures, no child)
DASHBOARDS = "reporting.dashboards"  # the dashboards (figures and charts, no child named)
GRANT_LEDGER = "reporting.grant_ledger"  # keep the grant ledger: allocations, actual and committed spend
DATA_QUALITY = "reporting.data_quality"  # the data-quality issues of the draft census, per child

_RETURNS = frozenset({Role.MANAGER, Role.PERFORMANCE_OFFICER})
ROLES = {
    REPORTS: _RETURNS,
    EXPORT: _RETURNS,
    RETURN: _RETURNS,
    DASHBOARDS: frozenset({Role.MANAGER, Role.PERFORMANCE_OFFICER, Role.FRONT_DOOR_MANAGER, Role.LCPP}),
    GRANT_LEDGER: frozenset({Role.MANAGER}),
    DATA_QUALITY: _RETURNS,
}
# A row goes into POLICY with the page or endpoint that applies it, and its probe into tests/cases/test_policy_table.py.
POLICY: dict[str, frozenset[str]] = {
    REPORTS: ROLES[REPORTS],  # views/runs.py: the reports page, a run's page, its progress
    DATA_QUALITY: ROLES[DATA_QUALITY],  # views/quality.py: the data-quality page; the draft census's runs
    EXPORT: ROLES[EXPORT],  # views/runs.py: running, following, downloading a child-level return (census, Annex A, SSD)
    DASHBOARDS: ROLES[DASHBOARDS],  # views/dashboards.py: the dashboards page
    RETURN: ROLES[RETURN],  # ffp_return/builder.py's FFP_RETURN (views/runs.py), views/ffp_return.py's CSV and PDF
    GRANT_LEDGER: ROLES[GRANT_LEDGER],  # views/ledger.py: the grant ledger and a grant's page
}
