"""api/v1/: the front-door API (contacts, decisions, information requests); see views.py for who sees what."""

from django.urls import path

from . import views

app_name = "front_door_api"
urlpatterns = [
    path("contacts/", views.ContactCollectionApi.as_view(), name="contact_list"),
    path("contacts/<int:pk>/", views.ContactDetailApi.as_view(), name="contact_detail"),
    path("contacts/<int:pk>/decision/", views.ContactDecisionApi.as_view(), name="contact_decision"),
    path(
        "contacts/<int:pk>/information-requests/",
        views.ContactInformationRequestsApi.as_view(),
        name="contact_information_requests",
    ),
    path("information-requests/", views.InformationRequestInboxApi.as_view(), name="information_request_list"),
    path(
        "information-requests/<int:pk>/response/",
        views.InformationRequestRespondApi.as_view(),
        name="information_request_respond",
    ),
]
