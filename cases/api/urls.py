"""api/v1/: the people API. Fixed paths (search/, duplicates/) come before people/<id>/."""

from django.urls import path

from . import views

app_name = "api"
urlpatterns: list = [
    path("people/", views.PersonCollectionApi.as_view(), name="person_list"),
    path("people/search/", views.PersonSearchApi.as_view(), name="person_search"),
    path("people/duplicates/", views.PersonDuplicatesApi.as_view(), name="person_duplicates"),
    path("people/<int:pk>/", views.PersonResourceApi.as_view(), name="person_detail"),
    path("people/<int:pk>/relationships/", views.PersonRelationshipsApi.as_view(), name="person_relationships"),
    path("people/<int:pk>/chronology/", views.PersonChronologyApi.as_view(), name="person_chronology"),
]
