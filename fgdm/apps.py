from django.apps import AppConfig


class FgdmConfig(AppConfig):
    name = "fgdm"
    verbose_name = "Family group decision making"

    def ready(self) -> None:
        """What family group decision making adds to the shared record (cases.registry; README, "Adding a strand")."""
        from cases.models import Role, WorkRequest
        from cases.registry import DataStep, HomePanel, NavEntry, Prompt, WorkRequestKind, registry

        from .permissions import COUNTS, FACILITATE, OFFER, POLICY
        from .views.caseload import caseload_panel
        from .views.family_plan_prompt import family_plan_prompt
        from .views.panels import decision_point_prompt

        registry.register_policy(app=self.label, actions=POLICY)
        # The strand's inbox (issue 15 item 1): FGDM-offer requests to act on, offers awaiting the family's answer.
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "Family group decision making",
                    "fgdm:inbox",
                    POLICY[OFFER],
                    "family group decision making offers to make and answers awaited",
                    order=400,
                ),
            ],
        )
        # On each decision point's page (front door decision, the family's plan and its review, strategy discussion,
        # conference, pre-proceedings): offer FGDM there, or what the family answered.
        registry.register_prompt(
            app=self.label,
            prompt=Prompt("fgdm.decision_point", "decision_point", decision_point_prompt, POLICY[OFFER], order=100),
        )
        # The counts page (issue 15 item 7), for those the policy lets read it.
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "FGDM counts",
                    "fgdm:counts",
                    POLICY[COUNTS],
                    "offers by decision point, meetings, plans and reviews, and the pre-proceedings measures",
                    order=450,
                ),
            ],
        )
        # THE one selector of the pre-proceedings measures (issue 15 item 7): child protection's pre-proceedings
        # record and census module 5 (FGDMMeetingOffer, FGDMMeetingFac) and the quarterly return read it. Signature:
        # provide(records, *, model) -> Measures (episode id -> PPMeasure; .totals(first, last) -> PeriodMeasures),
        # records being PPFacts or mappings {id, start_date, lbp_sent_date, end_date} (or the instances), model the
        # records' label ("macpt.preproceedings"); batch, a fixed number of queries (fgdm.selectors.pre_proceedings).
        from .selectors.pre_proceedings import PROVIDER, pre_proceedings_measures

        registry.register_provider(app=self.label, name=PROVIDER, provide=pre_proceedings_measures)
        # The family's own plan, made at a meeting, on the family's one plan page (cases' "family_plan" slot).
        registry.register_prompt(
            app=self.label, prompt=Prompt(key="fgdm.family_plan", slot="family_plan", show=family_plan_prompt)
        )
        # The FGDM offer the record raises at decision points (the front door's decision, a strategy discussion's "no
        # s47"): the child's lead practitioner(s) make it (it was the shared record's own kind until issue 15), on the
        # offer page, which takes the request.
        registry.register_work_request_kind(
            app=self.label,
            kind=WorkRequestKind(
                WorkRequest.Kind.FGDM_OFFER,
                WorkRequest.Kind.FGDM_OFFER.label,
                frozenset({Role.FHLP, Role.LCPP}),
                "fgdm:offer_from_request",
                "Offer family group decision making",
                to_leads=True,
            ),
        )
        # An accepted offer referred to the FGDM service: a manager allocates an independent facilitator.
        registry.register_work_request_kind(
            app=self.label,
            kind=WorkRequestKind(
                WorkRequest.Kind.FGDM_REFERRAL,
                WorkRequest.Kind.FGDM_REFERRAL.label,
                frozenset({Role.MANAGER}),
                "fgdm:allocate",
                "Allocate a facilitator",
            ),
        )
        # The facilitator's caseload: the families allocated to them (before issue 15 they signed in to an empty page).
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "FGDM caseload",
                    "fgdm:caseload",
                    POLICY[FACILITATE],
                    "the families allocated to you, their stage and the next preparation step",
                    order=410,
                ),
            ],
        )
        registry.register_home_panel(
            app=self.label,
            panel=HomePanel("fgdm.caseload", "fgdm/caseload_panel.html", caseload_panel, POLICY[FACILITATE], order=410),
        )
        # A generated data set's offers, referrals, meetings and reviews: after child protection's (issue 15 item 8).
        registry.register_generated_data(app=self.label, step=DataStep("fgdm", generate_dataset, after=("macpt",)))
        # The demo's families at each FGDM stage, after child protection's demo (its pre-proceedings letter).
        registry.register_demo_data(app=self.label, step=DataStep("fgdm", seed_demo, after=("macpt",)))


def generate_dataset(ctx) -> None:
    """FGDM offers at the record's decision points, referrals, facilitation, meetings and reviews at England-like
    rates scaled to the council."""
    from .datagen import generate_fgdm

    generate_fgdm(ctx)


def seed_demo() -> dict:
    """The demo's families at each FGDM stage, through the strand's services."""
    from .demo_data import seed_fgdm_demo

    return seed_fgdm_demo()
