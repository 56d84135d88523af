"""Child protection API under /api/v1/child-protection/; each area's module owns its urlpatterns."""

from . import records, strategy

urlpatterns: list = [
    *strategy.urlpatterns,
    *records.urlpatterns,
]
