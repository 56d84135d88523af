from django.contrib import admin
from django.urls import include, path

from cases import views as case_views

urlpatterns = [
    path("", case_views.home, name="home"),
    path("accounts/login/", case_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", case_views.SignOutView.as_view(), name="logout"),
    path("healthz", case_views.healthz, name="healthz"),
    path("cases/", include("cases.urls")),
    path("admin/", admin.site.urls),
]
