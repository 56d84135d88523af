from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    name = "family_help"
    verbose_name = "Family help"

    def ready(self) -> None:
        from cases.services import DEADLINE_BREACH_HANDLERS

        from . import hooks

        DEADLINE_BREACH_HANDLERS.update(hooks.DEADLINE_BREACH_HANDLERS)

    def generate_dataset(self, ctx) -> None:
        """Called by `manage.py generate_dataset` after the people and front-door data exist."""
        from . import hooks

        hooks.generate_dataset(ctx)

    def seed_demo(self) -> dict:
        """Called by `manage.py seed_demo` after the demo families and contacts exist."""
        from . import hooks

        return hooks.seed_demo()
