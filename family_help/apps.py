from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    name = "family_help"
    verbose_name = "Family help"

    def ready(self) -> None:
        """What Family Help adds to the shared record (cases.registry; README, "Adding a strand")."""
        from cases.models import Role, WorkRequest
        from cases.registry import DataStep, HomePanel, NavEntry, Prompt, WorkRequestKind, registry

        from .permissions import ALLOCATE, POLICY
        from .views.panels import family_prompt, waiting_list_panel

        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "My families",
                    "family_help:my_families",
                    # A partner referrer (a school DSL) may be in a team around a family: its plan is theirs to see.
                    frozenset({Role.FHLP, Role.PARTNER_PRACTITIONER, Role.PARTNER_REFERRER}),
                    "families you lead or help as part of the team around them",
                    order=200,
                ),
                NavEntry(
                    "Family Help allocations",
                    "family_help:allocations",
                    POLICY[ALLOCATE],
                    "families waiting for a lead practitioner",
                    order=210,
                ),
                NavEntry(
                    "Family Help team",
                    "family_help:team",
                    frozenset({Role.MANAGER}),
                    "caseloads by practitioner and what is overdue",
                    order=220,
                ),
                NavEntry(
                    "Supervision",
                    "family_help:supervision",
                    frozenset({Role.MANAGER, Role.FHLP}),
                    "reflective supervision of lead practitioners, and who is overdue",
                    order=230,
                ),
            ],
        )
        registry.register_policy(app=self.label, actions=POLICY)
        registry.register_work_request_kind(
            app=self.label,
            kind=WorkRequestKind(
                WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
                WorkRequest.Kind.FAMILY_HELP_ALLOCATION.label,
                POLICY[ALLOCATE],
                "family_help:allocate",
                "Allocate a lead practitioner",
            ),
        )
        registry.register_home_panel(
            app=self.label,
            panel=HomePanel(
                "family_help.waiting_list",
                "family_help/home_panel.html",
                waiting_list_panel,
                POLICY[ALLOCATE],
                order=200,
            ),
        )
        registry.register_prompt(
            app=self.label, prompt=Prompt("family_help.family", "person_detail", family_prompt, order=200)
        )
        registry.register_plan_review_interval(app=self.label, strand=self.label, days=plan_review_every_days)
        registry.register_plan_starting_point(app=self.label, strand=self.label, start=plan_start_from_assessment)
        # After the front door's: Family Help's records start from its decisions and episodes.
        registry.register_demo_data(app=self.label, step=DataStep("family_help", seed_demo, after=("front_door",)))
        registry.register_generated_data(
            app=self.label, step=DataStep("family_help", generate_dataset, after=("front_door",))
        )


def plan_review_every_days() -> int:
    """The usual gap between reviews of a plan Family Help leads: its admin setting."""
    from .models import FamilyHelpSettings

    return FamilyHelpSettings.load().review_every_days


def plan_start_from_assessment(family_case):
    """A plan Family Help leads starts from the family's authorised assessment."""
    from .selectors.assessment import plan_start_from_assessment as start

    return start(family_case)


def seed_demo() -> dict:
    """Allocations, assessments and plans for the demo families."""
    from .demo_data import seed_family_help_demo

    return seed_family_help_demo()


def generate_dataset(ctx) -> None:
    """Family Help's share of a generated data set."""
    from .datagen import generate_family_help

    generate_family_help(ctx)
