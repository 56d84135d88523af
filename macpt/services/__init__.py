"""Every write of the child protection strand, `<entity>_<verb>(*, ..., actor)`: permission first, audit in the same
transaction; the shared record is written through cases.services. One module per concept, re-exported here."""
