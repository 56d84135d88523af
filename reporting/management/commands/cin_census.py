"""`python manage.py cin_census --year 2025-26 --output FILE.xml`: the CIN census for a collection year, council-wide
(as a scheduled run reads), streamed to the file and checked against the year's schema."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from reporting.builders import current_collection_year
from reporting.census import validate_xsd, write_census
from reporting.census.xsd import year_start


class Command(BaseCommand):
    help = "Write the CIN census XML for a collection year (1 April to 31 March) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--year", help='The collection year, e.g. "2025-26" (default: the current one).')
        parser.add_argument("--output", required=True, help="The XML file to write.")
        parser.add_argument("--no-check", action="store_true", help="Skip the schema check after writing.")

    def handle(self, *args, year=None, output, no_check=False, **options):
        from django.utils import timezone

        year = year or current_collection_year(timezone.localdate())
        try:
            year_start(year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        started = time.monotonic()
        try:
            with open(output, "wb") as out:
                result = write_census(out, year=year, user=None)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"CIN census {year} ({result.schema}): {result.children} children, {result.cin_details} CINdetails, "
            f"{result.assessments} assessments, {result.cin_plans} CIN plans, {result.section47} s47, "
            f"{result.cp_plans} CP plans, {result.module5} module 5 blocks in {seconds:.1f}s -> {output}"
        )
        for kind, ids in result.unplaced.items():
            self.stdout.write(f"Left out (no referral holds it): {kind} for {len(ids)} children, e.g. {ids[:5]}")
        if not no_check:
            errors = validate_xsd(output, year)
            if errors:
                for line in errors[:20]:
                    self.stderr.write(line)
                self.stderr.write(f"{len(errors)} schema errors")
                sys.exit(1)
            self.stdout.write("Valid against the schema.")
