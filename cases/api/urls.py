"""api/v1/: the people API (fixed paths, search/ and duplicates/, come before people/<id>/) and the family's plan
(families/<id>/plan/..., /team/..., listed in plans.py)."""

from django.urls import path

from . import plans
from .chronology import PersonChronologyApi
from .people import PersonCollectionApi, PersonDuplicatesApi, PersonResourceApi, PersonSearchApi
from .relationships import PersonRelationshipsApi

app_name = "api"
urlpatterns: list = [
    path("people/", PersonCollectionApi.as_view(), name="person_list"),
    path("people/search/", PersonSearchApi.as_view(), name="person_search"),
    path("people/duplicates/", PersonDuplicatesApi.as_view(), name="person_duplicates"),
    path("people/<int:pk>/", PersonResourceApi.as_view(), name="person_detail"),
    path("people/<int:pk>/relationships/", PersonRelationshipsApi.as_view(), name="person_relationships"),
    path("people/<int:pk>/chronology/", PersonChronologyApi.as_view(), name="person_chronology"),
    *plans.urlpatterns,
]
