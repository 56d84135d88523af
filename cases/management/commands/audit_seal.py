"""Seal now what the periodic task (cases.tasks.audit_seal_task) would seal on its next run: e.g. before
`audit_verify`, or after loading a data set."""

from django.core.management.base import BaseCommand

from cases.services.seals import audit_seal


class Command(BaseCommand):
    help = "Seal the audit's (and the other append-only tables') committed rows not sealed yet."

    def add_arguments(self, parser):
        parser.add_argument("--delay", type=float, default=None, help="Seconds a row must be old (default: setting).")

    def handle(self, *args, delay: float | None, **options):
        seals = audit_seal(delay_seconds=delay)
        rows = sum(seal.row_count for seal in seals)
        self.stdout.write(f"{len(seals)} seals over {rows} rows")
        latest = {seal.stream: seal for seal in seals}
        for stream, seal in sorted(latest.items()):
            self.stdout.write(f"latest: {stream} ids {seal.first_id}-{seal.last_id} hash {seal.hash}")
