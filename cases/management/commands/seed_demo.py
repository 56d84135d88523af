"""Demo data for a fictional council: agencies, teams, one user per role and 30+ synthetic families.

Safe to run again: agencies, teams and users are matched by name or email, team membership is put
right (a database seeded before teams had groups gets its groups and memberships), and a family whose
family case already exists is skipped (cases.demo_data).
"""

import os
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.demo_data import seed_families
from cases.models import Agency, AgencyType, NeedLevel, Qualification, Role, Team, User
from cases.services import audit_record, team_member_add

COUNCIL = settings.COUNCIL_NAME

AGENCIES = [
    # key, name, type, code
    ("csc", f"{COUNCIL} Council Children's Social Care", AgencyType.COUNCIL_SOCIAL_CARE, ""),
    ("eh", f"{COUNCIL} Council Early Help", AgencyType.COUNCIL_EARLY_HELP, ""),
    ("police", "Demoshire Constabulary", AgencyType.POLICE, ""),
    ("health", "Demo Community Health NHS Trust", AgencyType.HEALTH, ""),
    ("school_a", "Riverside Demo Primary School", AgencyType.EDUCATION, ""),
    ("school_b", "Hillview Demo Academy", AgencyType.EDUCATION, ""),
    ("vcs", "Demo Families Together (charity)", AgencyType.VOLUNTARY_SECTOR, ""),
]

TEAMS = [
    # key, name, agency key, multi-agency
    ("ifd", "Integrated Front Door", "csc", True),
    ("fh_north", "Family Help North", "eh", True),
    ("macpt", "Multi-Agency Child Protection Team", "csc", True),
    ("fgdm", "Family Group Decision Making Service", "eh", False),
    ("performance", "Performance and Quality", "csc", False),
    ("ig", "Information Governance", "csc", False),
    ("police_hub", "Police Safeguarding Hub", "police", False),
    ("health_safeguarding", "Health Safeguarding Team", "health", False),
    ("school_a_dsl", "Riverside Safeguarding", "school_a", False),
    ("school_b_dsl", "Hillview Safeguarding", "school_b", False),
    ("vcs_support", "Family Support Workers", "vcs", False),
]

SW, AQ = Qualification.SOCIAL_WORKER, Qualification.ALTERNATIVELY_QUALIFIED
USERS = [
    # email, name, job title, agency, teams, roles, qualification
    ("triage@demo.test", "Tara Triage", "Front door social worker", "csc", ["ifd"], [Role.TRIAGE_OFFICER], SW),
    ("frontdoor.manager@demo.test", "Frankie Doorway", "Front door team manager", "csc", ["ifd"],
     [Role.FRONT_DOOR_MANAGER, Role.TRIAGE_OFFICER], SW),
    ("fhlp@demo.test", "Robin Helper", "Family support worker", "vcs", ["fh_north", "vcs_support"], [Role.FHLP], AQ),
    ("sw.fhlp@demo.test", "Sam Casework", "Social worker", "eh", ["fh_north"], [Role.FHLP], SW),
    ("lcpp@demo.test", "Lee Protect", "Lead child protection practitioner", "csc", ["macpt"],
     [Role.LCPP, Role.MACPT_MEMBER], SW),
    ("police@demo.test", "Pat Constable", "Detective constable, safeguarding", "police", ["macpt", "police_hub"],
     [Role.MACPT_MEMBER, Role.PARTNER_REFERRER], ""),
    ("health@demo.test", "Hana Visitor", "Health visitor, safeguarding lead", "health",
     ["macpt", "health_safeguarding"], [Role.MACPT_MEMBER, Role.PARTNER_REFERRER], ""),
    ("school.dsl@demo.test", "Dana Lead", "Designated safeguarding lead", "school_a", ["school_a_dsl"],
     [Role.PARTNER_REFERRER], ""),
    ("other.school.dsl@demo.test", "Olly Lead", "Designated safeguarding lead", "school_b", ["school_b_dsl"],
     [Role.PARTNER_REFERRER], ""),
    ("fgdm@demo.test", "Fran Convenor", "Family group conference coordinator", "eh", ["fgdm"],
     [Role.FGDM_FACILITATOR], AQ),
    ("manager@demo.test", "Morgan Oversight", "Head of service", "csc", ["performance"], [Role.MANAGER], SW),
    ("privacy@demo.test", "Priya Records", "Information governance officer", "csc", ["ig"],
     [Role.PRIVACY_OFFICER], ""),
    ("admin@demo.test", "Alex Admin", "System administrator", "csc", ["performance"], [Role.ADMIN], ""),
]


class Command(BaseCommand):
    help = "Create the demo council, its agencies, teams, users and synthetic families (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true",
                            help="Set every demo user's password to DEMO_PASSWORD again.")
        parser.add_argument("--no-families", action="store_true",
                            help="Only the council, its agencies, teams and users: no synthetic families.")

    @transaction.atomic
    def handle(self, *args, reset_passwords: bool = False, no_families: bool = False, **options):
        password = os.environ.get("DEMO_PASSWORD") or ""
        if not password:
            if not (settings.DEBUG or settings.TESTING):
                raise CommandError("Set DEMO_PASSWORD: the built-in demo password is for development only.")
            password = settings.DEMO_PASSWORD_DEFAULT
        agencies = {}
        for key, name, kind, code in AGENCIES:
            agencies[key], _ = Agency.objects.get_or_create(name=name, defaults={"type": kind, "code": code})
        teams = {}
        for key, name, agency_key, multi in TEAMS:
            teams[key], _ = Team.objects.get_or_create(
                agency=agencies[agency_key], name=name, defaults={"multi_agency": multi}
            )
        # Migration 0003 creates these; get_or_create keeps the command whole on an emptied database.
        groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
        if not NeedLevel.objects.exists():  # likewise migration 0005's default continuum of need
            import_module("cases.migrations.0005_default_need_levels").create_levels(apps, None)
        created = 0
        users = {}
        for email, name, title, agency_key, _team_keys, roles, qualification in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=password, full_name=name, job_title=title,
                    agency=agencies[agency_key], qualification=qualification,
                    is_staff=Role.ADMIN in roles, is_superuser=Role.ADMIN in roles,
                )
                user.groups.set([groups[r] for r in roles])
                audit_record(actor=None, verb="user.created", target=user, reason="seed_demo")
                created += 1
            elif reset_passwords:
                user.set_password(password)
                user.save(update_fields=["password"])
            users[email] = user
        self._team_memberships(users, teams, actor=users["admin@demo.test"])
        summary = "" if no_families else f", {seed_families(teams=teams)}"
        if not no_families:
            # Each strand seeds its own demo records through an AppConfig hook, so cases imports no strand.
            for config in apps.get_app_configs():
                hook = getattr(config, "seed_demo", None)
                if hook is not None:
                    result = hook()
                    summary += ", " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items())
        self.stdout.write(
            f"demo data: {len(agencies)} agencies, {len(teams)} teams, {len(USERS)} users ({created} new){summary} "
            f"for {COUNCIL} (LA code {settings.COUNCIL_LA_CODE})"
        )

    @staticmethod
    def _team_memberships(users: dict[str, User], teams: dict[str, Team], actor: User) -> None:
        """Each demo user in their teams through the service, so every team has the group that holds the
        permissions granted to it. Only what is missing is added (and audited): a database seeded before
        teams had groups is put right, and a second run adds nothing."""
        for email, _name, _title, _agency, team_keys, _roles, _qualification in USERS:
            user = users[email]
            in_teams = set(user.teams.values_list("pk", flat=True))
            in_groups = set(user.groups.values_list("pk", flat=True))
            for key in team_keys:
                team = teams[key]
                if team.pk not in in_teams or team.group_id is None or team.group_id not in in_groups:
                    team_member_add(team=team, user=user, actor=actor)
