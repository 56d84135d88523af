"""The grant ledger's writes and reads (issue 16 item 4). Managers (policy GRANT_LEDGER) add grants, set a year's
allocation and record spend lines; the ledger's page and the FFP quarterly return read the totals from here, with
the warning when transformation passes its expected share of the year's spend (actual and committed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from cases import policy
from cases.models import User
from cases.services.audit import audit_record

from .models import Grant, GrantAllocation, SpendCategory, SpendLine, SpendStatus
from .periods import parse_quarter, parse_year, quarters_of_year, year_key
from .permissions import GRANT_LEDGER

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")


def _allowed(actor: User | None) -> None:
    if actor is not None and not policy.may(actor, GRANT_LEDGER):
        raise PermissionDenied


def _amount(value, name: str, errors: dict) -> Decimal | None:
    text = str(value if value is not None else "").replace(",", "").replace("£", "").strip()
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[name] = "Enter an amount in pounds, like 12500 or 12500.50"
        return None
    if not amount.is_finite() or amount < 0:
        errors[name] = "Enter an amount of 0 or more"
        return None
    if amount > MAX_AMOUNT:
        errors[name] = "Enter an amount under £10,000,000,000"
        return None
    return amount


def _percent(value, errors: dict) -> Decimal | None:
    try:
        percent = Decimal(str(value).replace("%", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["expected_transformation_percent"] = "Enter a percentage, like 30"
        return None
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        errors["expected_transformation_percent"] = "Enter a percentage from 0 to 100"
        return None
    return percent


def grant_create(*, actor: User | None, name: str, reference: str = "", expected_transformation_percent=None) -> Grant:
    _allowed(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter the grant's name"
    elif Grant.objects.filter(name__iexact=name).exists():
        errors["name"] = "There is already a grant with this name"
    percent = None
    if expected_transformation_percent not in (None, ""):
        percent = _percent(expected_transformation_percent, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant = Grant(name=name[:200], reference=(reference or "").strip()[:100], created_by=actor)
        if percent is not None:
            grant.expected_transformation_percent = percent
        grant.save()
        audit_record(actor=actor, verb="reporting.grant_created", target=grant, fields=["name", "reference"])
    return grant


def grant_update(*, grant: Grant, actor: User | None, expected_transformation_percent) -> Grant:
    _allowed(actor)
    errors: dict[str, str] = {}
    percent = _percent(expected_transformation_percent, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant.expected_transformation_percent = percent
        grant.save(update_fields=["expected_transformation_percent"])
        audit_record(
            actor=actor, verb="reporting.grant_changed", target=grant, fields=["expected_transformation_percent"]
        )
    return grant


def allocation_set(*, grant: Grant, actor: User | None, year: str, amount) -> GrantAllocation:
    _allowed(actor)
    errors: dict[str, str] = {}
    try:
        parse_year(year)
    except ValueError:
        errors["year"] = "Enter a collection year like 2026-27"
    value = _amount(amount, "amount", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        allocation, _ = GrantAllocation.objects.update_or_create(
            grant=grant, year=year, defaults={"amount": value, "recorded_by": actor}
        )
        audit_record(actor=actor, verb="reporting.allocation_set", target=allocation, fields=["year", "amount"])
    return allocation


def spend_line_add(
    *,
    grant: Grant,
    actor: User | None,
    quarter: str,
    category: str,
    sub_category: str,
    status: str,
    amount,
    description: str = "",
) -> SpendLine:
    _allowed(actor)
    errors: dict[str, str] = {}
    try:
        parse_quarter(quarter)
    except ValueError:
        errors["quarter"] = "Enter a quarter like 2026-27-Q2"
    if category not in SpendCategory.values:
        errors["category"] = "Choose transformation, service design or service delivery"
    sub_category = (sub_category or "").strip()
    if not sub_category:
        errors["sub_category"] = "Enter the council's own heading for this spend, like 'Practice model'"
    if status not in SpendStatus.values:
        errors["status"] = "Say whether this is actual or committed spend"
    value = _amount(amount, "amount", errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            line = SpendLine.objects.create(
                grant=grant,
                quarter=quarter,
                category=category,
                sub_category=sub_category[:100],
                status=status,
                amount=value,
                description=(description or "").strip()[:200],
                recorded_by=actor,
            )
            audit_record(
                actor=actor,
                verb="reporting.spend_line_added",
                target=line,
                fields=["quarter", "category", "sub_category", "status", "amount", "description"],
                related={"grant": grant},
            )
    except IntegrityError as error:  # a constraint the checks above missed: refused, never a 500
        raise ValidationError("The spend line could not be saved") from error
    return line


def spend_line_remove(*, line: SpendLine, actor: User | None, reason: str) -> None:
    _allowed(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the line is removed"})
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="reporting.spend_line_removed",
            target=line,
            reason=reason.strip()[:500],
            related={"grant": line.grant_id},
        )
        line.delete()


# --- reads ------------------------------------------------------------------------------------------------------


@dataclass
class CategoryTotals:
    actual: Decimal = ZERO
    committed: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.actual + self.committed


@dataclass
class Expenditure:
    """Spend for a set of quarters: by category, and by (category, sub-category), actual and committed."""

    by_category: dict[str, CategoryTotals] = field(default_factory=dict)
    by_sub_category: dict[tuple[str, str], CategoryTotals] = field(default_factory=dict)

    @property
    def categories(self) -> list[tuple[str, str, CategoryTotals]]:
        """(key, label, totals) in DfE's order."""
        return [(key, label, self.by_category.get(key, CategoryTotals())) for key, label in SpendCategory.choices]

    @property
    def sub_categories(self) -> list[tuple[str, str, CategoryTotals]]:
        """(category label, sub-category, totals), in category order then by name."""
        labels = dict(SpendCategory.choices)
        order = list(SpendCategory.values)
        return [
            (labels[c], sub, totals)
            for (c, sub), totals in sorted(
                self.by_sub_category.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])
            )
        ]

    @property
    def actual(self) -> Decimal:
        return sum((t.actual for t in self.by_category.values()), ZERO)

    @property
    def committed(self) -> Decimal:
        return sum((t.committed for t in self.by_category.values()), ZERO)

    @property
    def total(self) -> Decimal:
        return self.actual + self.committed

    @property
    def share_transformation(self) -> Decimal | None:
        return self.share(SpendCategory.TRANSFORMATION)

    def share(self, category: str) -> Decimal | None:
        """The category's per cent of the total (actual and committed), None when nothing is spent."""
        if not self.total:
            return None
        return (self.by_category[category].total * 100 / self.total).quantize(Decimal("0.1"))


def expenditure(*, quarters: list[str], grant: Grant | None = None) -> Expenditure:
    """Spend lines summed in the database for these quarters (one grant, or all)."""
    lines = SpendLine.objects.filter(quarter__in=quarters)
    if grant is not None:
        lines = lines.filter(grant=grant)
    out = Expenditure(by_category={c: CategoryTotals() for c in SpendCategory.values})
    for row in (
        lines.values("category", "sub_category", "status")
        .annotate(total=Sum("amount"))
        .order_by("category", "sub_category", "status")
    ):
        for totals in (
            out.by_category[row["category"]],
            out.by_sub_category.setdefault((row["category"], row["sub_category"]), CategoryTotals()),
        ):
            if row["status"] == SpendStatus.ACTUAL:
                totals.actual += row["total"]
            else:
                totals.committed += row["total"]
    return out


@dataclass
class ShareWarning:
    grant: str
    year: str
    share: Decimal
    expected: Decimal

    @property
    def message(self) -> str:
        return (
            f"Transformation is {self.share}% of {self.grant}'s spend in {self.year} (actual and committed), above "
            f"the expected {self.expected.normalize():f}%"
        )


def transformation_warnings(*, year_start: int, up_to_quarter: str | None = None) -> list[ShareWarning]:
    """Each grant whose transformation spend in the year (to the quarter given, or the whole year) passes its
    expected share of the year's spend. Two queries whatever the number of grants."""
    quarters = quarters_of_year(year_start)
    if up_to_quarter is not None:
        quarters = quarters[: quarters.index(up_to_quarter) + 1]
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in (
        SpendLine.objects.filter(quarter__in=quarters)
        .values("grant_id", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        totals[row["grant_id"]][row["category"]] += row["total"]
    warnings = []
    for grant in Grant.objects.filter(pk__in=list(totals)).order_by("name"):
        spent = totals[grant.pk]
        whole = sum(spent.values(), ZERO)
        if not whole:
            continue
        share = (spent[SpendCategory.TRANSFORMATION] * 100 / whole).quantize(Decimal("0.1"))
        if share > grant.expected_transformation_percent:
            warnings.append(
                ShareWarning(grant.name, year_key(year_start), share, grant.expected_transformation_percent)
            )
    return warnings


@dataclass
class GrantYear:
    grant: Grant
    allocation: Decimal | None
    quarters: list[tuple[str, Expenditure]]
    year: Expenditure


def ledger_year(year_start: int) -> list[GrantYear]:
    """Every grant with its allocation for the year and its spend by quarter and for the year."""
    quarters = quarters_of_year(year_start)
    allocations = dict(GrantAllocation.objects.filter(year=year_key(year_start)).values_list("grant_id", "amount"))
    out = []
    for grant in Grant.objects.all():
        out.append(
            GrantYear(
                grant=grant,
                allocation=allocations.get(grant.pk),
                quarters=[(q, expenditure(quarters=[q], grant=grant)) for q in quarters],
                year=expenditure(quarters=quarters, grant=grant),
            )
        )
    return out


def current_year_start(today: dt.date) -> int:
    return today.year if today.month >= 4 else today.year - 1
