"""The family's plan and the CIN plan periods become the shared record's (issue 10): Plan, PlanVersion, Outcome,
OutcomeRating, Action, TafMember, Review and CinPlanPeriod, declared here on the tables that family_help's
migration 0003 renamed from family_help_* to cases_* (it runs first: run_before). State only: no row is copied.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_partner_practitioner_role"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Plan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("closed", "Closed")], default="active", max_length=8
                            ),
                        ),
                        ("worries", models.TextField(blank=True, help_text="What we are worried about.")),
                        ("working_well", models.TextField(blank=True, help_text="What is working well.")),
                        ("family_views", models.TextField(blank=True, help_text="What the family says.")),
                        ("professional_notes", models.TextField(blank=True, help_text="Not for the family.")),
                        ("next_review_on", models.DateField(blank=True, null=True)),
                        ("closed_on", models.DateField(blank=True, null=True)),
                        ("version", models.PositiveIntegerField(default=1)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "family_case",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT, related_name="plan", to="cases.familycase"
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Outcome",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("what_will_be_different", models.TextField()),
                        ("measure", models.TextField(help_text="How we will know: what is measured and by whom.")),
                        ("scale_max", models.PositiveSmallIntegerField(default=10)),
                        ("baseline", models.PositiveSmallIntegerField()),
                        ("target", models.PositiveSmallIntegerField()),
                        ("current", models.PositiveSmallIntegerField()),
                        ("not_for_family", models.BooleanField(default=False)),
                        ("achieved_on", models.DateField(blank=True, null=True)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "child",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plan_outcomes",
                                to="cases.person",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="outcomes", to="cases.plan"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["child_id", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="CinPlanPeriod",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("start_date", models.DateField()),
                        ("end_date", models.DateField(blank=True, null=True)),
                        (
                            "episode",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cin_plan_periods",
                                to="cases.episode",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cin_periods",
                                to="cases.plan",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["episode", "start_date"],
                    },
                ),
                migrations.CreateModel(
                    name="Action",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("description", models.TextField()),
                        ("due_on", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("not_started", "Not started"),
                                    ("in_progress", "In progress"),
                                    ("done", "Done"),
                                    ("dropped", "No longer needed"),
                                ],
                                default="not_started",
                                max_length=12,
                            ),
                        ),
                        ("progress", models.TextField(blank=True)),
                        ("not_for_family", models.BooleanField(default=False)),
                        ("completed_on", models.DateField(blank=True, null=True)),
                        ("version", models.PositiveIntegerField(default=1)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plan_actions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "owner_agency",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cases.agency"
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "outcome",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="actions",
                                to="cases.outcome",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="actions", to="cases.plan"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["due_on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveIntegerField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("reason", models.CharField(max_length=200)),
                        ("snapshot", models.JSONField()),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="cases.plan"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["plan", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="OutcomeRating",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("rating", models.PositiveSmallIntegerField()),
                        ("rated_on", models.DateField(default=django.utils.timezone.localdate)),
                        ("comment", models.TextField(blank=True)),
                        (
                            "outcome",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="ratings", to="cases.outcome"
                            ),
                        ),
                        (
                            "rated_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan_version",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ratings",
                                to="cases.planversion",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["outcome", "rated_on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("held_on", models.DateField()),
                        ("attendees", models.TextField(blank=True)),
                        ("summary", models.TextField()),
                        ("family_views", models.TextField(blank=True)),
                        ("next_review_on", models.DateField(blank=True, null=True)),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="reviews", to="cases.plan"
                            ),
                        ),
                        (
                            "plan_version",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="review",
                                to="cases.planversion",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["plan", "held_on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="TafMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "role",
                            models.CharField(
                                help_text="What they do for this family, e.g. health visitor.", max_length=200
                            ),
                        ),
                        ("added_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "added_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "agency",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cases.agency"
                            ),
                        ),
                        (
                            "family_case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="taf_members",
                                to="cases.familycase",
                            ),
                        ),
                        (
                            "removed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="taf_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["added_at"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="plan",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["active", "closed"])), name="plan_status_valid"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="outcome",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("baseline__lte", models.F("scale_max")),
                            ("target__lte", models.F("scale_max")),
                            ("current__lte", models.F("scale_max")),
                        ),
                        name="plan_outcome_ratings_on_scale",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="cinplanperiod",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("end_date__isnull", True)),
                        fields=("episode",),
                        name="one_open_cin_plan_per_episode",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="cinplanperiod",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("end_date__isnull", True), ("end_date__gte", models.F("start_date")), _connector="OR"
                        ),
                        name="cin_plan_dates_ordered",
                    ),
                ),
                migrations.AddIndex(
                    model_name="action",
                    index=models.Index(fields=["owner", "status"], name="plan_action_owner_idx"),
                ),
                migrations.AddConstraint(
                    model_name="action",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["not_started", "in_progress", "done", "dropped"])),
                        name="plan_action_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="planversion",
                    constraint=models.UniqueConstraint(fields=("plan", "number"), name="plan_version_unique"),
                ),
                migrations.AddConstraint(
                    model_name="tafmember",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("removed_at__isnull", True)),
                        fields=("family_case", "user"),
                        name="taf_member_once",
                    ),
                ),
            ],
        ),
    ]
