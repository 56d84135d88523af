"""A return or export prepared in the background (ReturnRun: its progress the page polls, and the file when done), and
the record of every export of child-level data (ExportRecord: who, what, how many rows, why)."""

from django.db import models
from django.utils import timezone

from cases.models import User


class RunKind(models.TextChoices):
    CIN_CENSUS = "cin_census", "CIN census"
    DRAFT_CENSUS = "draft_census", "Draft CIN census (data quality)"
    FFP_RETURN = "ffp_return", "FFP quarterly return"
    ANNEX_A = "annex_a", "Ofsted Annex A"
    SSD = "ssd", "Standard Safeguarding Dataset"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReturnRun(models.Model):
    """One run of a return's builder (reporting.builders) for a period: queued by a manager on the reports page or by
    the scheduler (requested_by empty), built by a Celery task that reports progress here, and its file kept
    gzip-compressed in the database (web and worker share no disk in production)."""

    kind = models.CharField(max_length=20, choices=RunKind.choices)
    # The builder's own period key: "2025-26" (a collection year), "2026-27-Q2" (a quarter).
    period = models.CharField(max_length=20)
    # What the file is wanted for: shown with the run and recorded with each download (issue 16 item 9).
    purpose = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    # Progress in the builder's own units (children written, lists filled): the page shows done / total.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The file: its download name, type, gzip-compressed content, size uncompressed, and how many rows (children,
    # list rows) it holds.
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.BigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    # What the builder wants to tell the reader (counts, checks passed, warnings), shown on the run's page.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "period", "-created_at"], name="returnrun_kind_period_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)

    @property
    def finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}


class ExportRecord(models.Model):
    """One export of child-level data: who, what (the kind, the period, the format), how many rows and why. Written in
    the same transaction as the export's audit row (reporting.exports.record_export); never edited."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    period = models.CharField(max_length=40, blank=True)
    format = models.CharField(max_length=10)
    rows = models.PositiveIntegerField()
    purpose = models.CharField(max_length=500)
    run = models.ForeignKey(ReturnRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="exports")
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} ({self.rows} rows) by {self.user_id}"
