from django.apps import AppConfig

# Who has a work-request inbox: every role that receives a kind (cases and the strands register the kinds), and the
# LCPPs who close requests. Roles, not kinds, because the navigation is built before a strand's ready() runs.
WORK_REQUEST_RECEIVERS = frozenset(
    {"lcpp", "fhlp", "manager", "front_door_manager"}  # cases.models.Role values (models not loaded yet)
)


class CasesConfig(AppConfig):
    """The shared record: people, families, episodes, agencies, users and the audit trail."""

    name = "cases"
    verbose_name = "Shared record"

    def ready(self) -> None:
        """The shared record's own entries, registered the way every strand registers its own
        (cases.registry; README, "Adding a strand")."""
        # Session lifetime and revocation (issue 12 item 8): the session's clock starts at sign-in; disabling an
        # account ends its sessions and tokens.
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate, post_save

        from . import (
            checks,  # noqa: F401  (registers the system check of what the apps register)
            policy,
        )
        from .database_roles import grant_after_migrate
        from .middleware import session_stamp_sign_in
        from .models import User
        from .services.sessions import user_saved_receiver

        user_logged_in.connect(session_stamp_sign_in, dispatch_uid="ffp_session_stamp_sign_in")
        post_save.connect(user_saved_receiver, sender=User, dispatch_uid="ffp_user_sessions_end")
        from .models import Role
        from .registry import HomePanel, NavEntry, Prompt, registry
        from .views.prompts import work_requests_prompt
        from .views.work_requests import work_requests_panel

        everyone = frozenset(Role.values)
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry("Home", "home", None, order=0),
                NavEntry(
                    "Work requests",
                    "cases:work_requests",
                    WORK_REQUEST_RECEIVERS,
                    "hand-offs waiting for you to accept, with their due times",
                    order=50,
                ),
                NavEntry(
                    "Search people",
                    "cases:person_search",
                    everyone - policy.NO_RECORD,
                    "find a child or adult",
                    order=700,
                ),
                NavEntry(
                    "Workforce",
                    "cases:workforce",
                    policy.ROLE_ACTIONS[policy.WORKFORCE],
                    "practitioners' qualifications and hours, dated, for the FFP return",
                    order=790,
                ),
                NavEntry(
                    "Access audit", "cases:audit", policy.AUDIT_READERS, "who has looked at which record", order=800
                ),
                NavEntry(
                    "Retention",
                    "cases:retention",
                    policy.ROLE_ACTIONS[policy.MANAGE_RETENTION],
                    "retention rules, the disposal job's dry run, legal holds",
                    order=810,
                ),
                NavEntry(
                    "Restricted records",
                    "cases:restriction_reviews",
                    policy.ROLE_ACTIONS[policy.RESTRICT],
                    "who may see each restricted record, reviewed every 90 days",
                    order=820,
                ),
                NavEntry(
                    "Subject access",
                    "cases:subject_access_list",
                    policy.ROLE_ACTIONS[policy.SUBJECT_ACCESS],
                    "requests for a person's record, their clock and bundles; the disclosure decisions",
                    order=830,
                ),
                NavEntry(
                    "Privacy alerts",
                    "cases:privacy_alerts",
                    policy.ROLE_ACTIONS[policy.REVIEW_PRIVACY_ALERTS],
                    "break-glass access and curious-colleague alerts to review",
                    order=840,
                ),
                NavEntry(
                    "Notifications", "cases:notifications", everyone, "alerts, answers and outcomes for you", order=900
                ),
                NavEntry(
                    "Administration", "admin:index", frozenset({Role.ADMIN}), "users, agencies and teams", order=1000
                ),
            ],
        )
        registry.register_policy(app=self.label, actions=policy.ROLE_ACTIONS)
        # The audit is sealed in hash-chained batches (cases.services.seals): tamper evidence.
        registry.register_sealed_table(app=self.label, model="cases.AuditEvent", written_at="occurred_at")
        # The application database role's grants, after every migrate (cases.database_roles).
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="cases.grant_application_role")
        registry.register_prompt(
            app=self.label, prompt=Prompt("cases.work_requests", "person_detail", work_requests_prompt, order=100)
        )
        # The family's plan and its reviews are decision points: an FGDM offer is made at them (issue 15).
        from .decision_points import describe_plan, describe_review

        registry.register_decision_point(app=self.label, model="cases.Plan", describe=describe_plan)
        registry.register_decision_point(app=self.label, model="cases.Review", describe=describe_review)
        registry.register_home_panel(
            app=self.label,
            panel=HomePanel(
                "cases.work_requests",
                "cases/work_requests_panel.html",
                work_requests_panel,
                WORK_REQUEST_RECEIVERS,
                order=100,
            ),
        )
