"""Family Help API: continuum."""

urlpatterns: list = []
