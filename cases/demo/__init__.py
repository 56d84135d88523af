"""Synthetic data for the demo council, in three parts:

- `names`: the synthetic names, addresses and identifiers (NHS numbers in the 999 test range, UPNs with
  LA code 999, postcodes in the made-up ZZ1-ZZ4 districts); cases.datagen draws from them too;
- `planning`: the council's agencies, teams and users, and the families, as pure data (`build_plan`);
- `writing`: the plan written through cases.services by the demo users (`seed_council`, `seed_families`).

Everything is fictional. `manage.py seed_demo` runs the writing, then each strand's own demo data.
"""

from .names import BACKGROUNDS, POSTCODE_DISTRICTS, STREETS, TOWN
from .planning import (
    ADMIN,
    FD_MANAGER,
    FGDM,
    FHLP_SW,
    FHLP_VCS,
    HEALTH,
    LCPP,
    MANAGER,
    OTHER_SCHOOL_DSL,
    POLICE,
    PRIVACY,
    SCHOOL_DSL,
    TEAMS,
    TRIAGE,
    USERS,
    FamilyPlan,
    build_plan,
)
from .writing import Council, SeedSummary, seed_council, seed_families

__all__ = [
    "ADMIN",
    "BACKGROUNDS",
    "FD_MANAGER",
    "FGDM",
    "FHLP_SW",
    "FHLP_VCS",
    "HEALTH",
    "LCPP",
    "MANAGER",
    "OTHER_SCHOOL_DSL",
    "POLICE",
    "POSTCODE_DISTRICTS",
    "PRIVACY",
    "SCHOOL_DSL",
    "STREETS",
    "TEAMS",
    "TOWN",
    "TRIAGE",
    "USERS",
    "Council",
    "FamilyPlan",
    "SeedSummary",
    "build_plan",
    "seed_council",
    "seed_families",
]
