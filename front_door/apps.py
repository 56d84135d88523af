from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "front_door"
    verbose_name = "Front door"

    def ready(self) -> None:
        from cases.services import DEADLINE_BREACH_HANDLERS

        from .services import DECISION_DEADLINE, contact_mark_breached

        DEADLINE_BREACH_HANDLERS[DECISION_DEADLINE] = contact_mark_breached
