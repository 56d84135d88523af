from django.apps import AppConfig


class MacptConfig(AppConfig):
    name = "macpt"
    verbose_name = "Multi-agency child protection"

    def ready(self) -> None:
        """What child protection adds to the shared record (cases.registry; README, "Adding a strand")."""
        from cases.models import Role, WorkRequest
        from cases.registry import WorkRequestKind, registry

        from .permissions import POLICY

        registry.register_policy(app=self.label, actions=POLICY)
        # The hand-offs the strand receives (the shared record received them itself until issue 14): LCPPs accept
        # strategy discussions and emergency action.
        for kind, action in (
            (WorkRequest.Kind.STRATEGY_DISCUSSION, "Accept the strategy discussion"),
            (WorkRequest.Kind.EMERGENCY_ACTION, "Take the emergency action"),
        ):
            registry.register_work_request_kind(
                app=self.label,
                kind=WorkRequestKind(kind, kind.label, frozenset({Role.LCPP}), "cases:work_request", action),
            )
