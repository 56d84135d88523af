"""Multi-agency child protection: one module per concept (teams and strategy discussions, s47 enquiries,
conferences and plans, emergency action and pre-proceedings), re-exported here."""
