"""Family Help pages, one module per area; each module has its own `urlpatterns` (see ../urls.py)."""
