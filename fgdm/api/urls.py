"""The FGDM API under /api/v1/family-group-decision-making/: each module in api/ owns its routes."""

from . import meetings, offers, referrals

urlpatterns: list = [
    *offers.urlpatterns,
    *referrals.urlpatterns,
    *meetings.urlpatterns,
]
