"""Two-factor sign-in's pages (issue 17 item 1, battery B13): after the password, "Enter the 6-digit code" (or a
recovery code); on a first sign-in, setting up an authenticator app (the secret as text and as a QR code, then a
code to confirm it) and the ten recovery codes, shown once. cases.mfa's middleware sends a signed-in session here
until it has passed; cases.services.mfa holds the devices."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .. import mfa
from ..forms import GovukFormMixin
from ..services import mfa as devices

NEW_CODES = "ffp_mfa_new_codes"  # the recovery codes just made, in the session until their page has shown them


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
        return reverse("home")
    return target


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _passed(request: HttpRequest, *, method: str, device_id: str) -> None:
    request.session.cycle_key()  # a new session key for the session that now has both factors
    mfa.mark_verified(request, method=method, device_id=device_id)


def _throttled_error(seconds: int) -> str:
    return f"You have entered too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, then try again"


@never_cache
@sensitive_post_parameters("code")
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    target = _next(request)
    user = request.user
    if mfa.is_verified(request):
        return redirect(target)
    if not devices.has_second_factor(user):
        return redirect(_with_next("mfa_enrol", target))
    form = CodeForm(request.POST or None)
    form.fields["code"].label = "Enter the 6-digit code from your authenticator app"
    form.fields[
        "code"
    ].help_text = "If you do not have your device, enter one of the recovery codes you were given when you set it up."
    form.fields["code"].widget.attrs["inputmode"] = "text"  # a recovery code has letters
    if request.method == "POST" and form.is_valid():
        passed, error = _check_code(user, form.cleaned_data["code"])
        if passed is not None:
            _passed(request, method=passed[0], device_id=passed[1])
            return redirect(target)
        form.add_error("code", error)
    return render(request, "registration/mfa_verify.html", {"form": form, "next": target})


WRONG_CODE = "The code is not right, or has been used already. Enter the code your app shows now"


def _check_code(user, code: str) -> tuple[tuple[str, str] | None, str]:
    """A code typed at sign-in or for a step-up: (method, device id) and "" when right; None and the message to show
    by the code box when wrong, used before, or while django-otp's throttle holds."""
    wait = devices.throttled_seconds(user)
    if wait:
        return None, _throttled_error(wait)
    passed = devices.verify_code(user=user, code=code)
    return (passed, "") if passed is not None else (None, WRONG_CODE)


@never_cache
@sensitive_post_parameters("code")
@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    target = _next(request)
    user = request.user
    if devices.has_second_factor(user):
        # Set up already: a new authenticator app is set up after passing the old one (or by the administrator
        # deleting the device in the admin, for a lost phone).
        return redirect(target if mfa.is_verified(request) else _with_next("mfa_verify", target))
    device = devices.enrolment_device(user)
    form = CodeForm(request.POST or None)
    form.fields["code"].label = "Enter the 6-digit code your app shows"
    if request.method == "POST" and form.is_valid():
        wait = devices.throttled_seconds(user)
        if wait:
            form.add_error("code", _throttled_error(wait))
        else:
            codes = devices.totp_confirm(user=user, device=device, code=form.cleaned_data["code"])
            if codes is not None:
                _passed(request, method=mfa.TOTP, device_id=device.persistent_id)
                request.session[NEW_CODES] = codes
                return redirect(_with_next("mfa_recovery_codes", target))
            form.add_error("code", "The code is not right. Enter the 6-digit code your app shows now")
    return render(
        request,
        "registration/mfa_enrol.html",
        {
            "form": form,
            "next": target,
            "secret": devices.base32_secret(device),
            "qr_svg": devices.qr_svg(device),
        },
    )


@never_cache
@login_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once: the session forgets them as this page is shown."""
    target = _next(request)
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect(target)
    return render(request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": target})


# --- step-up: the second factor again before a sensitive action (cases.mfa's step-up; B6 break-glass, B18 exports) --

STEP_UP_LABEL = "Enter the 6-digit code from your authenticator app"
STEP_UP_HINT = "Or one of your recovery codes. A code you have used before does not work again."


def step_up_code_field() -> forms.CharField:
    """The code box of a step-up, on the confirm page and on a form that asks for the code with the action itself
    (break-glass): a TOTP code or a recovery code (letters, so not a numeric keyboard)."""
    return forms.CharField(
        label=STEP_UP_LABEL,
        max_length=32,
        strip=True,
        help_text=STEP_UP_HINT,
        error_messages={"required": STEP_UP_LABEL},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input--width-10",
            }
        ),
    )


def step_up_with_code(request: HttpRequest, code: str, *, purpose: str) -> str | None:
    """Checks a code typed to step up: right, the session is marked (cases.mfa.mark_stepped_up, audited) and None is
    returned; wrong, used before, or while django-otp's throttle holds, the message to show by the code box."""
    passed, error = _check_code(request.user, code)
    if passed is None:
        return error
    mfa.mark_stepped_up(request, method=passed[0], device_id=passed[1], purpose=purpose)
    return None


class StepUpForm(GovukFormMixin, forms.Form):
    code = step_up_code_field()


def identity_provider_sign_in_url(target: str) -> str:
    """Signing in again through the council's identity provider, back to `target` (its callback marks the session's
    second factor anew when the provider checked one)."""
    return _with_next("oidc_authentication_init", target)


@never_cache
@sensitive_post_parameters("code")
@login_required
def mfa_confirm(request: HttpRequest) -> HttpResponse:
    """The "Confirm it is you" page: the second factor again, then back to ?next=. A session signed in through the
    identity provider is asked to sign in there again instead (its authenticator is the provider's)."""
    target = _next(request)
    purpose = request.POST.get("for") or request.GET.get("for") or ""
    purpose = purpose if purpose in mfa.STEP_UP_PURPOSES else ""
    by_provider = mfa.signed_in_through_identity_provider(request)
    if request.method == "GET" and mfa.has_recent_second_factor(request):
        return redirect(target)
    form = StepUpForm(request.POST or None)
    if not by_provider and request.method == "POST" and form.is_valid():
        error = step_up_with_code(request, form.cleaned_data["code"], purpose=purpose)
        if error is None:
            return redirect(target)
        form.add_error("code", error)
    provider = ""
    if by_provider and getattr(settings, "OIDC_ENABLED", False):
        provider = settings.OIDC_PROVIDER_NAME
    return render(
        request,
        "registration/mfa_confirm.html",
        {
            "form": form,
            "next": target,
            "purpose": purpose,
            "purpose_text": mfa.STEP_UP_PURPOSES.get(purpose, ""),
            "by_provider": by_provider,
            "provider_name": provider,
            "provider_url": identity_provider_sign_in_url(target) if provider else "",
            "minutes": mfa.STEP_UP_SECONDS // 60,
        },
    )


urlpatterns = [
    path("accounts/two-factor/confirm/", mfa_confirm, name="mfa_confirm"),
    path("accounts/two-factor/", mfa_verify, name="mfa_verify"),
    path("accounts/two-factor/set-up/", mfa_enrol, name="mfa_enrol"),
    path("accounts/two-factor/recovery-codes/", mfa_recovery_codes, name="mfa_recovery_codes"),
]
