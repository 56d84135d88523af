"""Identifier and code checks, with messages a practitioner can act on."""

import calendar
import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from nhs_number import is_valid as nhs_is_valid

from .codes import valid_codes

# DfE's UPN check letter alphabet (no I, O or S): 23 letters for remainders 0-22.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_PATTERN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError("Enter an NHS number with 10 digits, like 943 476 5919", code="nhs_format")
    if not nhs_is_valid(digits):
        raise ValidationError("Enter a valid NHS number: the check digit does not match", code="nhs_check_digit")


def upn_check_letter(upn_tail: str) -> str:
    """The check letter for characters 2-13 of a UPN (DfE's algorithm: weights 2..13, mod 23)."""
    total = 0
    for weight, char in enumerate(upn_tail, start=2):
        value = int(char) if char.isdigit() else _UPN_LETTERS.index(char)
        total += weight * value
    return _UPN_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    upn = (value or "").strip().upper()
    if not _UPN_PATTERN.match(upn):
        raise ValidationError(
            "Enter a UPN of 13 characters: a check letter, 11 digits, then a digit (or a letter for a temporary UPN)",
            code="upn_format",
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError("Enter a valid UPN: the check letter does not match", code="upn_check_letter")


def validate_ethnicity(value: str) -> None:
    if value and value not in valid_codes("ethnicitytype"):
        raise ValidationError(f"{value} is not a CIN census ethnicity code", code="ethnicity_code")


def validate_disabilities(values: list[str]) -> None:
    unknown = [v for v in values if v not in valid_codes("disabilitytype")]
    if unknown:
        raise ValidationError(f"Not CIN census disability codes: {', '.join(unknown)}", code="disability_code")
    if "NONE" in values and len(values) > 1:
        raise ValidationError(
            "Choose 'No disability' on its own, or the disabilities that apply", code="disability_none"
        )


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", value or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real postcode, like SW1A 1AA", code="postcode_format")


# --- bounds on dates and names (issue 12 item 5) ---------------------------------------------------------------------
# One rule each, used by the services (which the pages and the API both call) and by the API's input fields, so that
# every surface refuses the same values with the same words.

EARLIEST_DATE = dt.date(1900, 1, 1)
EXPECTED_BIRTH_MONTHS = 10  # a pregnancy is known about for at most ~9 months: 10 leaves room for a late date


def _months_ahead(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_date_of_birth(value: dt.date | None) -> None:
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError("Date of birth must be on or after 1 January 1900", code="date_of_birth_too_early")
    if value > timezone.localdate():
        raise ValidationError(
            "Date of birth must be today or in the past (for an unborn child, give the expected date of birth)",
            code="date_of_birth_future",
        )


def validate_expected_date_of_birth(value: dt.date | None) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if not today <= value <= _months_ahead(today, EXPECTED_BIRTH_MONTHS):
        raise ValidationError(
            f"Expected date of birth must be between today and {EXPECTED_BIRTH_MONTHS} months from now",
            code="expected_date_of_birth_range",
        )


def validate_start_date(value: dt.date | None) -> None:
    """A relationship's or an address's start: from 1900 to today (one that starts later is not a fact yet)."""
    if value is None:
        return
    if not EARLIEST_DATE <= value <= timezone.localdate():
        raise ValidationError("Start date must be between 1 January 1900 and today", code="start_date_range")


def validate_end_date(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError("End date must be the same as or after the start date", code="end_before_start")
    if end is not None and end < EARLIEST_DATE:
        raise ValidationError("End date must be on or after 1 January 1900", code="end_date_too_early")


def validate_name(value: str | None, label: str = "name") -> None:
    """No control characters (a BEL, a tab, a line break, an escape sequence) in a name: they break letters, exports
    and the census return, and can hide what a name really says."""
    if value and any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            f"Enter the {label} without control characters (such as tabs, line breaks or other invisible characters)",
            code="name_control_characters",
        )


def errors_by_field(checks: dict[str, tuple]) -> dict[str, list[str]]:
    """Run `{field: (validator, *args)}`; the messages of those that fail, keyed by field."""
    errors: dict[str, list[str]] = {}
    for field, (check, *args) in checks.items():
        try:
            check(*args)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    return errors
