"""What Family Help plugs into the shared record: breach handlers for its deadlines, its demo data and
its part of the generated data set."""

# deadline kind -> callable(deadline), run in the sweep's transaction when that deadline is breached.
DEADLINE_BREACH_HANDLERS: dict = {}


def seed_demo() -> dict:
    from .demo_data import seed_family_help_demo

    return seed_family_help_demo()


def generate_dataset(ctx) -> None:
    from .datagen import generate_family_help

    generate_family_help(ctx)
