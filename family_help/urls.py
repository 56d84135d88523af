"""Family Help pages under /family-help/. Each area's module in views/ owns its urlpatterns; the URL
names below are the contract between areas (and with templates):

  allocation: my_families, team, allocations (waiting list), allocate (work request pk),
              family (the family's Family Help page, pk), change_lead (pk), letter (allocation pk, PDF)
  assessment: assessment_start (family pk), assessment (assessment pk), assessment_edit (pk),
              assessment_autosave (pk, POST JSON), assessment_submit (pk), assessment_authorise (pk)
  plan:       plan_start (family pk), plan (family pk), plan_edit (family pk), outcome_add/outcome_edit,
              action_add/action_edit/action_update, taf (family pk), taf_add, taf_remove, review_add (family pk),
              plan_version (family pk, number), plan_pdf (family pk), plan_family_pdf (family pk)
  continuum:  step_up (family pk), step_down (family pk), change_level (family pk), close (family pk),
              supervision (practitioner list), supervision_add, supervision_detail
"""

from .views import allocation, assessment, continuum, plan

app_name = "family_help"

urlpatterns = [*allocation.urlpatterns, *assessment.urlpatterns, *plan.urlpatterns, *continuum.urlpatterns]
