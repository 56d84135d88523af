"""Every write in Family Help, one module per area (allocation, assessment, continuum, supervision); import
from the area module, e.g. `from family_help.services.allocation import allocation_create`. The family's plan,
which Family Help leads, is the shared record's: cases.services.plans."""
