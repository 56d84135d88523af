"""Child protection pages under /child-protection/. Each area's module in views/ owns its urlpatterns; the URL names
are the contract between areas and with templates.

  oversight: oversight (the LCPPs' dashboard of every child in an s47 enquiry or on a plan, ?team=<MACPT team pk>)
"""

from .views import oversight

app_name = "macpt"

urlpatterns: list = [
    *oversight.urlpatterns,
]
