"""Every read of the child protection strand, scoped through cases.permissions (out of scope is a 404). One module per
concept, re-exported here."""
