"""Service accounts' API tokens (issue 17 item 1; battery B7 for tokens): stored hashed, scoped, expiring, rotated
with an overlap, revoked at once, each change audited; a person's account cannot hold one; a disabled account's or
a removed team member's token gets nothing from its next request on."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import ApiToken, AuditEvent, InvolvementRole, Role
from cases.services import team_member_remove
from cases.services.api_tokens import token_issue, token_revoke, token_rotate
from tests.api_tokens import service_account, token_for
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
CONTACTS = "/api/v1/contacts/"
CONTACT = {
    "referrer_name": "Partner system",
    "referrer_role": "DSL",
    "source_code": "2A",
    "worry": "Arrived hungry, with bruises on both arms.",
    "categories": ["neglect"],
    "consent": "knows_and_agrees",
    "children": [{"first_name": "Ruby", "last_name": "Quinton", "date_of_birth": "2017-09-04"}],
}


def client_with(plaintext: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def test_a_token_is_kept_only_as_its_sha256(triage_officer):
    account = service_account(like=triage_officer)
    token, plaintext = token_issue(
        account=account, issued_by=None, scopes=["read"], expires_at=in_days(30), reason="Partner CRM"
    )
    assert plaintext.startswith(f"ffp_{token.prefix}_") and len(plaintext) >= 4 + 8 + 1 + 43
    assert token.hash == hashlib.sha256(plaintext.encode()).hexdigest()
    with connection.cursor() as cursor:  # the secret is nowhere in the row
        cursor.execute(f"SELECT row_to_json(t)::text FROM {ApiToken._meta.db_table} t WHERE id = %s", [token.pk])  # noqa: S608
        row = cursor.fetchone()[0]
    secret = plaintext.removeprefix(f"ffp_{token.prefix}_")  # token_urlsafe may itself contain "_"
    assert len(secret) == 43 and secret not in row
    assert AuditEvent.objects.filter(verb="api_token.issued", target_id=str(token.pk), reason="Partner CRM").exists()


def test_a_service_account_token_reads_the_api_within_its_account_scope(sw_fhlp, make_person, api_involve):
    account = service_account(like=sw_fhlp)
    mine, other = make_person(first="Mia", last="Mine"), make_person(first="Otto", last="Other")
    api_involve(mine, account)
    api = client_with(token_for(account, scopes=["read"]))
    listed = api.get(PEOPLE)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.data["results"]] == [mine.pk]
    assert api.get(f"{PEOPLE}{other.pk}/").status_code == 404
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, actor_id=account.pk).count() == 1
    assert ApiToken.objects.get(account=account).last_used_at is not None


def test_a_persons_account_cannot_hold_a_token(triage_officer):
    with pytest.raises(ValidationError, match="service account"):
        token_issue(account=triage_officer, issued_by=None, scopes=["read"], expires_at=in_days(1), reason="x")
    assert not ApiToken.objects.exists()


def test_only_an_administrator_issues_tokens(triage_officer):
    account = service_account(like=triage_officer)
    admin = UserFactory(roles=[Role.ADMIN], agency=triage_officer.agency)
    with pytest.raises(PermissionDenied):
        token_issue(account=account, issued_by=triage_officer, scopes=["read"], expires_at=in_days(1), reason="x")
    token, _ = token_issue(account=account, issued_by=admin, scopes=["read"], expires_at=in_days(1), reason="CRM")
    assert AuditEvent.objects.get(verb="api_token.issued").actor_id == admin.pk


@pytest.mark.parametrize(
    ("scopes", "days", "reason", "field"),
    [
        (["read"], 91, "CRM", "expires_at"),  # at most 90 days
        (["read"], -1, "CRM", "expires_at"),
        (["admin"], 30, "CRM", "scopes"),
        ([], 30, "CRM", "scopes"),
        (["read"], 30, "  ", "reason"),
    ],
)
def test_a_token_must_expire_within_90_days_with_known_scopes_and_a_reason(triage_officer, scopes, days, reason, field):
    account = service_account(like=triage_officer)
    with pytest.raises(ValidationError) as refused:
        token_issue(account=account, issued_by=None, scopes=scopes, expires_at=in_days(days), reason=reason)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_read_token_is_refused_on_writes_with_the_reason(triage_officer):
    account = service_account(like=triage_officer)
    reader = client_with(token_for(account, scopes=["read"]))
    refused = reader.post(CONTACTS, CONTACT, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert "read-only" in refused.json()["detail"]
    for method in (reader.put, reader.patch, reader.delete):
        assert method(f"{CONTACTS}1/", {}, format="json").status_code == 403
    assert reader.get(CONTACTS).status_code == 200
    writer = client_with(token_for(account, scopes=["read", "write"]))
    assert writer.post(CONTACTS, CONTACT, format="json").status_code == 201


def test_no_token_or_an_unknown_one_is_a_401_asking_for_a_bearer_token(triage_officer):
    for api in (APIClient(), client_with("ffp_deadbeef_" + "x" * 43), client_with("not-a-token")):
        response = api.get(PEOPLE)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert APIClient(HTTP_AUTHORIZATION="Bearer two parts").get(PEOPLE).status_code == 401


def test_an_expired_token_is_refused(triage_officer):
    api = client_with(token_for(service_account(like=triage_officer), days=2))
    assert api.get(PEOPLE).status_code == 200
    with time_machine.travel(in_days(2) + dt.timedelta(seconds=1), tick=False):
        assert api.get(PEOPLE).status_code == 401


def test_a_rotated_token_works_for_the_24_hour_overlap_then_is_refused(triage_officer):
    account = service_account(like=triage_officer)
    old_plain = token_for(account, days=60)
    old = ApiToken.objects.get(account=account)
    new, new_plain = token_rotate(token=old, actor=None, reason="Yearly rotation")
    old.refresh_from_db()
    assert old.replaced_by == new and new.scopes == old.scopes
    old_api, new_api = client_with(old_plain), client_with(new_plain)
    assert old_api.get(PEOPLE).status_code == 200 and new_api.get(PEOPLE).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=23, minutes=59), tick=False):
        assert old_api.get(PEOPLE).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, seconds=1), tick=False):
        assert old_api.get(PEOPLE).status_code == 401
        assert new_api.get(PEOPLE).status_code == 200
    rotated = AuditEvent.objects.get(verb="api_token.rotated")
    assert (rotated.target_id, rotated.related["replaced_by"], rotated.reason) == (
        str(old.pk),
        new.pk,
        "Yearly rotation",
    )
    with pytest.raises(ValidationError):
        token_rotate(token=old, actor=None, reason="again")


def test_a_revoked_token_is_refused_from_its_next_request_and_the_revocation_is_audited(triage_officer):
    admin = UserFactory(roles=[Role.ADMIN], agency=triage_officer.agency)
    plaintext = token_for(service_account(like=triage_officer))
    api = client_with(plaintext)
    assert api.get(PEOPLE).status_code == 200
    token = ApiToken.objects.get()
    token_revoke(token=token, actor=admin, reason="Partner contract ended")
    assert api.get(PEOPLE).status_code == 401
    revoked = AuditEvent.objects.get(verb="api_token.revoked")
    assert (revoked.actor_id, revoked.target_id, revoked.reason) == (admin.pk, str(token.pk), "Partner contract ended")


REQUESTS = 20


def test_b7_disabling_a_service_account_refuses_every_request_of_its_tokens_at_once(triage_officer):
    account = service_account(like=triage_officer)
    apis = [client_with(token_for(account)), client_with(token_for(account, scopes=["read"]))]
    assert all(api.get(PEOPLE).status_code == 200 for api in apis)
    account.is_active = False
    account.save()
    statuses = [api.get(PEOPLE).status_code for api in apis for _ in range(REQUESTS)]
    assert statuses == [401] * (2 * REQUESTS)  # 0 successful requests of 40
    assert ApiToken.objects.filter(account=account, revoked_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(verb="api_token.revoked").count() == 2
    account.is_active = True  # enabling the account again brings no token back
    account.save()
    assert [api.get(PEOPLE).status_code for api in apis] == [401, 401]


def test_b7_removing_a_service_account_from_its_team_ends_what_the_team_gave_it(
    make_person, fh_team, triage_officer, fh_manager
):
    from cases.services import involvement_add

    child = make_person()
    involvement_add(person=child, actor=triage_officer, role=InvolvementRole.LEAD_PRACTITIONER, team=fh_team)
    account = service_account(agency=fh_team.agency, teams=[fh_team], roles=[Role.FHLP])
    api = client_with(token_for(account, scopes=["read"]))
    assert api.get(f"{PEOPLE}{child.pk}/").status_code == 200
    team_member_remove(team=fh_team, user=account, actor=fh_manager)
    statuses = [api.get(f"{PEOPLE}{child.pk}/").status_code for _ in range(REQUESTS)]
    assert statuses == [404] * REQUESTS  # 0 successful requests of 20
    assert [r["id"] for r in api.get(PEOPLE).json()["results"]] == []


def test_a_service_account_cannot_sign_in_with_a_password(rf, triage_officer):
    account = service_account(like=triage_officer)
    account.set_password(TEST_PASSWORD)  # even if someone gives it one
    account.save()
    request = rf.post("/accounts/login/")
    assert authenticate(request, username=account.email, password=TEST_PASSWORD) is None


def test_the_api_token_command_issues_lists_rotates_and_revokes(triage_officer):
    account = service_account(like=triage_officer)
    out = io.StringIO()
    call_command(
        "api_token", "issue", account.email, "--scope", "read", "--days", "30", "--reason", "Health CRM", stdout=out
    )
    plaintext = out.getvalue().strip().splitlines()[-1]
    assert plaintext.startswith("ffp_")
    assert client_with(plaintext).get(PEOPLE).status_code == 200
    token = ApiToken.objects.get()

    out = io.StringIO()
    call_command("api_token", "list", stdout=out)
    assert token.prefix in out.getvalue() and plaintext not in out.getvalue()

    out = io.StringIO()
    call_command("api_token", "rotate", token.prefix, "--reason", "Rotation", stdout=out)
    rotated = out.getvalue().strip().splitlines()[-1]
    assert rotated.startswith("ffp_") and client_with(rotated).get(PEOPLE).status_code == 200

    call_command("api_token", "revoke", token.prefix, "--reason", "Leaked in a log", stdout=io.StringIO())
    assert client_with(plaintext).get(PEOPLE).status_code == 401
    assert set(AuditEvent.objects.filter(verb__startswith="api_token.").values_list("verb", flat=True)) == {
        "api_token.issued",
        "api_token.rotated",
        "api_token.revoked",
    }
