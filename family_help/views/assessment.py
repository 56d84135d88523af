"""Family Help pages: assessment."""

urlpatterns: list = []
