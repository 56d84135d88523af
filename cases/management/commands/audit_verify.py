"""Recompute the seal chains of the audit and the other append-only tables (cases.services.seals) and report the
rows edited, inserted or deleted since they were sealed, and any seal changed, removed or inserted.

Exit status 0 when everything verifies, 1 on any sign of tampering. `--anchor HASH` (repeatable) checks that a seal
hash taken from the application log ("audit seal ... hash HASH") is still in a chain that verifies: a chain
rewritten from the start, or its latest seals removed, verifies on its own but has lost the logged hash.
"""

from django.core.management.base import BaseCommand, CommandError

from cases.services.seals import audit_verify


class Command(BaseCommand):
    help = "Verify the audit seals: report rows edited, inserted or deleted since sealing (exit 1 if any)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HASH",
            help="A seal hash from the application log that must still be in the chain (repeatable).",
        )
        parser.add_argument("--limit", type=int, default=50, help="Report at most this many findings (default 50).")

    def handle(self, *args, anchor: list[str], limit: int, **options):
        result = audit_verify(anchors=anchor)
        for stream, count in sorted(result.unsealed_rows.items()):
            self.stdout.write(f"{stream}: {count} rows not sealed yet")
        self.stdout.write(f"{result.seals} seals over {result.sealed_rows} rows checked; {len(anchor)} anchors")
        if result.ok:
            self.stdout.write(self.style.SUCCESS("No tampering found."))
            return
        for finding in result.findings[:limit]:
            self.stdout.write(f"TAMPERED {finding.stream or '-'} {finding.kind}: {finding.message}")
        if len(result.findings) > limit:
            self.stdout.write(f"... and {len(result.findings) - limit} more")
        raise CommandError(f"Tampering found: {len(result.findings)} findings (first: {result.findings[0].message})")
