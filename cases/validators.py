"""Identifier and code checks, with messages a practitioner can act on."""

import re

from django.core.exceptions import ValidationError
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
