"""B5's schema half, without a server: /api/schema/ documents the answers every operation can give (ffp.api_docs
document_errors), so that what schemathesis finds (tests/test_api_fuzz.py) is a bug and never an undocumented
status: 414 and 404 everywhere, 400 where there is a query or a body, 413 and 415 where there is a body, 401 with
WWW-Authenticate where credentials are needed, each error a JSON object with its `code`; page bounds; times of day
as the API writes them (no offset), and response shapes that can overlap as anyOf."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from ffp.api_docs import ERROR_COMPONENT, TIME_PATTERN

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", method, item[method]


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = []
    count = 0
    for name, method, operation in operations(schema):
        count += 1
        wanted = {"404", "414"}
        if method in ("post", "put", "patch"):
            wanted |= {"400", "413", "415"}
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            wanted.add("400")
        if operation.get("security") and {} not in operation["security"]:
            wanted.add("401")
            if method != "get":
                wanted.add("403")
        lacking = wanted - set(operation["responses"])
        if lacking:
            missing.append(f"{name}: {sorted(lacking)}")
        for status_code, response in operation["responses"].items():
            if int(status_code) >= 400:
                assert list(response.get("content", {})) == ["application/json"], (name, status_code)
    assert count >= 100
    assert not missing, "\n".join(missing)


def test_the_error_body_has_its_code(schema):
    error = schema["components"]["schemas"][ERROR_COMPONENT]
    assert error["required"] == ["code"]
    assert error["properties"]["code"] == {"type": "string"}


def test_pages_are_bounded(schema):
    pages = [
        (name, p)
        for name, _m, operation in operations(schema)
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p["name"] in ("page", "page_size")
    ]
    assert len(pages) >= 10
    for name, parameter in pages:
        assert parameter["schema"]["minimum"] == 1, name
        if parameter["name"] == "page_size":
            assert parameter["schema"]["maximum"] == 100, name


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_times_of_day_are_described_as_the_api_writes_them(schema):
    times = [n for n in _nodes(schema) if n.get("pattern") == TIME_PATTERN]
    assert times, "no time-of-day field found"
    assert not [n for n in _nodes(schema) if n.get("format") == "time"]
    for written in ("00:01:00", "14:30", "23:59:59.123456"):
        assert re.match(TIME_PATTERN, written)
    assert not re.match(TIME_PATTERN, "24:00")


def test_a_reader_dependent_contact_is_any_of_its_shapes(schema):
    contact = schema["components"]["schemas"]["ContactForReader"]
    assert "oneOf" not in contact
    assert len(contact["anyOf"]) == 2
    # an FGDM attendee from no agency (the family) has none
    assert schema["components"]["schemas"]["FgdmAttendeeOutput"]["properties"]["agency"].get("nullable") is True
