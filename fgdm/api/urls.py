"""The FGDM API under /api/v1/family-group-decision-making/: each module in api/ owns its routes."""

urlpatterns: list = []
