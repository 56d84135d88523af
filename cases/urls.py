"""Pages of the shared record, under /cases/ (the API is under /api/v1/, in cases.api)."""

from django.urls import path

from . import notification_views, views

app_name = "cases"
urlpatterns = [
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", notification_views.notification_read, name="notification_read"),
    path("people/search/", views.person_search, name="person_search"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/chronology/", views.person_chronology, name="person_chronology"),
    path("people/<int:pk>/chronology.pdf", views.person_chronology_pdf, name="person_chronology_pdf"),
    path("people/<int:pk>/chronology.csv", views.person_chronology_csv, name="person_chronology_csv"),
    path("people/<int:pk>/notes/new/", views.case_note_create, name="case_note_create"),
    path("people/<int:pk>/access-log/", views.person_access_log, name="person_access_log"),
    path("people/<int:pk>/merge/", views.person_merge, name="person_merge"),
    path("merges/<int:pk>/undo/", views.person_unmerge, name="person_unmerge"),
    path("notes/<int:pk>/", views.case_note_detail, name="case_note_detail"),
    path("notes/<int:pk>/edit/", views.case_note_edit, name="case_note_edit"),
    path("notes/<int:pk>/correct/", views.case_note_correct, name="case_note_correct"),
    path("audit/", views.audit, name="audit"),
]
