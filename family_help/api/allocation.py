"""Family Help API: allocation."""

urlpatterns: list = []
