"""forms of the FGDM strand (README, "Adding a strand")."""
