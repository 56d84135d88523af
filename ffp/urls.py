from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cases.views import home as case_views
from cases.views import mfa as mfa_views

from .api_docs import ApiDocsView
from .health import healthz

# A refusal is a missing page (cases.web.refusal): one answer, 404, for every page; the API's is ffp.exceptions.
handler403 = "cases.web.refusal.refused"

urlpatterns = [
    path("", case_views.home, name="home"),
    path("accounts/login/", case_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", case_views.SignOutView.as_view(), name="logout"),
    path("accounts/session/", case_views.session_keep_alive, name="session_keep_alive"),
    *mfa_views.urlpatterns,  # two-factor sign-in (issue 17 item 1)
    path("healthz", healthz, name="healthz"),
    path("cases/", include("cases.urls")),
    path("front-door/", include("front_door.urls")),
    path("family-help/", include("family_help.urls")),
    path("child-protection/", include("macpt.urls")),
    path("family-group-decision-making/", include("fgdm.urls")),
    path("reports/", include("reporting.urls")),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("front_door.api.urls")),
    path("api/v1/family-help/", include("family_help.api.urls")),
    path("api/v1/child-protection/", include("macpt.api.urls")),
    path("api/v1/family-group-decision-making/", include("fgdm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
if settings.OIDC_ENABLED:  # sign-in through the council's identity provider (cases.views.oidc)
    from cases.views.oidc import urlpatterns as identity_provider_urlpatterns

    urlpatterns += identity_provider_urlpatterns
