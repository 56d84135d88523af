"""The disclosure inventory (issue 17 item 3, battery row B11): every path by which information leaves the service,
each recording a DisclosureDecision (cases.services.disclosure.disclosure_record).

Two kinds of path:
- a download (a PDF, a CSV, an export's file): its view carries `@disclosure_path(...)`, which registers it here and
  records the decision each time the file goes out. The fields (purpose, lawful basis, recipient, or "decided not
  to share" with the reason) come with the request: the decision form (`?decide=1` shows it) submits them to the
  download's own address (`?kind=...&purpose=...`); invalid, the form comes back with its messages and what was
  typed, and no file. A download without them records what its entry declares: a family-facing document
  (`recipient`: the family) as given to the family, any other as the user's own work (recipient: the user and their
  agency), with the entry's purpose and lawful basis, so that no file leaves unrecorded.
- a service (a partner's answer to an information request): registered with `register_service_path()`; the
  service records the decision in its own transaction.

tests/cases/test_disclosure_inventory.py walks INVENTORY (each path, once, creates one decision with purpose,
lawful basis and recipient; a not-shared decision with its reason) and checks by reading the code that every view
sending a file (pdf_response, attachment, a streamed download) is on it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .forms import GovukFormMixin
from .middleware import current_request_context
from .models import AuditEvent, DisclosureDecision, LawfulBasis


@dataclass(frozen=True)
class DisclosurePath:
    key: str  # the decision's what_type
    label: str  # what the user is sharing ("The family's version of the plan (PDF)")
    url_name: str = ""  # a download's URL name ("" for a service path)
    family_facing: bool = False  # a document for the family (its version of a plan, minutes, a letter)
    recipient: str = ""  # who receives it when the download comes without a decision ("" : the user themself)
    purpose: str = ""  # the internal use recorded when a download comes without a decision
    lawful_basis: str = LawfulBasis.PUBLIC_TASK_S17
    service: str = ""  # a service path: the function that records the decision


INVENTORY: dict[str, DisclosurePath] = {}


def _register(path: DisclosurePath) -> None:
    existing = INVENTORY.get(path.key)
    if existing is not None and existing != path:
        raise ValueError(f"Two disclosure paths share the key {path.key!r}")
    INVENTORY[path.key] = path


def register_service_path(**kwargs) -> DisclosurePath:
    path = DisclosurePath(**kwargs)
    _register(path)
    return path


SHARE_FIELDS = ("kind", "purpose", "lawful_basis", "recipient_name", "recipient_organisation", "reason")


class DisclosureForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Are you sharing it?",
        choices=[
            (DisclosureDecision.Kind.SHARED, "Yes, I am sharing it"),
            (DisclosureDecision.Kind.NOT_SHARED, "No, I have decided not to share it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you are sharing it or have decided not to share it"},
    )
    purpose = forms.CharField(
        label="What is it shared for?", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis", required=False, choices=[("", "Choose the lawful basis"), *LawfulBasis.choices]
    )
    recipient_name = forms.CharField(label="Who receives it (name)", required=False, max_length=200)
    recipient_organisation = forms.CharField(label="Their organisation", required=False, max_length=200)
    reason = forms.CharField(
        label="Why you decided not to share it",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        from .services.disclosure import disclosure_validate

        try:
            disclosure_validate(**{name: data.get(name) or "" for name in SHARE_FIELDS})
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


def _children_shown(request: HttpRequest, before: int) -> tuple[list[int], str, str]:
    """The children (and the target) the view's own read-audit rows named in this request: the decision is about
    exactly what the file showed."""
    context = current_request_context()
    rows = AuditEvent.objects.filter(pk__gt=before, actor_id=request.user.pk)
    if context is not None:
        rows = rows.filter(request_id=context.request_id)
    children: set[int] = set()
    target_type = target_id = ""
    for child_ids, t_type, t_id in rows.order_by("pk").values_list("child_ids", "target_type", "target_id"):
        children.update(child_ids)
        if t_type and not target_type:
            target_type, target_id = t_type, t_id
    return sorted(children), target_type, target_id


def _last_audit_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def disclosure_path(
    *,
    key: str,
    label: str,
    url_name: str,
    family_facing: bool = False,
    purpose: str = "",
    lawful_basis: str = LawfulBasis.PUBLIC_TASK_S17,
    recipient: str = "",
    recorded_by_view: bool = False,
) -> Callable:
    """Put a download view on the inventory: each file it gives records a DisclosureDecision."""
    entry = DisclosurePath(
        key=key,
        label=label,
        url_name=url_name,
        family_facing=family_facing,
        recipient=recipient or ("The family" if family_facing else ""),
        purpose=purpose or f"{label}: for the user's own work on the case",
        lawful_basis=lawful_basis,
    )
    _register(entry)

    def decorate(view: Callable) -> Callable:
        if recorded_by_view:
            # The view's own service records the decision (the subject access bundle: sar_bundle_send).
            view.disclosure_key = key  # type: ignore[attr-defined]
            return view

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            from .services.disclosure import disclosure_record

            given = any(request.GET.get(name) for name in SHARE_FIELDS)
            form = DisclosureForm(request.GET if given else None)
            before = _last_audit_id()
            # The view first: its scope check answers 404 for a record the user may not see, before any form.
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if not given and request.GET.get("decide"):
                return _form_page(request, entry, form, status=200)
            if given and not form.is_valid():
                return _form_page(request, entry, form, status=400)
            people, target_type, target_id = _children_shown(request, before)
            data = form.cleaned_data if given else {}
            user = request.user
            decision = disclosure_record(
                actor=user,
                kind=data.get("kind") or DisclosureDecision.Kind.SHARED,
                what_type=key,
                what_id=target_id or ":".join(str(v) for v in kwargs.values()),
                what_label=f"{label}{f' ({target_type} {target_id})' if target_type else ''}",
                person_ids=people,
                purpose=data.get("purpose", "") if given else entry.purpose,
                lawful_basis=data.get("lawful_basis", "") if given else entry.lawful_basis,
                recipient_name=data.get("recipient_name", "") if given else (entry.recipient or user.full_name),
                recipient_organisation=(
                    data.get("recipient_organisation", "")
                    if given
                    else ("" if entry.recipient else str(user.agency or ""))
                ),
                reason=data.get("reason", ""),
            )
            if decision.kind == DisclosureDecision.Kind.NOT_SHARED:
                return render(request, "cases/disclosure/not_shared.html", {"entry": entry, "decision": decision})
            response["X-Disclosure-Decision"] = str(decision.pk)
            return response

        wrapped.disclosure_key = key  # type: ignore[attr-defined]
        return wrapped

    return decorate


def _form_page(request: HttpRequest, entry: DisclosurePath, form: DisclosureForm, *, status: int) -> HttpResponse:
    return render(
        request,
        "cases/disclosure/decision_form.html",
        {
            "entry": entry,
            "form": form,
            "action": request.path,
            # The download's own parameters (a chronology's filters) go with the decision.
            "kept": [(k, v) for k, v in request.GET.items() if k not in SHARE_FIELDS and k != "decide"],
        },
        status=status,
    )
