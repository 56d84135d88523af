"""Reporting owns the runs of the returns and exports, the record of every export, and (issue 16) the grant ledger and
the data-quality issues of the draft census: each area's models live in a module of its own here."""

from .ledger import Grant, GrantAllocation, SpendCategory, SpendLine, SpendStatus
from .quality import DataQualityIssue, IssueKind
from .runs import ExportRecord, ReturnRun, RunKind, RunStatus

__all__ = [
    "DataQualityIssue",
    "ExportRecord",
    "Grant",
    "GrantAllocation",
    "IssueKind",
    "ReturnRun",
    "RunKind",
    "RunStatus",
    "SpendCategory",
    "SpendLine",
    "SpendStatus",
]
