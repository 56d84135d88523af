"""Family Help pages: plan."""

urlpatterns: list = []
