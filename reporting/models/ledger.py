"""The grant ledger managers keep in the app (issue 16 item 4): each grant's allocation per collection year and its
spend lines by quarter, actual or committed, in DfE's three categories (transformation, service design, service
delivery) with the council's own sub-categories. The FFP quarterly return's expenditure comes from here."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import User


def default_transformation_percent() -> Decimal:
    """The transformation share above which the ledger warns: settings.FFP_TRANSFORMATION_EXPECTED_PERCENT (30, the
    share the councils' reports cite), changed per grant by managers."""
    return Decimal(str(getattr(settings, "FFP_TRANSFORMATION_EXPECTED_PERCENT", 30)))


class SpendCategory(models.TextChoices):
    TRANSFORMATION = "transformation", "Transformation"
    SERVICE_DESIGN = "service_design", "Service design"
    SERVICE_DELIVERY = "service_delivery", "Service delivery"


class SpendStatus(models.TextChoices):
    ACTUAL = "actual", "Actual"
    COMMITTED = "committed", "Committed"


class Grant(models.Model):
    """A grant the council spends on the reforms (the Families First Partnership grant, a local top-up)."""

    name = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=100, blank=True)
    expected_transformation_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=default_transformation_percent,
        help_text="The share of a year's spend on transformation above which the ledger warns.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_transformation_percent__gte=0) & Q(expected_transformation_percent__lte=100),
                name="grant_expected_percent_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class GrantAllocation(models.Model):
    """What a grant gives the council for a collection year ("2026-27")."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="allocations")
    year = models.CharField(max_length=7)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["grant", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "year"], name="grantallocation_one_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grantallocation_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} {self.year}: {self.amount}"


class SpendLine(models.Model):
    """One line of spend in a quarter ("2026-27-Q2"): actual (paid) or committed (contracted, not yet paid)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="spend_lines")
    quarter = models.CharField(max_length=10)
    category = models.CharField(max_length=20, choices=SpendCategory.choices)
    sub_category = models.CharField(max_length=100, help_text="The council's own heading, e.g. 'Practice model'.")
    status = models.CharField(max_length=10, choices=SpendStatus.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["grant", "quarter", "category", "sub_category", "id"]
        indexes = [models.Index(fields=["quarter"], name="spendline_quarter_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="spendline_amount_not_negative"),
            models.CheckConstraint(condition=Q(category__in=SpendCategory.values), name="spendline_category_valid"),
            models.CheckConstraint(condition=Q(status__in=SpendStatus.values), name="spendline_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} {self.quarter} {self.category}/{self.sub_category}: {self.amount} ({self.status})"
