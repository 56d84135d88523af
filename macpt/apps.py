from django.apps import AppConfig


class MacptConfig(AppConfig):
    name = "macpt"
    verbose_name = "Multi-agency child protection"
