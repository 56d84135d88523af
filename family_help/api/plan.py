"""Family Help API: plan."""

urlpatterns: list = []
