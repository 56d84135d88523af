"""FGDM pages under /family-group-decision-making/. Each area's module in views/ owns its urlpatterns; the URL names
are the contract between areas and with templates (list them here as they land).

facilitation (views/referrals.py, caseload.py, preparation.py): referral_create (an offer's pk), referral,
referral_close, allocate (the FGDM-referral work request's pk), caseload, preparation (a referral's pk).
counts (views/counts.py): counts.
offers (views/offers.py): inbox, offer_create (?point=<content type id>:<pk>), offer, offer_respond,
offer_from_request (the FGDM-offer work request's pk).
meetings (views/meetings.py): meeting_record (a referral's pk: the allocated facilitator records the meeting), meeting,
meeting_attendee_add, meeting_information_add, meeting_plan_item_add, meeting_support_add, meeting_agree,
meeting_review_date, meeting_review, family_plan_pdf (a meeting's pk)."""

from .views import caseload, counts, meetings, offers, preparation, referrals

app_name = "fgdm"

urlpatterns: list = [
    *offers.urlpatterns,
    *referrals.urlpatterns,
    *caseload.urlpatterns,
    *preparation.urlpatterns,
    *counts.urlpatterns,
    *meetings.urlpatterns,
]
