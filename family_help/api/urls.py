"""Family Help API under /api/v1/family-help/; each area's module owns its urlpatterns. The family's plan and
team around the family moved to the shared record's API (/api/v1/families/<id>/plan/, /team/) in issue 10: their
old addresses here answer 308 to the new ones (cases.moved)."""

from django.urls import re_path

from cases.moved import moved_permanently

from . import allocation, assessment, continuum

urlpatterns = [
    *allocation.urlpatterns,
    *assessment.urlpatterns,
    *continuum.urlpatterns,
    re_path(r"^families/\d+/(?:plan|team)/", moved_permanently),
]
