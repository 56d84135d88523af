"""Forms for the continuum of need, visits and notes, and supervision. They check only the shape of what was
typed; the rules (which moves a level allows, dates against the episode) are the services' and come back as
field errors through add_service_errors."""

from django import forms

from cases.codes import closure_reason_choices, referral_source_choices
from cases.forms import CaseNoteForm, GovukDateField, GovukFormMixin
from cases.models import CaseNote, User

from ..selectors.continuum import CHILD_IN_NEED, EARLY_HELP, UNIVERSAL, ChildContinuum


def _children_choices(rows: list[ChildContinuum]) -> list[tuple[str, str]]:
    return [(str(r.person.pk), r.label) for r in rows if r.episode is not None]


class _ContinuumForm(GovukFormMixin, forms.Form):
    """The chosen children (those with an open episode in this family) and the state the page showed."""

    children = forms.MultipleChoiceField(
        label="Which children?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one child", "invalid_choice": "Select children of this family"},
    )
    state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows: list[ChildContinuum], locked: dict[int, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["children"].choices = _children_choices(rows)
        # Children this user may not step down or close (child protection is the LCPP's) are not offered; one
        # posted anyway is refused by the service with its reason, on this field.
        self.fields["children"].widget.choices = [c for c in _children_choices(rows) if int(c[0]) not in (locked or {})]

    def chosen_people(self) -> list:
        wanted = {int(pk) for pk in self.cleaned_data.get("children", [])}
        return [r.person for r in self.rows if r.person.pk in wanted]


_REASON = {"required": "Give the reason for the change"}


def _referral_source_field(label: str) -> forms.ChoiceField:
    """Census ReferralSource, asked when a child steps up from early help (a new referral); the service says
    when it is needed."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=lambda: [("", "Choose where the referral came from"), *referral_source_choices()],
        help_text="Needed when a child steps up from targeted early help: it is a new referral to children's social "
        "care for the CIN census",
        error_messages={"invalid_choice": "Choose where the referral came from (census referral source)"},
    )


def _closure_reason_field(label: str, help_text: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=lambda: [("", "Choose a reason"), *closure_reason_choices()],
        help_text=help_text,
        error_messages={"invalid_choice": "Choose a reason for closure (RC1 to RC9)"},
    )


class ChangeLevelForm(_ContinuumForm):
    to = forms.ChoiceField(
        label="Move to",
        widget=forms.RadioSelect,
        choices=[(EARLY_HELP, "Targeted early help"), (CHILD_IN_NEED, "Child in need (section 17)")],
        error_messages={
            "required": "Choose the new level of need",
            "invalid_choice": "Choose targeted early help or child in need",
        },
    )
    reason = forms.CharField(
        label="Why is the level changing?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages=_REASON,
    )
    changed_on = GovukDateField(
        label="Date of the change", required=False, help_text="Leave blank for today. For example, 27 3 2026"
    )
    referral_source = _referral_source_field("Where did the referral come from? (moving to child in need)")
    reason_code = _closure_reason_field(
        "Census reason for closure (moving back to targeted early help)",
        "Needed when a child leaves child in need: their referral to children's social care closes",
    )
    field_order = ["children", "to", "reason", "changed_on", "referral_source", "reason_code"]


class StepUpForm(_ContinuumForm):
    worry = forms.CharField(
        label="What is the worry?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        help_text="What has happened and what you are worried will happen. It goes to the MACPT "
        "with the family's details, so they do not have to ask again.",
        error_messages={"required": "Say what the worry is"},
    )
    reason = forms.CharField(
        label="Why does this need child protection now?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages=_REASON,
    )
    urgent = forms.BooleanField(label="Urgent: the strategy discussion is needed today", required=False)
    referral_source = _referral_source_field("Where did the referral come from? (stepping up from early help)")
    field_order = ["children", "worry", "reason", "urgent", "referral_source"]


class StepDownForm(_ContinuumForm):
    to = forms.ChoiceField(
        label="Step down to",
        widget=forms.RadioSelect,
        choices=[
            (CHILD_IN_NEED, "Child in need (section 17): the MACPT hands back to Family Help"),
            (EARLY_HELP, "Targeted early help"),
            (UNIVERSAL, "Universal services: Family Help ends and the episode closes"),
        ],
        error_messages={
            "required": "Choose the level to step down to",
            "invalid_choice": "Choose child in need, targeted early help or universal services",
        },
    )
    reason = forms.CharField(
        label="Why step down?", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, error_messages=_REASON
    )
    changed_on = GovukDateField(
        label="Date of the change", required=False, help_text="Leave blank for today. For example, 27 3 2026"
    )
    reason_code = _closure_reason_field(
        "Census reason for closure",
        "Needed when a child leaves child in need or child protection (to targeted early help or universal "
        "services): their referral to children's social care closes with it",
    )
    summary = forms.CharField(
        label="Closure summary (universal services only)",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed for the family and what universal services will do",
    )
    field_order = ["children", "to", "reason", "changed_on", "reason_code", "summary"]


class CloseForm(_ContinuumForm):
    reason_code = forms.ChoiceField(
        label="Reason for closure",
        choices=lambda: [("", "Choose a reason"), *closure_reason_choices()],
        error_messages={
            "required": "Choose a reason for closure (RC1 to RC9)",
            "invalid_choice": "Choose a reason for closure (RC1 to RC9)",
        },
    )
    summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        help_text="What changed for the family, what was achieved and who is still around them",
        error_messages={"required": "Enter the closure summary"},
    )
    closed_on = GovukDateField(
        label="Closure date",
        required=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the closure date"},
    )
    field_order = ["children", "reason_code", "summary", "closed_on"]


class FamilyNoteForm(CaseNoteForm):
    """A visit or case note about one child of the family, recorded in the Family Help strand."""

    child = forms.ChoiceField(
        label="Which child is it about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child", "invalid_choice": "Select a child of this family"},
    )
    field_order = ["child", "kind"]

    def __init__(self, *args, children: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        self.fields["child"].choices = [(str(c.pk), c.full_name) for c in children]
        self.order_fields(["child", "kind", "occurred_on", "occurred_time", "subject", "body"])

    def chosen_child(self):
        return next(c for c in self.children if str(c.pk) == self.cleaned_data["child"])

    def note_data(self) -> dict:
        return {**super().note_data(), "strand": "family_help"}


KIND_CHOICES = CaseNote.Kind.choices
ACTION_ROWS = 3


class SupervisionForm(GovukFormMixin, forms.Form):
    practitioner = forms.ModelChoiceField(
        label="Practitioner",
        queryset=User.objects.none(),
        empty_label="Choose a practitioner",
        error_messages={
            "required": "Choose the practitioner supervised",
            "invalid_choice": "Choose a Family Help Lead Practitioner",
        },
    )
    family_case = forms.ModelChoiceField(
        label="Family (for case supervision)",
        required=False,
        queryset=None,
        empty_label="Their whole caseload",
        help_text="Leave as the whole caseload for supervision not about one family",
        error_messages={"invalid_choice": "Choose a family from the list"},
    )
    held_on = GovukDateField(
        label="Date of the supervision",
        required=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the supervision"},
    )
    reflection = forms.CharField(
        label="Reflection",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="The family's progress, risks, the practitioner's analysis and wellbeing",
        error_messages={"required": "Enter the reflection: what was discussed"},
    )
    decisions = forms.CharField(
        label="Decisions", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=8000
    )
    next_due_on = GovukDateField(
        label="Next supervision due", required=False, help_text="Leave blank for the usual gap. For example, 27 3 2026"
    )

    def __init__(self, *args, practitioners, families, supervisor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = practitioners
        self.fields["family_case"].queryset = families
        self.supervisor = supervisor

    def action_rows(self) -> list[dict]:
        rows = []
        for n in range(1, ACTION_ROWS + 1):
            rows.append(
                {
                    "description": self[f"action_{n}_description"],
                    "owner": self[f"action_{n}_owner"],
                    "due_on": self[f"action_{n}_due_on"],
                    "number": n,
                }
            )
        return rows

    def actions(self) -> list[dict]:
        """The rows with anything entered, for the service (which says what is missing)."""
        data = self.cleaned_data
        practitioner = data.get("practitioner")
        out = []
        for n in range(1, ACTION_ROWS + 1):
            description = data.get(f"action_{n}_description", "")
            owner = data.get(f"action_{n}_owner", "")
            due = data.get(f"action_{n}_due_on")
            if not (description or due):
                continue
            out.append(
                {
                    "description": description,
                    "due_on": due,
                    "owner": self.supervisor if owner == "supervisor" else practitioner,
                }
            )
        return out

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "practitioner": data["practitioner"],
            "family_case": data.get("family_case"),
            "held_on": data["held_on"],
            "reflection": data["reflection"],
            "decisions": data.get("decisions", ""),
            "next_due_on": data.get("next_due_on"),
            "actions": self.actions(),
        }


# The action rows, as class fields so that the GOV.UK mixin styles them like the others.
for _n in range(1, ACTION_ROWS + 1):
    SupervisionForm.base_fields[f"action_{_n}_description"] = forms.CharField(
        label=f"Action {_n}", required=False, max_length=2000
    )
    SupervisionForm.base_fields[f"action_{_n}_owner"] = forms.ChoiceField(
        label=f"Action {_n}: who will do it",
        required=False,
        choices=[("practitioner", "The practitioner"), ("supervisor", "The supervisor (you)")],
        error_messages={"invalid_choice": f"Action {_n}: choose the practitioner or you"},
    )
    SupervisionForm.base_fields[f"action_{_n}_due_on"] = GovukDateField(
        label=f"Action {_n}: due", required=False, help_text="For example, 27 3 2026"
    )
