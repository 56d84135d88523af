"""Two-factor sign-in's devices (issue 17 item 1, battery B13): a TOTP device per user (django-otp's otp_totp) and
ten single-use recovery codes (otp_static), each step audited.

- Enrolment: the first sign-in makes an unconfirmed TOTP device whose secret the page shows (as text and a QR
  code); a correct code confirms it, and ten recovery codes are made and shown once.
- A TOTP code is accepted once: django-otp keeps the last accepted time step (TOTPDevice.last_t) and refuses a code
  of that step or an earlier one, so a code read over a shoulder or replayed from a log is refused.
- A wrong code (or recovery code) is throttled by django-otp per device: after n wrong codes in a row the next try is
  refused, unchecked, for 2^(n-1) seconds (OTP_TOTP_THROTTLE_FACTOR = 1): about 10 guesses in 15 minutes, 20 in
  six days, against a million codes. It does not count towards the password lockout (axes), which counts passwords.
- Recovery codes are stored hashed: otp_static keeps its tokens as plain text, so the token kept is an HMAC
  (SHA-256, keyed with SECRET_KEY) of the code, and checking a typed code looks for its HMAC. otp_static deletes a
  token when it is used: each works once.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import AuditEvent, User
from .audit import audit_record

TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODES = 10
# 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L): 50 bits each, shown as two groups of five.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 10


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    """Whether the user has finished enrolment (a confirmed authenticator app)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device this user is enrolling (the same one across page loads, so the secret shown does not
    change under them), made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code (segno): markup only, no style or script (the CSP allows neither)."""
    import segno

    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, border=4, dark="#0b0c0c", light="#ffffff", omitsize=False)


def _code_digest(code: str) -> str:
    """What otp_static keeps for a recovery code: an HMAC of it, 16 base32 characters (80 bits) to fit its field."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    mac = hmac.new(settings.SECRET_KEY.encode(), b"ffp-recovery-code:" + normal.encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii")[:16]


def normal_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum())


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Checks the first code of an enrolling device. Right: the device is confirmed, any other devices of the user's
    are removed, ten recovery codes are made and returned (plain, to be shown once). Wrong: None."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(normal_code(code)):
        audit_record(actor=user, verb="auth.second_factor_failed", kind=AuditEvent.Kind.AUTH, related={"enrol": 1})
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=user)
    audit_record(
        actor=user,
        verb="auth.second_factor_enrolled",
        kind=AuditEvent.Kind.AUTH,
        target_type="totp_device",
        target_id=device.pk,
    )
    return codes


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new recovery codes for the user (any earlier ones stop working), returned plain, kept hashed."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_code_digest(code)) for code in codes)
    return codes


def verify_code(*, user: User, code: str) -> tuple[str, str] | None:
    """Checks a code typed at sign-in: 6 digits against the user's authenticator app, anything else against their
    recovery codes. Right: (method, device id) for cases.mfa.mark_verified, and an audit row. Wrong: None; the
    authenticator app's throttle counts every wrong code, recovery codes included (one count per user)."""
    from .. import mfa

    typed = normal_code(code)
    totp = confirmed_totp_device(user)
    result = None
    if typed.isdigit() and len(typed) == 6:
        if totp is not None and totp.verify_token(typed):  # counts a wrong code itself
            result = (mfa.TOTP, totp.persistent_id)
    else:
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(_code_digest(typed)):
                result = (mfa.RECOVERY_CODE, device.persistent_id)
                break
        if totp is not None:
            if result is None:
                totp.throttle_increment()
            else:
                totp.throttle_reset()
    if result is None:
        audit_record(actor=user, verb="auth.second_factor_failed", kind=AuditEvent.Kind.AUTH)
    else:
        audit_record(actor=user, verb=f"auth.second_factor.{result[0]}", kind=AuditEvent.Kind.AUTH)
    return result


def throttled_seconds(user: User) -> int:
    """Seconds until the user's authenticator app accepts another try (0: now)."""
    from django.utils import timezone

    device = confirmed_totp_device(user) or TOTPDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        return 0
    allowed, details = device.verify_is_allowed()
    if allowed or not details or not details.get("locked_until"):
        return 0
    return max(1, int((details["locked_until"] - timezone.now()).total_seconds() + 0.999))


def demo_device_set(*, user: User, secret_base32: str) -> TOTPDevice:
    """Development only (seed_demo with DEMO_TOTP_SECRET): the demo user's confirmed device with the shared secret."""
    key = base64.b32decode(secret_base32.replace(" ", "").upper() + "=" * (-len(secret_base32.replace(" ", "")) % 8))
    TOTPDevice.objects.filter(user=user).exclude(name="Demo authenticator").delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": key.hex(), "confirmed": True}
    )
    return device
