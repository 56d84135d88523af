"""Family Help pages under /family-help/. Each area's module in views/ owns its urlpatterns; the URL
names below are the contract between areas (and with templates):

  allocation: my_families, team, allocations (waiting list), allocate (work request pk),
              family (the family's Family Help page, pk), change_lead (pk), letter (allocation pk, PDF)
  assessment: assessment_start (family pk), assessment (assessment pk), assessment_edit (pk),
              assessment_autosave (pk, POST JSON), assessment_submit (pk), assessment_authorise (pk)
  continuum:  step_up (family pk), step_down (family pk), change_level (family pk), close (family pk),
              supervision (practitioner list), supervision_add, supervision_detail

The family's plan and its team around the family were here until issue 10 (families/<pk>/plan/..., /team/...);
they are the shared record's now (cases:plan, /cases/families/<pk>/plan/...), and the old addresses answer with a
permanent redirect (cases.moved).
"""

from django.urls import re_path

from cases.moved import moved_permanently

from .views import allocation, assessment, continuum

app_name = "family_help"

urlpatterns = [
    *allocation.urlpatterns,
    *assessment.urlpatterns,
    *continuum.urlpatterns,
    re_path(r"^families/\d+/(?:plan|team)/", moved_permanently),
]
