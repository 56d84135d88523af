"""B11: every disclosure path records a decision with purpose, lawful basis and recipient; "decided not to share" is
recordable with its reason on each (issue 17 item 3).

The inventory is cases.disclosure.INVENTORY. This module checks it is complete by reading the code (every URL whose
view sends a file, directly or through a helper of its module, carries @disclosure_path), then walks it: each path,
asked by someone who may, records one DisclosureDecision per file (the internal-use default, or the decision the
form sent), refuses an incomplete decision with the form and what was typed (400, no file, no decision), records a
decision not to share with its reason (no file), and records nothing for someone it refuses (404). The service path
(a partner's answer to the front door) is walked in tests/front_door/test_information_request_disclosure.py.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import inspect
import textwrap
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.disclosure import INVENTORY
from cases.models import DisclosureDecision, FamilyCaseMember, LawfulBasis, Role, WorkRequest
from cases.services import episode_open, family_case_create, person_create, work_request_create
from tests.factories import UserFactory
from tests.matrix_world import build_world
from tests.support import need_level

pytestmark = pytest.mark.django_db

SINKS = {"pdf_response", "attachment", "StreamingHttpResponse", "FileResponse"}


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}" if entry.name else "", entry.callback


@functools.cache
def _sending_functions(module) -> set[str]:
    """The module's functions that send a file: calling a sink, or a function of the module that does."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(module)))
    calls: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            names = set()
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    func = call.func
                    names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
            calls[node.name] = names
    sending = {name for name, called in calls.items() if called & SINKS}
    while True:
        more = {name for name, called in calls.items() if called & sending} - sending
        if not more:
            return sending
        sending |= more


def _unwrapped(callback):
    while hasattr(callback, "__wrapped__"):
        callback = callback.__wrapped__
    return callback


def test_every_view_that_sends_a_file_is_on_the_inventory():
    sending_urls, missing = [], []
    for name, callback in _patterns():
        view = _unwrapped(callback)
        module = inspect.getmodule(view)
        if module is None or module.__name__.split(".")[0] not in {
            "cases",
            "front_door",
            "family_help",
            "macpt",
            "fgdm",
            "reporting",
        }:
            continue
        if view.__name__ in _sending_functions(module):
            sending_urls.append(name)
            if not getattr(callback, "disclosure_key", None):
                missing.append(name)
    assert not missing, f"views sending a file with no disclosure decision: {missing}"
    on_inventory = {entry.url_name for entry in INVENTORY.values() if entry.url_name}
    assert set(sending_urls) == on_inventory
    # Every path of the inventory is walked below (a new path needs its way in the walk).
    assert set(INVENTORY) == set(WALK) | SERVICE_PATHS


# --- the walk --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.objects["allocation"] = _allocation(built).pk
        yield built
        transaction.set_rollback(True)


def _allocation(world):
    """A family waiting for a lead practitioner, allocated by the council's manager to a practitioner."""
    from family_help.services.allocation import allocation_create

    triage, manager = world.helpers["triage"], world.helpers["manager"]
    child = person_create(
        actor=triage,
        data={"first_name": "Ysolde", "last_name": "Quennack", "date_of_birth": dt.date(2016, 4, 4), "sex": "F"},
    )
    case = family_case_create(actor=triage, name="Quennack family", members=[(child, FamilyCaseMember.Role.CHILD)])
    episode = episode_open(
        person=child, actor=triage, level=need_level("child_in_need"), family_case=case, reason="Front door"
    )
    request = work_request_create(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
        person=child,
        actor=triage,
        episode=episode,
        summary="Needs a lead practitioner.",
    )
    lead = UserFactory(email="lead.fhlp@disclosure.test", agency=manager.agency, roles=[Role.FHLP])
    world.helpers["fhlp"] = lead
    return allocation_create(work_request=request, actor=manager, lead=lead, reason="Matrix")


def _lead(world):
    return world.children["lead"]


# Each path: (the user who may, the URL), from the world.
WALK = {
    "chronology_csv": lambda w: ("manager", reverse("cases:person_chronology_csv", args=[_lead(w).person.pk])),
    "chronology_pdf": lambda w: ("manager", reverse("cases:person_chronology_pdf", args=[_lead(w).person.pk])),
    "plan_pdf": lambda w: ("manager", reverse("cases:plan_pdf", args=[_lead(w).family_case_id])),
    "plan_family_pdf": lambda w: ("manager", reverse("cases:plan_family_pdf", args=[_lead(w).family_case_id])),
    "conference_minutes_pdf": lambda w: ("manager", reverse("macpt:conference_minutes_pdf", args=[_lead(w).icpc_id])),
    "conference_family_pdf": lambda w: ("manager", reverse("macpt:conference_family_pdf", args=[_lead(w).icpc_id])),
    "strategy_pdf": lambda w: ("manager", reverse("macpt:strategy_pdf", args=[_lead(w).strategy_discussion_id])),
    "fgdm_family_plan_pdf": lambda w: ("manager", reverse("fgdm:family_plan_pdf", args=[_lead(w).fgdm_meeting_id])),
    "allocation_letter": lambda w: ("fhlp", reverse("family_help:letter", args=[w.objects["allocation"]])),
    "return_download": lambda w: ("manager", reverse("reporting:run_download", args=[w.objects["run:annex_a"]])),
    "ffp_return_csv": lambda w: ("manager", reverse("reporting:ffp_return_csv", args=[w.objects["run:ffp_return"]])),
    "ffp_return_pdf": lambda w: ("manager", reverse("reporting:ffp_return_pdf", args=[w.objects["run:ffp_return"]])),
}
# Recorded by their own service, walked where it is built: a partner's answer
# (tests/front_door/test_information_request_disclosure.py) and the subject access bundle, whose sending is the
# decision (tests/cases/test_subject_access.py).
SERVICE_PATHS = {"information_request_answer", "sar_bundle"}
# The aggregate returns name no child; every other path is about the children its read-audit row names.
AGGREGATE = {"ffp_return_csv", "ffp_return_pdf", "return_download"}


def _client(world, who):
    user = world.helpers[who]
    client = Client()
    client.force_login(user)
    return client, user


def _file_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _decisions(key):
    return DisclosureDecision.objects.filter(what_type=key)


@pytest.mark.parametrize("key", sorted(WALK))
def test_a_download_records_its_decision_with_purpose_lawful_basis_and_recipient(world, key):
    who, url = WALK[key](world)
    client, user = _client(world, who)
    before = _decisions(key).count()
    response = client.get(url)
    assert response.status_code == 200
    assert not response["Content-Type"].startswith("text/html")
    assert _file_of(response)
    assert _decisions(key).count() == before + 1
    decision = _decisions(key).order_by("-pk").first()
    assert response["X-Disclosure-Decision"] == str(decision.pk)
    assert decision.kind == DisclosureDecision.Kind.SHARED
    assert decision.purpose and decision.lawful_basis in LawfulBasis.values
    assert decision.recipient_name or decision.recipient_organisation
    assert decision.decided_by == user
    if key not in AGGREGATE:
        assert decision.person_ids, "the decision names the children the file is about"
    if INVENTORY[key].family_facing:
        assert decision.recipient_name == "The family"


@pytest.mark.parametrize("key", sorted(WALK))
def test_the_decision_form_records_what_the_user_decided(world, key):
    who, url = WALK[key](world)
    client, user = _client(world, who)
    shown = client.get(url, {"decide": "1"})
    assert shown.status_code == 200 and b"Before you share this" in shown.content
    fields = {
        "kind": "shared",
        "purpose": f"Walk {key}: for the review",
        "lawful_basis": LawfulBasis.SAFEGUARDING,
        "recipient_name": "Dr Ada Quill",
        "recipient_organisation": "Riverside GP surgery",
    }
    response = client.get(url, fields)
    assert response.status_code == 200 and not response["Content-Type"].startswith("text/html")
    decision = _decisions(key).order_by("-pk").first()
    assert (decision.purpose, decision.lawful_basis, decision.recipient_name, decision.recipient_organisation) == (
        fields["purpose"],
        fields["lawful_basis"],
        fields["recipient_name"],
        fields["recipient_organisation"],
    )


@pytest.mark.parametrize("key", sorted(WALK))
def test_decided_not_to_share_is_recorded_with_its_reason_and_gives_no_file(world, key):
    who, url = WALK[key](world)
    client, _ = _client(world, who)
    response = client.get(url, {"kind": "not_shared", "reason": f"Walk {key}: the mother's address is in it"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert b"Decision recorded" in response.content
    decision = _decisions(key).order_by("-pk").first()
    assert decision.kind == DisclosureDecision.Kind.NOT_SHARED
    assert decision.reason == f"Walk {key}: the mother's address is in it"


@pytest.mark.parametrize("key", sorted(WALK))
def test_an_incomplete_decision_comes_back_with_its_messages_and_what_was_typed(world, key):
    who, url = WALK[key](world)
    client, _ = _client(world, who)
    before = _decisions(key).count()
    response = client.get(url, {"kind": "shared", "purpose": "Typed purpose zq"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Choose the lawful basis for sharing it" in body and "Say who receives it" in body
    assert "Typed purpose zq" in body
    no_reason = client.get(url, {"kind": "not_shared"})
    assert no_reason.status_code == 400 and "Give the reason for not sharing it" in no_reason.content.decode()
    assert _decisions(key).count() == before


@pytest.mark.parametrize("key", sorted(WALK))
def test_someone_refused_the_file_gets_404_and_no_decision_is_recorded(world, key):
    _, url = WALK[key](world)
    stranger = UserFactory(email=f"stranger.{key}@disclosure.test", agency=world.helpers["outsider"].agency)
    client = Client()
    client.force_login(stranger)
    before = _decisions(key).count()
    query = urlencode({"kind": "shared", "purpose": "x", "lawful_basis": "6_1_c", "recipient_name": "x"})
    assert client.get(f"{url}?{query}").status_code == 404
    assert _decisions(key).count() == before
