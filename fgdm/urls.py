"""FGDM pages under /family-group-decision-making/. Each area's module in views/ owns its urlpatterns; the URL names
are the contract between areas and with templates (list them here as they land)."""

app_name = "fgdm"

urlpatterns: list = []
