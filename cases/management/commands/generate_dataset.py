"""Generate a synthetic data set at a council's scale (see cases/datagen.py)."""

import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from cases.datagen import SCALES, Context, generate_people, generate_workforce_history
from cases.registry import registry


class Command(BaseCommand):
    help = "Generate synthetic families, contacts and their history (small, large-la or national)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--part", type=int, default=0, help="For national: which part (0-based) this run is.")

    def handle(self, *args, scale: str, seed: int, part: int, **options):
        started = time.monotonic()
        call_command("seed_demo", "--no-families", stdout=self.stdout)  # agencies, teams, users to act
        ctx = Context(
            rng=random.Random(seed * 1000 + part),  # noqa: S311  (synthetic data)
            scale=SCALES[scale],
            today=timezone.localdate(),
        )
        with transaction.atomic():
            generate_people(ctx, part=part)
            # Each strand's share, after the steps it needs (cases.registry), so cases names no strand.
            for step in registry.generated_data_steps():
                step.run(ctx)
            # The workforce history of the practitioners the strands made (cases.datagen), after them all.
            generate_workforce_history(ctx)
        loaded = time.monotonic()
        with connection.cursor() as cursor:
            # What a council's database looks like after autovacuum has been by: hint bits set, visibility map
            # written (index-only scans), statistics current. Outside the load's transaction, as VACUUM must be.
            # (Called inside a transaction, as the tests do, only the statistics are refreshed.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        counts = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in ctx.counts.items() if k != "long_story_child")
        self.stdout.write(
            f"generated {scale} (seed {seed}): {counts}; long chronology on person "
            f"{ctx.counts.get('long_story_child')}; database {size}; "
            f"{time.monotonic() - started:.0f} s (loading {loaded - started:.0f} s, "
            f"VACUUM ANALYZE {time.monotonic() - loaded:.0f} s)"
        )
