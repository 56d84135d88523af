"""The test harness's second factor (issue 17 item 1).

Every signed-in page needs a session that has passed two-factor sign-in (cases.mfa). The suite's ~70 files sign
in with Django's `client.force_login(user)`, which skips the password: tests/conftest.py makes it skip the code as
well (install_force_login()), giving the user a real confirmed TOTP device and marking the session verified through
cases.mfa.mark_verified, as the code page would. A test of the refusal itself signs in with `password_only(client,
user)`: Django's own force_login, a session with the password factor only.

Browser journeys sign in through the real pages (tests/browser/journey.py::sign_in): the code is computed from
the user's device in the database (`code_for`), choosing a time step django-otp has not accepted yet, so a second
sign-in within the same 30 seconds uses the next step's code (inside django-otp's tolerance of one step), never a
sleep.
"""

import time
from types import SimpleNamespace

from django.test.client import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import mfa

HARNESS_DEVICE = "Test harness"

_django_force_login = Client.force_login


def password_only(client: Client, user, backend=None) -> None:
    """Django's force_login: a signed-in session that has not passed the second factor."""
    _django_force_login(client, user, backend)


def device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator (a harness one made if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=HARNESS_DEVICE, confirmed=True)
    return device


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """A code the device accepts now and has not accepted before: this time step's, else the next one's (both
    inside django-otp's tolerance of one step; OTP_TOTP_SYNC is off so the window stays put)."""
    device.refresh_from_db()
    step = int((time.time() if at is None else at) - device.t0) // device.step
    for t in (step, step + 1):
        if t > device.last_t:
            return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"
    raise AssertionError(
        "Three sign-ins of one user inside 30 seconds: django-otp refuses a used code and accepts one step ahead"
    )


def code_for_secret(secret_base32: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app given this base32 secret (as the set-up page shows it) shows now."""
    import base64

    text = secret_base32.replace(" ", "").upper()
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return f"{hotp(key, int(time.time()) // 30 + step_offset):06d}"


def pass_second_factor(client: Client, user, next_url: str = "/"):
    """The code page's step for a client signed in with its password: the user's current code, posted."""
    response = client.post("/accounts/two-factor/", {"code": code_for(device_for(user)), "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url, response
    return response


def _force_login_with_second_factor(self, user, backend=None) -> None:
    _django_force_login(self, user, backend)
    device = device_for(user)
    session = self.session
    mfa.mark_verified(SimpleNamespace(session=session), method=mfa.TOTP, device_id=device.persistent_id)
    session.save()


def install_force_login() -> None:
    """client.force_login(user) signs in with both factors (see the module's note)."""
    Client.force_login = _force_login_with_second_factor
