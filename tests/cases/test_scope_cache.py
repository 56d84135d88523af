"""Scopes are built once per key and kept (cases.permissions.scope_key): the kept query must still read grants made
after it was built, give each caller its own copy, and never be reused once the user's roles change."""

import pytest
from django.contrib.auth.models import Group

from cases.auth import UserBackend
from cases.models import InvolvementRole, Role
from cases.permissions import person_record_scope, person_scope, scope_key
from cases.services import involvement_add

pytestmark = pytest.mark.django_db


def test_a_kept_scope_reads_grants_made_after_it_was_built(make_person, sw_fhlp, triage_officer):
    child = make_person(first="Kit", last="Kept")
    practitioner = UserBackend().get_user(sw_fhlp.pk)  # as a request loads its user
    before = person_record_scope(practitioner)
    assert not before.filter(pk=child.pk).exists()

    involvement_add(person=child, actor=triage_officer, role=InvolvementRole.LEAD_PRACTITIONER, user=sw_fhlp)
    again = UserBackend().get_user(sw_fhlp.pk)
    assert scope_key(again) == scope_key(practitioner)  # the same key: the kept query is used
    after = person_record_scope(again)
    assert after.filter(pk=child.pk).exists()
    assert person_scope(again).filter(pk=child.pk).exists()


def test_each_caller_gets_its_own_copy(make_person, triage_officer):
    make_person(first="Ola", last="Own")
    first, second = person_record_scope(triage_officer), person_record_scope(triage_officer)
    assert first is not second and first.query is not second.query
    list(first[:5])
    assert second._result_cache is None  # evaluating one copy fills nothing in the other


def test_a_change_of_roles_is_a_new_key(make_person, sw_fhlp, triage_officer):
    make_person(first="Rae", last="Roles")
    loaded = UserBackend().get_user(triage_officer.pk)
    assert person_record_scope(loaded).exists()  # a triage officer reads the whole council
    for group in Group.objects.filter(name__in=[Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER, Role.MANAGER]):
        triage_officer.groups.remove(group)
    reloaded = UserBackend().get_user(triage_officer.pk)
    assert scope_key(reloaded) != scope_key(loaded)
    assert not person_record_scope(reloaded).exists()
