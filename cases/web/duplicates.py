"""Likely duplicates as pages show them: each record another of the same search is likely the same child as
(cases.selectors.search.flag_likely_duplicates), with the merge page's comparison of the two for those who may
merge (the person search page, the front door's match page)."""

from django.urls import reverse

from .. import policy


def likely_duplicate_links(hit, user) -> list[dict]:
    """[{"person", "compare"}] for a search hit: `compare` is "" for a user who may not merge (no link to a 404)."""
    if hit.person is None:
        return []
    may_merge = policy.may(user, policy.MERGE)
    return [
        {
            "person": other.person,
            "compare": f"{reverse('cases:person_merge', args=[hit.person.pk])}?duplicate={other.person.la_child_id}"
            if may_merge
            else "",
        }
        for other in hit.likely_duplicates
    ]
