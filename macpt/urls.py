"""Child protection pages under /child-protection/. Each area's module in views/ owns its urlpatterns; the URL names
are the contract between areas and with templates.

  oversight: oversight (the LCPPs' dashboard of every child in an s47 enquiry or on a plan, ?team=<MACPT team pk>)
  teams:     teams, team (pk), team_member_remove (pk, user_pk)
  strategy:  strategy_accept (work request pk), strategy_start (person pk), strategy (discussion pk),
             strategy_attendee_add, strategy_absence, strategy_information_add, strategy_share, strategy_pdf (pk),
             strategy_information_edit (information pk), strategy_decision (pk, StrategyChild pk)
  enquiries: s47 (enquiry pk), s47_seen, s47_information_add, s47_outcome (pk), s47_information_edit (information pk)
  conference: family_child_protection (family pk: its conferences and plans), conference_arrange (family pk;
             ?kind=review&child=<person pk>, ?enquiry=<s47 pk>), enquiry_conference (s47 pk: to the arranging page),
             conference, conference_invite, conference_attendance, conference_report_add, conference_minutes,
             conference_decide, conference_minutes_pdf, conference_family_pdf (conference pk), conference_report
             (conference pk, report pk), cp_plan, cp_plan_core_group, cp_plan_visit (plan pk)
  emergency: emergency_accept (emergency-action work request pk), emergency_action (pk), emergency_actions (person
             pk), emergency_action_create (person pk)
  pre_proceedings: pre_proceedings_for_child (person pk; POST starts), pre_proceedings (pk), pre_proceedings_steps
             (pk), pre_proceedings_meeting_add (pk), kinship_assessment_add (pk)
  harm_outside_home: harm_from_s47 (s47 pk), harm_from_conference (conference pk), harm_outside_home (pk),
             harm_person_add, harm_place_add, harm_action_add (pk; POST)
"""

from .views import conference, emergency, enquiries, harm_outside_home, oversight, pre_proceedings, strategy, teams

app_name = "macpt"

urlpatterns: list = [
    *oversight.urlpatterns,
    *teams.urlpatterns,
    *strategy.urlpatterns,
    *enquiries.urlpatterns,
    *conference.urlpatterns,
    *emergency.urlpatterns,
    *pre_proceedings.urlpatterns,
    *harm_outside_home.urlpatterns,
]
