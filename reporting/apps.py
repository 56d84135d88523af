from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        """What reporting adds (cases.registry): its policy rows, the reports page in the navigation and the managers'
        home panel. Reporting reads every strand's selectors; nothing imports reporting."""
        from cases.registry import DataStep, HomePanel, NavEntry, registry

        from .permissions import DASHBOARDS, GRANT_LEDGER, POLICY, REPORTS
        from .views.panels import returns_panel

        registry.register_policy(app=self.label, actions=POLICY)
        # The demo's grant ledger (reporting/demo.py), after the strands' records.
        registry.register_demo_data(app=self.label, step=DataStep("reporting", seed_demo, after=("fgdm",)))
        registry.register_nav(
            app=self.label,
            entries=[
                NavEntry(
                    "Reports and returns",
                    "reporting:reports",
                    POLICY[REPORTS],
                    "the CIN census, the FFP quarterly return, Ofsted's Annex A and the exports",
                    order=800,
                ),
                NavEntry(
                    "Dashboards",
                    "reporting:dashboards",
                    POLICY[DASHBOARDS],
                    "charts of the front door, the child's journey, timescales, FGDM and caseloads",
                    order=810,
                ),
                NavEntry(
                    "Grant ledger",
                    "reporting:ledger",
                    POLICY[GRANT_LEDGER],
                    "grant allocations and spend by quarter, for the FFP quarterly return",
                    order=820,
                ),
            ],
        )
        registry.register_home_panel(
            app=self.label,
            panel=HomePanel(
                "reporting.returns", "reporting/returns_panel.html", returns_panel, POLICY[REPORTS], order=800
            ),
        )


def seed_demo() -> dict:
    from .demo import seed_ledger_demo

    return seed_ledger_demo()
