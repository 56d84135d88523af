"""Who the council identity provider's sign-in may be (issue 17; cases.oidc): an existing, active person's account
matched by email ignoring case; never a service account, a disabled account or a new one; two-factor passed only
when the id token's amr says "mfa". (The whole flow, against a real provider: tests/browser/test_oidc_sign_in.py.)"""

import pytest

from cases.models import User
from cases.oidc import CouncilIdentityBackend, passed_multi_factor
from tests.api_tokens import service_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(settings):
    for name in ("TOKEN", "USER", "JWKS", "AUTHORIZATION"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"http://127.0.0.1:9/{name.lower()}")
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "client", "secret"
    return CouncilIdentityBackend()


def test_an_active_persons_account_is_matched_by_email_ignoring_case(backend, triage_officer):
    assert list(backend.filter_users_by_claims({"email": " TRIAGE@Example.test "})) == [triage_officer]


def test_no_account_is_matched_or_created_for_others(backend, triage_officer):
    account = service_account(like=triage_officer)
    assert not backend.filter_users_by_claims({"email": account.email}).exists()  # a service account: tokens only
    assert not backend.filter_users_by_claims({"email": ""}).exists()
    assert not backend.filter_users_by_claims({}).exists()
    users = User.objects.count()
    assert backend.create_user({"email": "someone.new@example.test"}) is None
    assert User.objects.count() == users
    triage_officer.is_active = False
    triage_officer.save()
    assert not backend.filter_users_by_claims({"email": triage_officer.email}).exists()


@pytest.mark.parametrize(
    ("amr", "passed"),
    [(["pwd", "mfa"], True), (["mfa"], True), (["pwd"], False), ([], False), (None, False), ("mfa", True)],
)
def test_two_factor_is_passed_only_when_the_id_tokens_amr_holds_mfa(backend, triage_officer, amr, passed, monkeypatch):
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    monkeypatch.setattr(OIDCAuthenticationBackend, "get_or_create_user", lambda self, *a: triage_officer)
    payload = {} if amr is None else {"amr": amr}
    user = backend.get_or_create_user("access", "id", payload)
    assert passed_multi_factor(user) is passed
