"""Family Help API under /api/v1/family-help/; each area's module owns its urlpatterns."""

from . import allocation, assessment, continuum, plan

urlpatterns = [*allocation.urlpatterns, *assessment.urlpatterns, *plan.urlpatterns, *continuum.urlpatterns]
