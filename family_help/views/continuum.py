"""Family Help pages: continuum."""

urlpatterns: list = []
