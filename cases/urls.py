"""Pages of the shared record, under /cases/ (the API is under /api/v1/, in cases.api). The family's plan's pages
(families/<pk>/plan/..., /team/...) are listed in views/plans.py."""

from django.urls import path

from .views import (
    audit,
    breakglass,
    chronology,
    disclosure,
    merge,
    notes,
    notifications,
    people,
    plans,
    restriction,
    retention,
    work_requests,
    workforce,
)

app_name = "cases"
urlpatterns = [
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", notifications.notification_read, name="notification_read"),
    path("people/search/", people.person_search, name="person_search"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/chronology/", chronology.person_chronology, name="person_chronology"),
    path("people/<int:pk>/chronology.pdf", chronology.person_chronology_pdf, name="person_chronology_pdf"),
    path("people/<int:pk>/chronology.csv", chronology.person_chronology_csv, name="person_chronology_csv"),
    path("people/<int:pk>/notes/new/", notes.case_note_create, name="case_note_create"),
    path("people/<int:pk>/access-log/", audit.person_access_log, name="person_access_log"),
    path("people/<int:pk>/merge/", merge.person_merge, name="person_merge"),
    path("merges/<int:pk>/undo/", merge.person_unmerge, name="person_unmerge"),
    path("notes/<int:pk>/", notes.case_note_detail, name="case_note_detail"),
    path("notes/<int:pk>/edit/", notes.case_note_edit, name="case_note_edit"),
    path("notes/<int:pk>/correct/", notes.case_note_correct, name="case_note_correct"),
    path("audit/", audit.audit, name="audit"),
    path("work-requests/", work_requests.work_requests, name="work_requests"),
    path("work-requests/<int:pk>/", work_requests.work_request_detail, name="work_request"),
    path("work-requests/<int:pk>/accept/", work_requests.work_request_accept_view, name="work_request_accept"),
    path("work-requests/<int:pk>/hand-back/", work_requests.work_request_hand_back_view, name="work_request_hand_back"),
    path("work-requests/<int:pk>/close/", work_requests.work_request_close_view, name="work_request_close"),
    *plans.urlpatterns,
    *workforce.urlpatterns,
    *retention.urlpatterns,
    *restriction.urlpatterns,
    *breakglass.urlpatterns,
    *disclosure.urlpatterns,
]
