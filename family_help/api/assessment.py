"""Family Help API: assessment."""

urlpatterns: list = []
