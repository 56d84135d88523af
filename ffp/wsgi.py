"""WSGI entry point (gunicorn ffp.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.prod")
application = get_wsgi_application()
