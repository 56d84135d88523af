"""`manage.py retention_run [--dry-run]`: what the weekly disposal job would dispose of, and why (the dry run), or
the run itself (as the beat task does it)."""

from django.core.management.base import BaseCommand

from cases.services.retention import retention_due, retention_run


class Command(BaseCommand):
    help = "Dispose of the records the retention rules say are due (--dry-run: list them, with why, and change nothing)"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would go and why; dispose of nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            due = retention_due()
            for item in due:
                held = f" HELD by {', '.join(item.held_by)}" if item.held_by else ""
                merged = f" (with merged records {item.merged_ids})" if item.merged_ids else ""
                self.stdout.write(f"record {item.person_id}{merged}: due {item.due_on:%Y-%m-%d}; {item.why}{held}")
            going = sum(1 for item in due if not item.held_by)
            self.stdout.write(f"{going} would be disposed of; {len(due) - going} held.")
            return
        run = retention_run()
        self.stdout.write(f"Disposed of {run.disposed} records; {run.held} held.")
