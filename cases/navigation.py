"""Navigation by role: one table, so each strand adds its entry when its pages exist."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .models import Role, User

ALL = frozenset(Role.values)


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str]
    description: str = ""


NAV: list[NavEntry] = [
    NavEntry("Home", "home", ALL),
    NavEntry("Front door", "front_door:queue", frozenset({Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER}),
             "contacts and referrals waiting for a decision"),
    NavEntry("Refer a child", "front_door:partner_referral", frozenset({Role.PARTNER_REFERRER}),
             "tell the front door about a worry"),
    NavEntry("My referrals", "front_door:my_referrals", frozenset({Role.PARTNER_REFERRER}),
             "what happened to the referrals you made"),
    NavEntry("Information requests", "front_door:inbox",
             frozenset({Role.PARTNER_REFERRER, Role.MACPT_MEMBER, Role.FHLP}),
             "questions from the front door to your agency"),
    NavEntry("Front door dashboard", "front_door:dashboard",
             frozenset({Role.FRONT_DOOR_MANAGER, Role.MANAGER}), "timeliness, overdue contacts, open requests"),
    NavEntry("My families", "family_help:my_families", frozenset({Role.FHLP, Role.PARTNER_PRACTITIONER}),
             "families you lead or help as part of the team around them"),
    NavEntry("Family Help allocations", "family_help:allocations",
             frozenset({Role.MANAGER, Role.FRONT_DOOR_MANAGER}), "families waiting for a lead practitioner"),
    NavEntry("Family Help team", "family_help:team", frozenset({Role.MANAGER}),
             "caseloads by practitioner and what is overdue"),
    NavEntry("Supervision", "family_help:supervision", frozenset({Role.MANAGER, Role.FHLP}),
             "reflective supervision of lead practitioners, and who is overdue"),
    NavEntry("Child protection", "macpt:oversight", frozenset({Role.LCPP, Role.MACPT_MEMBER}),
             "children in s47 enquiries or on a plan"),
    NavEntry("Family group decision making", "fgdm:referrals", frozenset({Role.FGDM_FACILITATOR}),
             "referrals and meetings you facilitate"),
    NavEntry("Search people", "cases:person_search",
             frozenset(ALL - {Role.PARTNER_REFERRER}), "find a child or adult"),
    NavEntry("Reports", "reporting:index", frozenset({Role.MANAGER, Role.FRONT_DOOR_MANAGER}),
             "dashboards and DfE returns"),
    NavEntry("Access audit", "cases:audit", frozenset({Role.PRIVACY_OFFICER}), "who has looked at which record"),
    NavEntry("Notifications", "cases:notifications", ALL, "alerts, answers and outcomes for you"),
    NavEntry("Administration", "admin:index", frozenset({Role.ADMIN}), "users, agencies and teams"),
]


def nav_for(user: User, current_path: str) -> list[dict]:
    """The entries this user's roles allow whose pages exist (a later issue adds the page and the
    entry appears)."""
    if not user.is_authenticated:
        return []
    items = []
    for entry in NAV:
        if entry.url_name != "home" and not user.has_role(*entry.roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "url": url, "current": current, "description": entry.description})
    return items
