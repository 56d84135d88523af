from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "front_door"
    verbose_name = "Front door"

    def ready(self) -> None:
        from cases.services import DEADLINE_BREACH_HANDLERS

        from .services import DECISION_DEADLINE, contact_mark_breached

        DEADLINE_BREACH_HANDLERS[DECISION_DEADLINE] = contact_mark_breached

    def generate_dataset(self, ctx) -> None:
        """Called by `manage.py generate_dataset` after the people exist."""
        from .datagen import generate_contacts

        generate_contacts(ctx)

    def seed_demo(self) -> dict:
        """Called by `manage.py seed_demo` after the demo families exist."""
        from .demo_data import seed_front_door_demo

        return seed_front_door_demo()
