from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    name = "family_help"
    verbose_name = "Family help"
