"""FGDM pages under /family-group-decision-making/. Each area's module in views/ owns its urlpatterns; the URL names
are the contract between areas and with templates (list them here as they land).

facilitation (views/referrals.py, caseload.py, preparation.py): referral_create (an offer's pk), referral,
referral_close, allocate (the FGDM-referral work request's pk), caseload, preparation (a referral's pk).
counts (views/counts.py): counts.
offers (views/offers.py): inbox, offer_create (?point=<content type id>:<pk>), offer, offer_respond,
offer_from_request (the FGDM-offer work request's pk)."""

from .views import caseload, counts, offers, preparation, referrals

app_name = "fgdm"

urlpatterns: list = [
    *offers.urlpatterns,
    *referrals.urlpatterns,
    *caseload.urlpatterns,
    *preparation.urlpatterns,
    *counts.urlpatterns,
]
