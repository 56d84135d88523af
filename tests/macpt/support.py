"""Helpers for the child protection tests: hold a conference through the services as the pages do."""

import datetime as dt

from cases.workdays import LONDON
from macpt.models import ChildProtectionConference
from macpt.services.conference import conference_arrange, conference_decide

START = dt.datetime(2025, 12, 1, 9, 0, tzinfo=LONDON)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A London time on a day, for the clock (`clock.move_to`)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def arrange(family, actor, chair, date, *, children=None, kind="initial", **extra) -> ChildProtectionConference:
    return conference_arrange(
        actor=actor,
        family_case=family["case"],
        kind=kind,
        date=date,
        children=children or [family["mia"]],
        chair=chair,
        **extra,
    )


def hold_icpc(family, actor, chair, clock, date=dt.date(2025, 12, 19), category="PHY", **extra):
    """Arrange the ICPC for Mia on `date`, move the clock to that afternoon and record a plan."""
    conference = arrange(family, actor, chair, date, **extra)
    clock.move_to(at(date, 15))
    conference_decide(
        conference=conference, actor=chair, decisions={family["mia"].pk: {"plan": True, "category": category}}
    )
    conference.refresh_from_db()
    return conference
