"""Family Help forms, one module per area."""
