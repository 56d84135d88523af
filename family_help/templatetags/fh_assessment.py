"""The assessment panel on a family's Family Help page:
{% load fh_assessment %}{% fh_assessment_panel family_case user %}. Owned by the assessment area; the family page
(views/allocation.py) only includes it (and audits its read)."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from cases.workdays import Calendar

from ..models import AssessmentStatus, FamilyHelpSettings
from ..selectors.assessment import assessment_timescale, assessments_for_family
from ..services.assessment import can_write_assessment

register = template.Library()


@register.simple_tag
def fh_assessment_panel(family_case, user) -> str:
    """Current and past assessments with their status and timescale, and a link to start one."""
    assessments = assessments_for_family(family_case=family_case)
    calendar = Calendar.from_database()
    warn_days = FamilyHelpSettings.load().assessment_warn_working_days
    rows = [
        {
            "assessment": a,
            "url": reverse("family_help:assessment", args=[a.pk]),
            "timescale": assessment_timescale(assessment=a, calendar=calendar, warn_days=warn_days),
        }
        for a in assessments
    ]
    current = next((r for r in rows if r["assessment"].status != AssessmentStatus.AUTHORISED), None)
    past = [r for r in rows if r is not current]
    can_start = current is None and can_write_assessment(user=user, family_case=family_case)
    return render_to_string(
        "family_help/assessment/panel.html",
        {
            "current": current,
            "past": past,
            "family": family_case,
            "start_url": reverse("family_help:assessment_start", args=[family_case.pk]) if can_start else None,
        },
    )
