"""Child protection API under /api/v1/child-protection/; each area's module owns its urlpatterns."""

urlpatterns: list = []
