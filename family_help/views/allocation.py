"""Family Help pages: allocation."""

urlpatterns: list = []
