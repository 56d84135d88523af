"""Child protection API under /api/v1/child-protection/; each area's module owns its urlpatterns."""

from . import strategy

urlpatterns: list = [
    *strategy.urlpatterns,
]
