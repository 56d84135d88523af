"""The policy table (cases.policy and the strands' rows) against the oracle (tests/oracle.py), cell by cell.

The oracle restates issue 11's policy apart from the code; the permission matrix (test_permission_matrix.py)
asks the running app. This module asks the table itself: every role set the demo users hold, and every single
role, x every relationship x every action; and the dimensions: the table's relationships, actions and tags are
the oracle's."""

import itertools

import pytest

from cases import policy
from cases.demo.planning import USERS
from cases.models import Role, VisibilityTag
from tests import oracle

# The table's name for each of the oracle's relationships (today's table calls the lead "involved").
TABLE_RELATIONSHIP = {
    oracle.LEAD: getattr(policy, "LEAD", policy.INVOLVED),
    oracle.SAME_TEAM: policy.SAME_TEAM,
    oracle.OTHER_AGENCY: policy.OTHER_AGENCY,
    oracle.TAF_MEMBER: getattr(policy, "TAF_MEMBER", "taf_member"),
    oracle.REFERRER: policy.REFERRER_ONLY,
    oracle.RESTRICTED: policy.RESTRICTED,
    oracle.NONE: policy.NONE,
}
ROLE_SETS = sorted(
    {frozenset([role]) for role in Role.values}
    | {frozenset(roles) for *_, roles, _ in USERS}
    | {frozenset({Role.PARTNER_PRACTITIONER, Role.PARTNER_REFERRER})},
    key=sorted,
)


def _cells():
    for roles, relationship, action in itertools.product(ROLE_SETS, oracle.RELATIONSHIPS, oracle.ACTIONS):
        yield pytest.param(roles, relationship, action, id=f"{'+'.join(sorted(roles))}-{relationship}-{action}")


@pytest.mark.parametrize(("roles", "relationship", "action"), list(_cells()))
def test_the_table_agrees_with_the_oracle(roles, relationship, action):
    reader = oracle.Reader(roles=roles, agency_type="")
    expected = oracle.allowed(reader, relationship, action)
    assert policy.allowed(set(roles), TABLE_RELATIONSHIP[relationship], action) is expected


def test_the_tables_relationships_are_the_issues_seven():
    assert set(policy.RELATIONSHIPS) == {TABLE_RELATIONSHIP[r] for r in oracle.RELATIONSHIPS}


def test_the_tables_actions_are_the_oracles():
    assert set(policy.ALL_ACTIONS) == set(oracle.ACTIONS)


def test_the_oracle_knows_the_apps_roles():
    assert set(Role.values) == oracle.ROLES


def test_the_apps_information_tags_are_the_oracles():
    assert set(VisibilityTag.values) == set(oracle.TAGS)


def test_the_role_gated_rows_the_matrix_reads_agree_with_the_oracle():
    table = policy.role_actions()
    assert table["front_door.read_contacts"] == oracle.CONTACT_READERS
    assert table[policy.READ_AUDIT] == {oracle.PRIVACY}
    assert table[policy.CREATE_PERSON] == oracle.EDIT_ANYWHERE
    assert table["macpt.oversee"] == oracle.OVERSEERS
    assert table["macpt.chair"] == oracle.CONFERENCE_ARRANGERS
    assert table["macpt.contribute"] == oracle.CONFERENCE_CONTRIBUTORS


def _tag_cells():
    from tests.matrix_world import planned_readers

    for (email, reader), tag, macpt, authors in itertools.product(
        sorted(planned_readers().items()), oracle.TAGS, (False, True), (False, True)
    ):
        yield pytest.param(
            reader, tag, macpt, authors, id=f"{email.split('@')[0]}-{tag}-macpt{macpt:d}-author{authors:d}"
        )


@pytest.mark.parametrize(("reader", "tag", "in_childs_macpt", "authors_agency"), list(_tag_cells()))
def test_the_tag_rules_agree_with_the_oracle(reader, tag, in_childs_macpt, authors_agency):
    expected = oracle.tag_allows(
        reader,
        tag,
        author_agency=reader.agency if authors_agency else "another agency",
        in_childs_macpt=in_childs_macpt,
    )
    assert (
        policy.tag_admits(
            tag,
            roles=reader.roles,
            agency_type=reader.agency_type,
            qualification=reader.qualification,
            in_childs_macpt=in_childs_macpt,
            authors_agency=authors_agency,
        )
        is expected
    )


def test_family_facing_documents_withhold_the_oracles_tags():
    assert {t for t in oracle.TAGS if not oracle.family_facing(t)} == set(policy.FAMILY_WITHHELD_TAGS)


def test_the_reporting_rows_agree_with_the_oracle():
    """Issue 16 item 9: who reads the reports, makes the returns and exports child-level data, reads the dashboards and
    keeps the grant ledger (the permission matrix asks every reporting page as every persona from these)."""
    table = policy.role_actions()
    for action in ("reporting.reports", "reporting.export", "reporting.return", "reporting.data_quality"):
        assert table[action] == oracle.RETURN_MAKERS, action
    assert table["reporting.dashboards"] == oracle.DASHBOARD_READERS
    assert table["reporting.grant_ledger"] == oracle.LEDGER_KEEPERS
    assert set(policy.COUNCIL_WIDE_ROLES) == oracle.COUNCIL_WIDE


def _break_glass_cells():
    for roles, agency_type, action in itertools.product(
        ROLE_SETS,
        ("council_social_care", "council_early_help", "police", "health", "education", "voluntary_sector", ""),
        oracle.ACTIONS,
    ):
        yield pytest.param(roles, agency_type, action, id=f"{'+'.join(sorted(roles))}-{agency_type or 'none'}-{action}")


@pytest.mark.parametrize(("roles", "agency_type", "action"), list(_break_glass_cells()))
def test_break_glass_cells_agree_with_the_oracle(roles, agency_type, action):
    """Issue 17 item 2: a user holding a break-glass grant for a child they have no other connection with, by role
    set x agency type x action: the whole record to read for a council practitioner who is not council-wide (never
    edit), the council-wide roles as ever, nothing for anyone else."""
    reader = oracle.Reader(roles=roles, agency_type=agency_type)
    expected = oracle.allowed(reader, oracle.BREAK_GLASS, action)
    assert policy.allowed(set(roles), policy.BREAK_GLASS, action, agency_type=agency_type) is expected
    assert policy.may_break_glass(set(roles), agency_type) is oracle.breaks_glass(reader)
