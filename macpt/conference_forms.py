"""Forms for conferences and child protection plans. They check the shape of what was typed; the rules (working
days, the chair, categories, the plan's dates) live in macpt.services, whose ValidationErrors the views add back."""

from django import forms

from cases.forms import GovukDateField, GovukFormMixin
from cases.models import Role, User, VisibilityTag

from .models import ENDS_WITHOUT_CONFERENCE, CategoryOfAbuse, ConferenceKind, InviteeAttendance, PlanEndReason

_YES_NO = [("yes", "Yes"), ("no", "No")]


_CLASSES = (
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
)


def _style_added(form: forms.Form) -> None:
    """GOV.UK classes for fields added after GovukFormMixin.__init__ styled the declared ones (per-row fields)."""
    for field in form.fields.values():
        if "govuk-" in field.widget.attrs.get("class", ""):
            continue
        css = next((c for w, c in _CLASSES if isinstance(field.widget, w)), "govuk-input")
        field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class ConferenceArrangeForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of conference",
        choices=ConferenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of conference"},
    )
    date = GovukDateField(label="Date of the conference", help_text="A working day. For example, 19 12 2025")
    children = forms.MultipleChoiceField(
        label="Which children is it about?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the children the conference is about"},
    )
    chair = forms.ChoiceField(label="Chair (an LCPP who does not lead the case)", required=False)
    independent_chair_name = forms.CharField(label="Or the independent chair's name", required=False, max_length=200)
    expected_birth_date = GovukDateField(label="Expected date of birth (unborn child)", required=False)
    transferring_council = forms.CharField(
        label="Council the plan comes from (transfer in)", required=False, max_length=200
    )
    previous_plans_elsewhere = forms.IntegerField(
        label="Child protection plans the child had elsewhere (transfer in)",
        required=False,
        min_value=0,
        max_value=50,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter a whole number", "min_value": "Enter 0 or more"},
    )

    def __init__(self, *args, children, chairs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(c.pk), c.full_name) for c in children]
        self.fields["chair"].choices = [("", "Choose an LCPP")] + [(str(u.pk), u.full_name) for u in chairs]
        self._chairs = {str(u.pk): u for u in chairs}

    def chosen_chair(self) -> User | None:
        return self._chairs.get(self.cleaned_data.get("chair") or "")


def lcpp_choices():
    return User.objects.filter(groups__name=Role.LCPP, is_active=True).order_by("full_name").distinct()


class InviteeForm(GovukFormMixin, forms.Form):
    family_member = forms.ChoiceField(label="A family member from the child's network", required=False)
    practitioner = forms.ChoiceField(label="Or a practitioner", required=False)
    name = forms.CharField(label="Or the name of someone else invited", required=False, max_length=200)
    agency = forms.ChoiceField(label="Their agency", required=False)
    role = forms.CharField(label="Their role", required=False, max_length=200, help_text="For example, mother, teacher")

    def __init__(self, *args, people, practitioners, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_member"].choices = [("", "Choose a family member")] + [
            (str(p.pk), p.full_name) for p in people
        ]
        self.fields["practitioner"].choices = [("", "Choose a practitioner")] + [
            (str(u.pk), f"{u.full_name} ({u.agency})") for u in practitioners
        ]
        self.fields["agency"].choices = [("", "Choose an agency")] + [(str(a.pk), a.name) for a in agencies]
        self._people = {str(p.pk): p for p in people}
        self._users = {str(u.pk): u for u in practitioners}
        self._agencies = {str(a.pk): a for a in agencies}

    def invitee_data(self) -> dict:
        data = self.cleaned_data
        return {
            "person": self._people.get(data.get("family_member") or ""),
            "user": self._users.get(data.get("practitioner") or ""),
            "agency": self._agencies.get(data.get("agency") or ""),
            "name": data.get("name") or "",
            "role": data.get("role") or "",
        }


class AttendanceForm(GovukFormMixin, forms.Form):
    def __init__(self, *args, invitees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        for invitee in self.invitees:
            self.fields[f"attendance_{invitee.pk}"] = forms.ChoiceField(
                label=f"{invitee.name}" + (f" ({invitee.role})" if invitee.role else ""),
                choices=InviteeAttendance.choices,
                initial=invitee.attendance,
                widget=forms.RadioSelect,
            )
        _style_added(self)

    @property
    def rows(self):
        return [self[f"attendance_{i.pk}"] for i in self.invitees]

    def attendance(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data[f"attendance_{i.pk}"] for i in self.invitees}


class ReportForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Your agency's report",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Write the report"},
    )
    tags = forms.MultipleChoiceField(
        label="Information tags",
        required=False,
        choices=[
            (VisibilityTag.THIRD_PARTY, "Third-party information"),
            (VisibilityTag.NOT_FOR_FAMILY, "Not to be shared with the family"),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Police and health reports carry their agency's tag whatever is chosen here",
    )


class MinutesForm(GovukFormMixin, forms.Form):
    family_views = forms.CharField(
        label="What the family and the children say",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In their own words where possible",
    )
    minutes = forms.CharField(
        label="Minutes (shared with the family)", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    minutes_not_for_family = forms.CharField(
        label="Minutes not for the family",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Never in the family's version",
    )


STEP_DOWN_CHOICES = [
    ("child_in_need", "Child in need (the child remains in need)"),
    ("early_help", "Targeted early help"),
]


class DecisionForm(GovukFormMixin, forms.Form):
    """One group of fields per child: the decision (plan or not / the plan goes on or ends), the category, why;
    at a review that ends the plan, the end reason and where the child steps down to."""

    def __init__(self, *args, rows, review: bool, reason_codes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows, self.review = list(rows), review
        for row in self.rows:
            pid, name = row.person_id, row.person.full_name
            self.fields[f"plan_{pid}"] = forms.ChoiceField(
                label=(
                    f"Does {name}'s child protection plan continue?"
                    if review
                    else f"Does {name} need a child protection plan?"
                ),
                choices=_YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": f"Record the decision for {name}"},
            )
            self.fields[f"category_{pid}"] = forms.ChoiceField(
                label=f"Category of abuse for {name}",
                choices=[("", "Choose a category")] + list(CategoryOfAbuse.choices),
                required=False,
            )
            self.fields[f"reason_{pid}"] = forms.CharField(
                label=f"Why (for {name})", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            if review:
                self.fields[f"end_reason_{pid}"] = forms.ChoiceField(
                    label=f"If the plan ends: why ({name})",
                    choices=[("", "Choose a reason")] + list(PlanEndReason.choices),
                    required=False,
                )
                self.fields[f"step_down_to_{pid}"] = forms.ChoiceField(
                    label=f"If the plan ends: {name} steps down to",
                    choices=STEP_DOWN_CHOICES,
                    required=False,
                    initial="child_in_need",
                    widget=forms.RadioSelect,
                )
                self.fields[f"reason_code_{pid}"] = forms.ChoiceField(
                    label=f"Census reason for closure, if {name} leaves child in need",
                    choices=[("", "Not leaving child in need")] + list(reason_codes),
                    required=False,
                )

        _style_added(self)

    def groups(self):
        out = []
        for row in self.rows:
            pid = row.person_id
            names = ["plan", "category", "reason"] + (
                ["end_reason", "step_down_to", "reason_code"] if self.review else []
            )
            out.append({"row": row, "fields": {n: self[f"{n}_{pid}"] for n in names}})
        return out

    def decisions(self) -> dict[int, dict]:
        data = self.cleaned_data
        result = {}
        for row in self.rows:
            pid = row.person_id
            result[pid] = {
                "plan": _yes_no(data.get(f"plan_{pid}")),
                "category": data.get(f"category_{pid}") or "",
                "reason": data.get(f"reason_{pid}") or "",
            }
            if self.review:
                result[pid].update(
                    end_reason=data.get(f"end_reason_{pid}") or PlanEndReason.NO_LONGER_AT_RISK,
                    step_down_to=data.get(f"step_down_to_{pid}") or "child_in_need",
                    reason_code=data.get(f"reason_code_{pid}") or "",
                )
        return result


class CoreGroupForm(GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of the core group", help_text="For example, 7 1 2026")
    attendees = forms.CharField(
        label="Who came",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Names and agencies",
        error_messages={"required": "Say who came, with their agency"},
    )
    apologies = forms.CharField(label="Apologies", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label="What was agreed", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    actions = forms.MultipleChoiceField(
        label="Actions on the family's plan reviewed or agreed", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, actions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._actions = {str(a.pk): a for a in actions}
        self.fields["actions"].choices = [
            (str(a.pk), f"{a.description} ({a.owner.full_name}, by {a.due_on:%-d %B %Y})") for a in actions
        ]

    def chosen_actions(self):
        return [self._actions[k] for k in self.cleaned_data.get("actions") or [] if k in self._actions]


class VisitForm(GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of the visit", help_text="For example, 12 1 2026")
    seen = forms.ChoiceField(
        label="Was the child seen?",
        choices=_YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the child was seen"},
    )
    seen_alone = forms.ChoiceField(
        label="Was the child seen alone?", choices=_YES_NO, widget=forms.RadioSelect, required=False
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def visit_data(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data.get("date"),
            "seen": _yes_no(data.get("seen")),
            "seen_alone": _yes_no(data.get("seen_alone")),
            "notes": data.get("notes") or "",
        }


class PlanEndForm(GovukFormMixin, forms.Form):
    """Ending a plan without a conference (an LCPP's): the statutory reason and the date."""

    end_reason = forms.ChoiceField(
        label="Why does the plan end?",
        choices=[(r.value, r.label) for r in ENDS_WITHOUT_CONFERENCE],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the plan ends"},
    )
    end_date = GovukDateField(label="Date the plan ends", help_text="For example, 12 1 2026")
    details = forms.CharField(
        label="Details (optional)",
        help_text="For example, the council the family moved to",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
