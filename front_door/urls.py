from django.urls import path

from . import views

app_name = "front_door"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/assign/", views.contact_assign, name="contact_assign"),
    path("contacts/<int:pk>/children/<int:child_pk>/match/", views.contact_child_match, name="contact_child_match"),
    path(
        "contacts/<int:pk>/information-requests/new/",
        views.information_request_create,
        name="information_request_create",
    ),
    path("contacts/<int:pk>/decision/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/signoff/", views.decision_signoff, name="decision_signoff"),
    path("information-requests/", views.inbox, name="inbox"),
    path("information-requests/<int:pk>/", views.information_request_respond, name="information_request_respond"),
    path("refer/", views.partner_referral, name="partner_referral"),
    path("my-referrals/", views.my_referrals, name="my_referrals"),
    path("my-referrals/<int:pk>/", views.my_referral, name="my_referral"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
