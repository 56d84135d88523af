"""Every write in Family Help, one module per area (allocation, assessment, plan, continuum,
supervision); import from the area module, e.g. `from family_help.services.plan import plan_create`."""
