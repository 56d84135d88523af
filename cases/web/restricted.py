"""How a restricted record appears to someone not on its access list: "Restricted record", and nothing else (no
name, no date of birth, no NHS number, no address, no LA child ID), on every page, API body, PDF, CSV and message.

Which people are restricted for a user is one selector (cases.selectors.people_restricted_for_user, one query for a
whole page); this module turns its answer into what is shown. Templates use the `shown_name` filter
({% load restricted %}{{ person|shown_name:restricted_ids }}) and test `{% if person.pk in restricted_ids %}` before
showing any identifier.
"""

from collections.abc import Iterable

RESTRICTED_LABEL = "Restricted record"


def is_hidden(person, hidden: Iterable[int]) -> bool:
    """Whether this person (a record, or None) is a restricted record the viewer may not see."""
    return person is not None and person.pk in hidden


def shown_name(person, hidden: Iterable[int]) -> str:
    """The person's name, or "Restricted record" for a restricted record the viewer is not on the list of."""
    if person is None:
        return ""
    return RESTRICTED_LABEL if person.pk in hidden else person.display_name
