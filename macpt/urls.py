"""Child protection pages under /child-protection/. Each area's module in views/ owns its urlpatterns; the URL names
are the contract between areas and with templates."""

app_name = "macpt"

urlpatterns: list = []
