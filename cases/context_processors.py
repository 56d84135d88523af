from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_for


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "nav_items": nav_for(user, request.path) if user is not None else [],
    }
