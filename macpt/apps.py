from django.apps import AppConfig


class MacptConfig(AppConfig):
    name = "macpt"
    verbose_name = "Multi-agency child protection"

    def ready(self) -> None:
        """What child protection adds to the shared record (cases.registry; README, "Adding a strand")."""
        from cases.models import Role, WorkRequest
        from cases.registry import DataStep, HomePanel, NavEntry, Prompt, WorkRequestKind, registry

        from .permissions import CHAIR, OVERSEE, POLICY
        from .views.oversight import oversight_panel
        from .views.panels import emergency_prompt, pre_proceedings_prompt
        from .views.plan_prompts import cp_plan_prompt
        from .views.prompts import child_protection_prompt, strategy_start_prompt

        registry.register_policy(app=self.label, actions=POLICY)
        # Its decision points: an FGDM offer is made at them (issue 15; the FGDM strand reads them via the registry).
        from .decision_points import describe_conference, describe_pre_proceedings, describe_strategy

        for model, describe in (
            ("macpt.StrategyDiscussion", describe_strategy),
            ("macpt.ChildProtectionConference", describe_conference),
            ("macpt.PreProceedings", describe_pre_proceedings),
        ):
            registry.register_decision_point(app=self.label, model=model, describe=describe)
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "Child protection oversight",
                    "macpt:oversight",
                    POLICY[OVERSEE],
                    "every child in an s47 enquiry or on a plan, and what is due next",
                    order=300,
                ),
            ],
        )
        # The LCPP's home page: how many children are in child protection and how many have an item overdue.
        registry.register_home_panel(
            app=self.label,
            panel=HomePanel(
                "macpt.oversight", "macpt/oversight_panel.html", oversight_panel, POLICY[OVERSEE], order=300
            ),
        )
        # On a child's record: the open s47 enquiry or the discussion to finish; an LCPP may start a discussion there.
        registry.register_prompt(
            app=self.label,
            prompt=Prompt("macpt.child_protection", "person_detail", child_protection_prompt, order=100),
        )
        # ... and the child's open child protection plan, or a conference arranged for them.
        registry.register_prompt(
            app=self.label,
            prompt=Prompt("macpt.cp_plan", "person_detail", cp_plan_prompt, order=110),
        )
        registry.register_prompt(
            app=self.label,
            prompt=Prompt("macpt.strategy_start", "person_detail", strategy_start_prompt, POLICY[CHAIR], order=400),
        )
        # The hand-offs the strand receives (the shared record received them itself until issue 14): LCPPs accept
        # strategy discussions and emergency action.
        for kind, url_name, action in (
            # Accepting a strategy-discussion request starts the discussion on macpt's own page.
            (WorkRequest.Kind.STRATEGY_DISCUSSION, "macpt:strategy_accept", "Accept the strategy discussion"),
            # Accepting an emergency-action request is recording the action taken (macpt/views/emergency.py).
            (WorkRequest.Kind.EMERGENCY_ACTION, "macpt:emergency_accept", "Take the emergency action"),
        ):
            registry.register_work_request_kind(
                app=self.label,
                kind=WorkRequestKind(kind, kind.label, frozenset({Role.LCPP}), url_name, action),
            )
        # On a child's record: emergency action and pre-proceedings (after Family Help's line).
        registry.register_prompt(
            app=self.label, prompt=Prompt("macpt.emergency", "person_detail", emergency_prompt, order=310)
        )
        registry.register_prompt(
            app=self.label, prompt=Prompt("macpt.pre_proceedings", "person_detail", pre_proceedings_prompt, order=320)
        )
        # After Family Help's: child protection's records start from the front door's decisions and episodes at the
        # child protection level (issue 14 item 12).
        registry.register_generated_data(
            app=self.label, step=DataStep("macpt", generate_dataset, after=("family_help",))
        )
        # After Family Help's demo allocations: the demo's child protection families taken to a stage each.
        registry.register_demo_data(app=self.label, step=DataStep("macpt", seed_demo, after=("family_help",)))


def generate_dataset(ctx) -> None:
    """Strategy discussions, s47 enquiries and what follows them, at England's rates scaled to the council."""
    from .datagen import generate_macpt

    generate_macpt(ctx)


def seed_demo() -> dict:
    """The demo's child protection families at each stage, through the strand's services."""
    from .demo_data import seed_macpt_demo

    return seed_macpt_demo()
