"""How a deadline stands, as red, amber or green: one rule for every strand's clock (the front door's
decision and partners' answers in working hours, a Family Help assessment in working days)."""

import datetime as dt

from django.db import models

from ..workdays import Calendar


class Rag(models.TextChoices):
    """The words are what the pages show; the colour only repeats them."""

    RED = "red", "Overdue"
    AMBER = "amber", "Due soon"
    GREEN = "green", "On track"


# GOV.UK tag classes (templates: includes/rag_tag.html).
RAG_TAG_CLASSES = {Rag.RED: "govuk-tag--red", Rag.AMBER: "govuk-tag--orange", Rag.GREEN: "govuk-tag--green"}


def rag_status(*, left: float, amber_below: float, overdue: bool | None = None) -> str:
    """Red once overdue (unless told otherwise: when no working time is left), amber while less than
    `amber_below` of working time (hours or days, as `left`) is left, green before that."""
    if (left <= 0) if overdue is None else overdue:
        return Rag.RED
    return Rag.AMBER if left < amber_below else Rag.GREEN


def rag_by_working_hours(*, due_at: dt.datetime, now: dt.datetime, calendar: Calendar, amber_hours: float) -> str:
    """A deadline counted in working hours: amber when fewer than `amber_hours` are left."""
    return rag_status(left=calendar.working_hours_left(now, due_at), amber_below=amber_hours)


def rag_tag(rag: str) -> tuple[str, str]:
    """The words and the GOV.UK tag class for a RAG ("" for none)."""
    return (Rag(rag).label, RAG_TAG_CLASSES[rag]) if rag else ("", "")
