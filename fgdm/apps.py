from django.apps import AppConfig


class FgdmConfig(AppConfig):
    name = "fgdm"
    verbose_name = "Family group decision making"
