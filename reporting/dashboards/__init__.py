"""The managers' dashboards (issue 16 item 7): figures (figures.py) drawn as server-rendered SVG charts (charts.py),
each with its numbers as a table. Aggregates only: no child is named."""

from __future__ import annotations

from .charts import Bar, Chart, count_text, percent_text
from .figures import PRACTITIONER_CHART_LIMIT, Dashboard, Rate, dashboard

__all__ = ["Chart", "Dashboard", "charts_for", "dashboard"]


def _rate_bar(rate: Rate, label: str | None = None) -> Bar:
    return Bar(label or rate.label, rate.percent or 0, percent_text(rate.percent))


def _rate_row(rate: Rate, label: str | None = None) -> list:
    percent = "–" if rate.percent is None else percent_text(rate.percent)
    return [label or rate.label, rate.due, rate.on_time, rate.late, percent]


def _caseload_chart(key: str, title: str, heading: str, rows, description: str, limit: int | None = None) -> Chart:
    shown = rows[:limit] if limit else rows
    chart = Chart(
        key=key,
        title=title,
        description=description,
        bars=[Bar(r.label, r.children, count_text(r.children)) for r in shown],
        headers=[heading, "Practitioners", "Children led", "Average per practitioner"],
        table=[[r.label, r.practitioners, r.children, "–" if r.average is None else r.average] for r in rows],
    )
    if limit and len(rows) > limit:
        chart.notes.append(f"The chart shows the {limit} largest caseloads of {len(rows)}; the table lists them all.")
    return chart


def charts_for(d: Dashboard) -> list[Chart]:
    """The page's charts, in its order."""
    period = d.period.label
    rate_headers = ["Measure", "Due", "On time", "Late or not yet", "Per cent on time"]
    charts = [
        Chart(
            key="contacts",
            title="Front-door contacts received by month",
            description=f"Contacts the front door received each month, {period}: {d.contacts:,} in all.",
            bars=[Bar(m.label, m.received, count_text(m.received)) for m in d.months],
            headers=["Month", "Contacts received"],
            table=[[m.label, m.received] for m in d.months],
        ),
        Chart(
            key="decided",
            title="Contacts decided within one working day, by month",
            description=(
                "Of the contacts whose decision was due by now, the per cent decided within one working day of "
                f"being received, each month, {period}."
            ),
            bars=[_rate_bar(m.decided_in_time, m.label) for m in d.months],
            headers=["Month", "Decision due", "Decided in time", "Late or not yet", "Per cent in time"],
            table=[_rate_row(m.decided_in_time, m.label) for m in d.months],
            percent=True,
        ),
        Chart(
            key="journey",
            title="The child's journey: contacts to child protection plans",
            description=(
                "How many of each step began in the period, from contacts received to child protection plans "
                f"started, {period}."
            ),
            bars=[Bar(label, value, count_text(value)) for label, value in d.journey],
            headers=["Step", "Number in the period"],
            table=[[label, value] for label, value in d.journey],
        ),
        Chart(
            key="re-referrals",
            title="Re-referrals within 12 months, by month",
            description=(
                "Of the referrals each month, the per cent about a child referred before within the 12 months "
                f"before, {period}: {d.re_referrals.on_time:,} of {d.re_referrals.due:,} in all."
            ),
            bars=[_rate_bar(m.re_referral_rate) for m in d.months],
            headers=["Month", "Referrals", "Re-referrals", "Not re-referrals", "Per cent re-referrals"],
            table=[_rate_row(m.re_referral_rate) for m in d.months] + [_rate_row(d.re_referrals, "All months")],
            percent=True,
        ),
        Chart(
            key="timescales",
            title="Timescales met",
            description=(
                "The per cent of contacts decided, assessments authorised, initial conferences and reviews held "
                f"within their timescale, {period}."
            ),
            bars=[_rate_bar(r) for r in d.timescales],
            headers=rate_headers,
            table=[_rate_row(r) for r in d.timescales],
            percent=True,
        ),
    ]
    fgdm = d.fgdm
    fgdm_bars = [
        ("Offers made", fgdm.total.offered),
        ("Offers accepted", fgdm.total.accepted),
        ("Offers declined", fgdm.total.declined),
        ("Waiting for an answer", fgdm.total.awaiting),
        ("Meetings held", fgdm.meetings_held),
        ("Family's plans agreed", fgdm.plans_agreed),
        ("Reviews of the family's plan", fgdm.reviews),
    ]
    charts.append(
        Chart(
            key="fgdm",
            title="Family group decision making: offers, answers and meetings",
            description=f"FGDM offers made and their answers, meetings held and plans agreed, {period}.",
            bars=[Bar(label, value, count_text(value)) for label, value in fgdm_bars],
            headers=["FGDM", "Number in the period"],
            table=[[label, value] for label, value in fgdm_bars],
            notes=["The offers the team's practitioners made, and the meetings and reviews that came of them."]
            if d.team
            else [],
        )
    )
    as_at = f"{d.as_at:%-d %B %Y}"
    charts += [
        _caseload_chart(
            "caseload-practitioner",
            "Caseloads by practitioner",
            "Practitioner",
            d.by_practitioner,
            f"Children whose open episode each practitioner leads, on {as_at}.",
            limit=PRACTITIONER_CHART_LIMIT,
        ),
        _caseload_chart(
            "caseload-agency",
            "Caseloads by agency",
            "Agency",
            d.by_agency,
            f"Children led by the practitioners of each agency, on {as_at} (a child with two lead practitioners "
            "counts for each).",
        ),
        _caseload_chart(
            "caseload-qualification",
            "Caseloads by qualification",
            "Qualification",
            d.by_qualification,
            f"Children led by practitioners of each qualification, on {as_at}.",
        ),
    ]
    return charts
