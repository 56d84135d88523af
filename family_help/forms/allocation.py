"""Forms for allocating a lead practitioner and changing the lead: they check the shape of what was chosen;
who may lead a family (an active Family Help Lead Practitioner) is the service's rule."""

from django import forms

from cases.forms import GovukFormMixin
from cases.models import Qualification, Team, User


def practitioner_label(user: User) -> str:
    qualification = {
        Qualification.SOCIAL_WORKER: "social worker",
        Qualification.ALTERNATIVELY_QUALIFIED: "alternatively qualified",
    }.get(user.qualification, "qualification not recorded")
    families = getattr(user, "families", 0)
    children = getattr(user, "children", 0)
    return (
        f"{user.full_name}, {user.agency or 'no agency'} ({qualification}): leads {families} "
        f"famil{'y' if families == 1 else 'ies'}, {children} child{'' if children == 1 else 'ren'}"
    )


class LeadChoiceField(forms.TypedChoiceField):
    """A practitioner by id, offered as radios with their caseload; an id not offered is refused with a
    message that says what to do."""

    def __init__(self, **kwargs) -> None:
        super().__init__(coerce=int, widget=forms.RadioSelect, empty_value=None, **kwargs)


class AllocateForm(GovukFormMixin, forms.Form):
    lead = LeadChoiceField(
        label="Who will be the family's lead practitioner?",
        help_text="Family Help Lead Practitioners from every agency, with the families and children they lead now.",
        error_messages={
            "required": "Choose a lead practitioner",
            "invalid_choice": "Choose a Family Help Lead Practitioner from the list",
        },
    )
    reason = forms.CharField(
        label="Why this practitioner? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, practitioners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.practitioners = list(practitioners)
        self.fields["lead"].choices = [(p.pk, practitioner_label(p)) for p in self.practitioners]


class ChangeLeadForm(AllocateForm):
    reason = forms.CharField(
        label="Why is the lead practitioner changing?",
        max_length=2000,
        help_text="The family's history keeps the reason with the dates.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for changing the lead practitioner"},
    )
    current_allocation = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, current_lead_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].label = "Who will be the new lead practitioner?"
        self.fields["lead"].choices = [c for c in self.fields["lead"].choices if c[0] != current_lead_id]


class TeamFilterForm(GovukFormMixin, forms.Form):
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, *args, teams=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All Family Help Lead Practitioners")] + [
            (str(t.pk), t.name) for t in teams
        ]

    @staticmethod
    def teams_for(user: User):
        return Team.objects.filter(members=user).order_by("name")
