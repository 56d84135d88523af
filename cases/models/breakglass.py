"""Break-glass: a council practitioner opening a child's record outside their work, for a reason they give, for at
most an hour; and the privacy officer's alerts about it (and about a curious colleague) in one review queue."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from .base import TimeStampedModel

# The longest a break-glass grant lasts (B6: at most 60 minutes). The database refuses a longer one.
BREAK_GLASS_MINUTES = 60


class BreakGlassQuerySet(models.QuerySet):
    def active(self):
        # The database's clock, never the web server's: a scope built (and cached) earlier reads it when it runs.
        return self.filter(expires_at__gt=Now(), ended_at__isnull=True)


class BreakGlass(TimeStampedModel):
    """One user's emergency access to one child's whole record: who, which child, why, and until when. The scope
    (cases.permissions) reads the active ones; every read during it is audited as break-glass
    (AuditEvent.related["break_glass"]); starting one alerts the privacy officer (PrivacyAlert)."""

    user = models.ForeignKey("cases.User", on_delete=models.PROTECT, related_name="break_glass_grants")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"], name="break_glass_user_expiry_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("started_at"))
                & Q(expires_at__lte=F("started_at") + dt.timedelta(minutes=BREAK_GLASS_MINUTES)),
                name="break_glass_at_most_60_minutes",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_reason_given"),
        ]

    def __str__(self) -> str:
        return f"break-glass {self.pk}: user {self.user_id} person {self.person_id}"


class PrivacyAlert(TimeStampedModel):
    """Something the privacy officer must look at: a break-glass grant, a user opening many children unconnected
    to their work (the curious-colleague rule), or a user exporting more rows in an hour than EXPORT_ROWS_PER_HOUR
    (B18). Reviewed with an outcome, or challenged with the user."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", "Break-glass access"
        CURIOUS_COLLEAGUE = "curious_colleague", "Many children outside their work"
        EXPORT_VOLUME = "export_volume", "Many rows exported in an hour"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REVIEWED = "reviewed", "Reviewed: no concern"
        CHALLENGED = "challenged", "Challenged"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    # Whose access the alert is about.
    user = models.ForeignKey("cases.User", on_delete=models.PROTECT, related_name="privacy_alerts")
    break_glass = models.OneToOneField(
        BreakGlass, on_delete=models.PROTECT, null=True, blank=True, related_name="alert"
    )
    # The children it is about (the break-glass child; the curious colleague's unconnected children), by id.
    child_ids = models.JSONField(default=list, blank=True)
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The curious-colleague rule's window (None for break-glass).
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    # What an export-volume alert is about (the children are not named: a return is council-wide): the rows in the
    # hour, the threshold, and each export ({"id", "label", "format", "period", "rows", "at"}; "asked" the one that
    # crossed it, held until the step-up). Empty for the other kinds.
    details = models.JSONField(default=dict, blank=True)
    # Exactly once however many times the rule or the sweep runs: "break_glass:<id>", "curious:<user>:<window>",
    # "export_volume:<user>:<hour>".
    unique_key = models.CharField(max_length=200, unique=True)
    outcome = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        "cases.User", on_delete=models.PROTECT, null=True, blank=True, related_name="privacy_alerts_reviewed"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "raised_at"], name="privacy_alert_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["break_glass", "curious_colleague", "export_volume"]),
                name="privacy_alert_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "reviewed", "challenged"]), name="privacy_alert_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(outcome="") & Q(reviewed_at__isnull=False)),
                name="privacy_alert_review_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} alert {self.pk} ({self.status})"

    @property
    def reference(self) -> str:
        return f"PA{self.pk:05d}"
