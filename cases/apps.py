from django.apps import AppConfig


class CasesConfig(AppConfig):
    """The shared record: people, families, episodes, agencies, users and the audit trail."""

    name = "cases"
    verbose_name = "Shared record"
