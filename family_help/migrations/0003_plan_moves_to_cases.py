"""The family's plan and the CIN plan periods move to the shared record (issue 10): Plan, PlanVersion, Outcome,
OutcomeRating, Action, TafMember, Review and CinPlanPeriod leave Family Help's models and become cases'.

No row is copied: the tables are renamed (family_help_plan -> cases_plan, ...), and with them their primary keys,
indexes, constraints and id sequences (a name starting family_help_ starts cases_; the explicitly named ones lose
their fh_ prefix, as the models now name them). Foreign keys, in and out, follow a renamed table by themselves.
Here Family Help forgets the models; cases' migration (which runs after this one: run_before) declares them on the
renamed tables. Reversible: back, the tables take their old names again.
"""

from django.db import migrations

TABLES = ["plan", "planversion", "outcome", "outcomerating", "action", "tafmember", "review", "cinplanperiod"]
# (table, name before, name after): constraints, or indexes where the constraint is a partial unique index.
NAMED = [
    ("plan", "fh_plan_status_valid", "plan_status_valid"),
    ("planversion", "fh_plan_version_unique", "plan_version_unique"),
    ("outcome", "fh_outcome_ratings_on_scale", "plan_outcome_ratings_on_scale"),
    ("action", "fh_action_owner_idx", "plan_action_owner_idx"),
    ("action", "fh_action_status_valid", "plan_action_status_valid"),
    ("tafmember", "fh_taf_member_once", "taf_member_once"),
    ("cinplanperiod", "fh_one_open_cin_plan_per_episode", "one_open_cin_plan_per_episode"),
    ("cinplanperiod", "fh_cin_plan_dates_ordered", "cin_plan_dates_ordered"),
]


def _rename_sql(old: str, new: str, *, forward: bool) -> str:
    """Rename the tables from prefix `old` to `new`, then everything of theirs whose name starts with `old`, then
    the explicitly named constraints and indexes."""
    tables = ", ".join(f"'{t}'" for t in TABLES)
    pairs = ", ".join(f"('{new}{t}', '{a if forward else b}', '{b if forward else a}')" for t, a, b in NAMED)
    cut = len(old) + 1
    return f"""
DO $$
DECLARE
    t text;
    r record;
    seq text;
BEGIN
    FOREACH t IN ARRAY ARRAY[{tables}] LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', '{old}' || t, '{new}' || t);
        FOR r IN SELECT conname AS name FROM pg_constraint
                 WHERE conrelid = ('{new}' || t)::regclass AND starts_with(conname, '{old}') LOOP
            EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', '{new}' || t, r.name,
                           '{new}' || substr(r.name, {cut}));
        END LOOP;
        FOR r IN SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE i.indrelid = ('{new}' || t)::regclass AND starts_with(c.relname, '{old}') LOOP
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.name, '{new}' || substr(r.name, {cut}));
        END LOOP;
        seq := pg_get_serial_sequence('{new}' || t, 'id');
        IF seq IS NOT NULL THEN
            EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', seq, '{new}' || t || '_id_seq');
        END IF;
    END LOOP;
    FOR r IN SELECT * FROM (VALUES {pairs}) AS v(tab, name, to_name) LOOP
        IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = r.tab::regclass AND conname = r.name) THEN
            EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', r.tab, r.name, r.to_name);
        ELSE
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.name, r.to_name);
        END IF;
    END LOOP;
END
$$;
"""  # noqa: S608  (our own table and constraint names)


class Migration(migrations.Migration):
    dependencies = [
        ("family_help", "0002_assessment_voice_not_gathered_reason"),
    ]
    run_before = [
        ("cases", "0008_family_plan"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    _rename_sql("family_help_", "cases_", forward=True),
                    reverse_sql=_rename_sql("cases_", "family_help_", forward=False),
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="Review"),
                migrations.DeleteModel(name="OutcomeRating"),
                migrations.DeleteModel(name="Action"),
                migrations.DeleteModel(name="CinPlanPeriod"),
                migrations.DeleteModel(name="TafMember"),
                migrations.DeleteModel(name="PlanVersion"),
                migrations.DeleteModel(name="Outcome"),
                migrations.DeleteModel(name="Plan"),
            ],
        ),
    ]
