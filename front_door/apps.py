from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "front_door"
    verbose_name = "Front door"

    def ready(self) -> None:
        """What the front door adds to the shared record (cases.registry)."""
        from cases import append_only
        from cases.models import Role
        from cases.registry import DataStep, NavEntry, registry

        from .models import Decision
        from .permissions import POLICY, WORK_CONTACTS
        from .services import DECISION_DEADLINE, contact_mark_breached

        # A decision is never edited or removed: a change is a new decision (migration 0002's triggers; the
        # application role is granted only SELECT and INSERT on it).
        append_only.register(Decision._meta.db_table)

        registry.register_deadline_breach_handler(app=self.label, kind=DECISION_DEADLINE, handler=contact_mark_breached)
        # The standing decision is a decision point: an FGDM offer is made at it (issue 15).
        from .decision_points import describe_decision

        registry.register_decision_point(app=self.label, model="front_door.Decision", describe=describe_decision)
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "Front door",
                    "front_door:queue",
                    POLICY[WORK_CONTACTS],
                    "contacts and referrals waiting for a decision",
                    order=100,
                ),
                NavEntry(
                    "Refer a child",
                    "front_door:partner_referral",
                    frozenset({Role.PARTNER_REFERRER}),
                    "tell the front door about a worry",
                    order=110,
                ),
                NavEntry(
                    "My referrals",
                    "front_door:my_referrals",
                    frozenset({Role.PARTNER_REFERRER}),
                    "what happened to the referrals you made",
                    order=120,
                ),
                NavEntry(
                    "Information requests",
                    "front_door:inbox",
                    frozenset({Role.PARTNER_REFERRER, Role.MACPT_MEMBER, Role.FHLP}),
                    "questions from the front door to your agency",
                    order=130,
                ),
                NavEntry(
                    "Front door dashboard",
                    "front_door:dashboard",
                    frozenset({Role.FRONT_DOOR_MANAGER, Role.MANAGER}),
                    "timeliness, overdue contacts, open requests",
                    order=140,
                ),
            ],
        )
        registry.register_policy(app=self.label, actions=POLICY)
        # Decisions are append-only; their seals make any change by the database's owner evident.
        registry.register_sealed_table(app=self.label, model="front_door.Decision", written_at="created_at")
        registry.register_demo_data(app=self.label, step=DataStep("front_door", seed_demo))
        registry.register_generated_data(app=self.label, step=DataStep("front_door", generate_dataset))


def seed_demo() -> dict:
    """The demo contacts in every state, after the demo families exist."""
    from .demo_data import seed_front_door_demo

    return seed_front_door_demo()


def generate_dataset(ctx) -> None:
    """Contacts, decisions, requests, episodes, chronology and deadlines, after the people exist."""
    from .datagen import generate_contacts

    generate_contacts(ctx)
