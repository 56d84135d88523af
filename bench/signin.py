"""The benchmarks' sign-in: a session that has passed both factors (issue 17 item 1), as a person's has after the
sign-in page and the code page. Django's force_login skips the password; the benchmark skips the code the same way
(cases.mfa.mark_verified, as the code page does), or every page measured would be the redirect to the code page."""

from types import SimpleNamespace

from cases import mfa


def mark_second_factor(session) -> None:
    """Mark a session (a SessionStore, saved by the caller) as having passed the second factor."""
    mfa.mark_verified(SimpleNamespace(session=session), method=mfa.TOTP)


def sign_in(client, user) -> None:
    """client.force_login(user), with the second factor passed."""
    client.force_login(user)
    session = client.session
    mark_second_factor(session)
    session.save()
