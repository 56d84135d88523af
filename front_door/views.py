"""Front-door pages: selector -> form -> one service -> redirect with a message.

Out of scope is 404, never 403: a page a user may not use does not exist for them, and a PermissionDenied
from a service becomes a 404 too. Every page that shows a child's data writes one read-audit row.
"""

import datetime as dt
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import policy
from cases.http import require
from cases.models import User
from cases.selectors import (
    council_teams,
    people_restricted_for_user,
    person_find_duplicates,
    person_get_for_user,
    person_ids_in_scope,
    rag_tag,
    user_find,
    users_with_role,
)
from cases.selectors.organisation import is_liaison
from cases.services import Conflict, InvalidTransition
from cases.web import RESTRICTED_LABEL, audit_shown, error_list, likely_duplicate_links, paginate
from cases.workdays import LONDON

from . import selectors, services
from .forms import (
    MAX_CHILDREN,
    MAX_HOUSEHOLD,
    SOURCE_FOR_AGENCY,
    AssignForm,
    ChildFormSet,
    DecisionForm,
    HouseholdFormSet,
    InformationRequestForm,
    MatchChooseForm,
    MatchCreateForm,
    MatchSearchForm,
    PartnerReferralForm,
    QueueFilterForm,
    ResponseForm,
    SignoffForm,
    StaffContactForm,
    outcome_hints,
    source_label,
)
from .models import (
    Contact,
    ContactChild,
    ContactStatus,
    Decision,
    DecisionSignoff,
    FrontDoorSettings,
    InformationRequest,
    Outcome,
    WorryCategory,
)
from .permissions import DASHBOARD, OWN_REFERRALS, SIGN_OFF, WORK_CONTACTS

PAGE_SIZE = 50
REFERRAL_SENT = "front_door.referral_sent"  # session key: show the confirmation panel once, after sending
_CHILD_ERROR = re.compile(r"^Child (\d+): (.*)$", re.DOTALL)


# --- small helpers -------------------------------------------------------------------------------------------


def _duration(hours: float) -> str:
    """'2 hours 5 minutes'; from two days on, whole days ('19 days')."""
    if abs(hours) >= 48:
        days = int(abs(hours) // 24)
        return f"{days} days"
    minutes = round(abs(hours) * 60)
    whole, rest = divmod(minutes, 60)
    parts = [f"{whole} hour{'' if whole == 1 else 's'}"] if whole else []
    if rest or not whole:
        parts.append(f"{rest} minute{'' if rest == 1 else 's'}")
    return " ".join(parts)


def _time_left(hours: float) -> str:
    return f"{_duration(hours)} overdue" if hours <= 0 else f"{_duration(hours)} left"


def _age_text(born: dt.date | None, today: dt.date) -> str:
    if born is None:
        return "age not known"
    if born > today:
        return "not yet born"
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if years < 1:
        months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
        return f"{months} month{'' if months == 1 else 's'}"
    return f"{years}"


def _first_name_and_age(child: ContactChild, today: dt.date, hidden: set[int]) -> str:
    """What a partner agency is shown of a child: a first name and an age, nothing more; for a restricted record
    the user is not on the list of, "Restricted record" only (what the referrer gave names the same child)."""
    if child.person_id in hidden:
        return RESTRICTED_LABEL
    person = child.person
    first = child.given_first_name
    born = child.given_date_of_birth
    if person is not None and not person.restricted:
        first, born = first or person.first_name, born or person.date_of_birth
    return f"{first or 'Name not known'}, {_age_text(born, today)}"


def _matched_ids(children) -> list[int]:
    return [c.person_id for c in children if c.person_id]


# --- the triage queue -----------------------------------------------------------------------------------------


def _queue_filters(values: dict, user: User) -> dict:
    assignee = values.get("assignee", "")
    filters = {"status": values.get("status", ""), "urgent": {"yes": True, "no": False}.get(values.get("urgent"))}
    if values.get("team"):
        filters["team_id"] = values["team"].pk
    if assignee == "me":
        filters["assignee_id"] = user.pk
    elif assignee == "unassigned":
        filters["unassigned"] = True
    elif assignee.isdigit():
        filters["assignee_id"] = int(assignee)
    return filters


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(selectors.is_front_door(user))
    staff = list(users_with_role(*policy.roles_for(WORK_CONTACTS)))
    teams = council_teams()
    statuses = [(s.value, s.label) for s in selectors.QUEUE_STATUSES]
    options = {"staff": staff, "teams": teams, "statuses": statuses}
    # Validate the filters, then show a fresh form with only the values that were valid: a stale or
    # hand-made link narrows nothing it cannot, and never becomes an error page.
    given = QueueFilterForm(request.GET, **options)
    given.is_valid()
    values = {k: v for k, v in given.cleaned_data.items() if v not in (None, "")}
    form = QueueFilterForm(initial=values, **options)

    contacts = selectors.contact_queue(user=user, **_queue_filters(values, user))
    pagination = paginate(request, contacts, per_page=PAGE_SIZE)
    rows = selectors.queue_rows(pagination.page.object_list, user=user)
    # Labels and links made here once: per-row template filters, includes and {% url %} were most of the page's
    # time at 50 rows (bench/run.py).
    base = reverse("front_door:queue")
    for row in rows:
        contact = row.contact
        received = contact.received_at.astimezone(LONDON)
        row.received_label = f"{received:%a} {received.day} {received:%b %H:%M}"
        row.time_left = _time_left(row.hours_left)
        row.rag_label, row.rag_class = rag_tag(row.rag)
        row.detail_url = f"{base}contacts/{contact.pk}/"
        row.assign_url = f"{base}contacts/{contact.pk}/assign/"
        row.mine = contact.assigned_to_id == user.pk
    audit_shown(
        request, "front_door_queue.viewed", [pid for row in rows for pid in _matched_ids(row.contact.children.all())]
    )
    return render(
        request,
        "front_door/queue.html",
        {
            "rows": rows,
            "page": pagination.page,
            "pagination": pagination,
            "form": form,
            "filtered": bool(values),
            "counts": selectors.queue_counts(user=user),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def contact_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    form = AssignForm(request.POST)
    value = form.cleaned_data["assignee"].strip() if form.is_valid() else "invalid"
    assignee = None
    if value == "me":
        assignee = user
    elif value.isdigit():
        assignee = user_find(user_id=int(value), active_only=True)
    if value not in ("", "me") and assignee is None:
        messages.error(request, "Choose a member of the front door to assign the contact to")
    else:
        try:
            services.contact_assign(contact=contact, actor=user, assignee=assignee)
        except (ValidationError, Conflict) as exc:  # Conflict: a colleague decided or assigned it meanwhile
            messages.error(request, " ".join(exc.messages))
        else:
            who = "you" if assignee == user else (assignee.full_name if assignee else "nobody")
            messages.success(request, f"Contact {contact.reference} is assigned to {who}")
    if request.POST.get("next") == "queue":
        query = QueryDict(request.POST.get("query", "")).urlencode()  # re-encoded: only ever our own path
        return redirect(reverse("front_door:queue") + (f"?{query}" if query else ""))
    return redirect("front_door:contact_detail", contact.pk)


# --- recording a contact (front door) and a referral (partners) -------------------------------------------


def _children_payload(formset) -> tuple[list[dict], list[int]]:
    """The children typed, leaving out blank ones ("Add another child" pressed and not used), and for each
    the position of its form, so that the service's "Child 2: ..." errors land on the right form."""
    children, positions = [], []
    for index, form in enumerate(formset.forms):
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        if data:
            children.append(data)
            positions.append(index)
    return children, positions


# Which child field a service's "Child N: ..." message belongs on, by the words it names.
_CHILD_ERROR_FIELDS = (
    ("date of birth", "given_date_of_birth"),
    ("first name", "given_first_name"),
    ("last name", "given_last_name"),
)


def _child_service_errors(formset, messages_: list[str], positions: list[int]) -> list[str]:
    """Put "Child N: ..." messages on that child's form; return what belongs to no one child."""
    general = []
    for message in messages_:
        match = _CHILD_ERROR.match(message)
        if match and int(match.group(1)) - 1 < len(positions):
            form = formset.forms[positions[int(match.group(1)) - 1]]
            text = match.group(2)
            field = next(
                (name for words, name in _CHILD_ERROR_FIELDS if words in text.lower()),
                "description",
            )
            form.add_error(field, text[0].upper() + text[1:])
        elif formset.forms and not positions:  # no child at all: ask on the first child's form
            formset.forms[0].add_error("given_first_name", message)
        else:
            general.append(message)
    return general


def _error_list(form, formset) -> list[tuple[str, str]]:
    """Every error on the page for one GOV.UK error summary, each linking to its field."""
    errors = error_list(form, anchor="main-content") + [("children", e) for e in formset.non_form_errors()]
    for number, child in enumerate(formset.forms, start=1):
        errors += error_list(child, anchor=f"child-{number}", label=f"Child {number}: ")
    return errors


def _contact_page(request: HttpRequest, *, staff: bool) -> HttpResponse:
    user = request.user
    form_class = StaffContactForm if staff else PartnerReferralForm
    template = "front_door/contact_form.html" if staff else "front_door/partner_referral.html"
    general_errors: list[str] = []
    household = _household_formset(request)
    if request.method == "POST" and ("add_child" in request.POST or "add_household" in request.POST):
        # One more blank child (or person in the household), and everything typed so far shown again (not checked
        # yet: nothing is lost, and nobody is told off for a form they have not finished).
        given, given_children = form_class(request.POST), ChildFormSet(request.POST, prefix="child")
        form = form_class(initial={name: given[name].value() for name in given.fields})
        rows = (
            [{name: child[name].value() for name in child.fields} for child in given_children.forms]
            if given_children.management_form.is_valid()
            else [{}]
        )
        extra_child = [{}] if "add_child" in request.POST else []
        formset = ChildFormSet(initial=[*rows, *extra_child][:MAX_CHILDREN], prefix="child")
        people = (
            [{name: person[name].value() for name in person.fields} for person in household.forms]
            if household.is_bound and household.management_form.is_valid()
            else []
        )
        extra_person = [{}] if "add_household" in request.POST else []
        household = HouseholdFormSet(initial=[*people, *extra_person][:MAX_HOUSEHOLD] or None, prefix="household")
    elif request.method == "POST":
        form, formset = form_class(request.POST), ChildFormSet(request.POST, prefix="child")
        household_valid = not household.is_bound or household.is_valid()
        if form.is_valid() & formset.is_valid() & household_valid:  # all checked, so that every error shows at once
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("received_date", "received_time", "idempotency_key")
            }
            children, positions = _children_payload(formset)
            try:
                contact, _ = services.contact_create(
                    actor=user,
                    data=data,
                    children=children,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    household=_household_payload(household),
                )
            except ValidationError as exc:
                found = dict(exc.message_dict) if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
                general_errors = _child_service_errors(formset, found.pop("children", []), positions)
                general_errors += found.pop("household", [])
                for key, texts in found.items():
                    name = "received_date" if key == "received_at" else key
                    form.add_error(name if name in form.fields else None, texts)
            else:
                if staff:
                    messages.success(request, f"Contact {contact.reference} recorded")
                    return redirect("front_door:contact_detail", contact.pk)
                request.session[REFERRAL_SENT] = contact.pk
                return redirect("front_door:my_referral", contact.pk)
    else:
        initial = {"idempotency_key": uuid.uuid4().hex}
        if staff:
            now = timezone.localtime(timezone.now(), LONDON)
            initial.update(received_date=now.date(), received_time=now.strftime("%H:%M"), channel="phone")
        else:
            initial.update(
                referrer_name=user.full_name,
                referrer_role=user.job_title,
                referrer_email=user.email,
                source_code=SOURCE_FOR_AGENCY.get(getattr(user.agency, "type", ""), ""),
            )
        form, formset = form_class(initial=initial), ChildFormSet(prefix="child")
    errors = [("children", e) for e in general_errors] + _error_list(form, formset)
    for number, person in enumerate(household.forms, start=1):
        errors += error_list(person, anchor=f"household-{number}", label=f"Person {number} in the household: ")
    return render(
        request,
        template,
        {
            "form": form,
            "formset": formset,
            "household": household,
            "errors": errors,
            "child_errors": general_errors,
            "can_add_child": formset.total_form_count() < MAX_CHILDREN,
            "can_add_household": household.total_form_count() < MAX_HOUSEHOLD,
        },
    )


def _household_formset(request: HttpRequest):
    """The household (issue 13 item 10): bound only when the page sent it (a post from before it was asked, or
    without it, is no household); one blank person to start with."""
    if request.method == "POST" and "household-TOTAL_FORMS" in request.POST:
        return HouseholdFormSet(request.POST, prefix="household")
    return HouseholdFormSet(prefix="household")


def _household_payload(household) -> list[dict]:
    """The people named, leaving out blank rows."""
    if not household.is_bound:
        return []
    return [
        {k: v for k, v in person.cleaned_data.items() if v not in (None, "")}
        for person in household.forms
        if not person.is_blank
    ]


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    require(selectors.is_front_door(request.user))
    return _contact_page(request, staff=True)


@login_required
@require_http_methods(["GET", "POST"])
def partner_referral(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, OWN_REFERRALS))
    return _contact_page(request, staff=False)


# --- one contact ------------------------------------------------------------------------------------------------


def _signoff_of(decision: Decision) -> DecisionSignoff | None:
    try:
        return decision.signoff  # select_related by the selector: no query
    except DecisionSignoff.DoesNotExist:
        return None


def _decision_rows(decisions: list[Decision]) -> list[dict]:
    """The decisions, newest first, each knowing whether a later one replaced it and where its sign-off is."""
    replaced = {d.supersedes_id for d in decisions if d.supersedes_id}
    rows = []
    for decision in reversed(decisions):
        rows.append({"decision": decision, "signoff": _signoff_of(decision), "superseded": decision.pk in replaced})
    return rows


def _rag_row(contact: Contact):
    if not contact.is_open or contact.decided_at is not None:  # the clock stopped at the decision
        return None
    row = selectors.queue_rows([contact])[0]
    row.time_left = _time_left(row.hours_left)
    return row


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    detail = selectors.contact_detail(contact=contact)
    children = detail["children"]
    matched = _matched_ids(children)
    # A restricted record's name, link and identifiers only for those on its list; the others see "Restricted
    # record", and not what the referrer gave either (it names the same child).
    visible = person_ids_in_scope(user=user, ids=matched)
    restricted_ids = people_restricted_for_user(user=user, people=[c.person for c in children])
    # What the record already knows about each matched child (issue 13 item 4): one scoped selector.
    context_rows = selectors.contact_triage_context(user=user, contact=contact, children=children, visible_ids=visible)
    siblings_shown = [s["person"].pk for row in context_rows for s in row.siblings if s["person"] is not None]
    audit_shown(request, "contact.viewed", list(dict.fromkeys(matched + siblings_shown)), target=contact)
    is_front_door = selectors.is_front_door(user)
    current = detail["current_decision"]
    can_sign_off = (
        policy.may(user, SIGN_OFF)
        and contact.status == ContactStatus.AWAITING_SIGNOFF
        and current is not None
        and current.signoff_required
        and _signoff_of(current) is None
    )
    categories = dict(WorryCategory.choices)
    return render(
        request,
        "front_door/contact_detail.html",
        {
            "contact": contact,
            "children": children,
            "visible_ids": visible,
            "restricted_ids": restricted_ids,
            "context_rows": context_rows,
            "withheld_worry": selectors.WITHHELD_WORRY,
            "information_requests": detail["information_requests"],
            "decision_rows": _decision_rows(detail["decisions"]),
            "current_decision": current,
            "rag": _rag_row(contact),
            "decided_in_time": contact.decided_at is not None and contact.decided_at <= contact.decision_due_at,
            "source": source_label(contact.source_code),
            "categories": [categories.get(c, c) for c in contact.categories],
            "is_front_door": is_front_door,
            "can_sign_off": can_sign_off,
            "staff": list(users_with_role(*policy.roles_for(WORK_CONTACTS)))
            if is_front_door and contact.is_open
            else [],
            "now": timezone.now(),
        },
    )


def _duplicates(user: User, details: dict) -> list:
    if not any(details.get(k) for k in ("first_name", "last_name", "date_of_birth", "nhs_number")):
        return []
    return person_find_duplicates(user=user, data=details)


def _hit_rows(hits, choose: MatchChooseForm, user: User) -> list[dict]:
    """Likely records as radio options (ids as Django names them, so the error summary links to the first), each
    flagged when another record offered is likely the same child (issue 13 item 13)."""
    chosen = str(choose["person"].value() or "")
    rows = []
    for hit in (h for h in hits if h.person is not None):
        index = len(rows)
        rows.append(
            {
                "person": hit.person,
                "score": round(hit.score * 100),
                "reasons": hit.reasons,
                "id": f"{choose['person'].auto_id}_{index}",
                "checked": chosen == str(hit.person.pk),
                "duplicates": likely_duplicate_links(hit, user),
            }
        )
    return rows


def _duplicate_warning(person, hits) -> str:
    """After a match or a new record: the records offered that are likely the same child as the one linked."""
    others = [
        other.person.la_child_id
        for hit in hits
        if hit.person is not None and hit.person.pk == person.pk
        for other in hit.likely_duplicates
    ]
    if not others:
        return ""
    return (
        f" This record may be the same child as {', '.join(others)}: compare them on the record's merge page"
        " (Merge a duplicate)."
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_child_match(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    user = request.user
    require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    child = selectors.contact_child_get(contact=contact, child_id=child_pk)
    # A child matched to a restricted record the user is not on the list of: not here (what was given names them).
    require(not people_restricted_for_user(user=user, people=[child.person]))
    given = {
        "first_name": child.given_first_name,
        "last_name": child.given_last_name,
        "date_of_birth": child.given_date_of_birth,
        "nhs_number": child.given_nhs_number,
        "postcode": child.given_postcode,
    }
    search = MatchSearchForm(request.GET or None, prefix="search")
    searched = search.is_bound and search.is_valid() and any(search.criteria().values())
    criteria = search.criteria() if searched else given
    hits = _duplicates(user, criteria)
    choose = MatchChooseForm(hits=hits, prefix="match")
    carried = services.contact_child_carried(contact_child=child)
    address = carried.pop("address") or {}
    create = MatchCreateForm(
        prefix="new",
        initial={
            **carried,
            "address_line1": address.get("line1", ""),
            "address_line2": address.get("line2", ""),
            "address_town": address.get("town", ""),
            "postcode": address.get("postcode", child.given_postcode),
            "sex": "U",
        },
    )
    action = request.POST.get("action")
    person = None
    if request.method == "POST" and action == "choose":
        choose = MatchChooseForm(request.POST, hits=hits, prefix="match")
        if choose.is_valid():
            person = person_get_for_user(user=user, person_id=choose.cleaned_data["person"])
            # The household named on the contact joins the matched record there (issue 13 item 10; nothing doubled).
            services.contact_child_link(contact_child=child, person=person, actor=user)
    elif request.method == "POST" and action == "create":
        create = MatchCreateForm(request.POST, prefix="new")
        if create.is_valid():
            details = create.person_data()
            # The details may have been corrected: check them for existing records again.
            hits = _duplicates(user, {**details, "postcode": child.given_postcode})
            choose = MatchChooseForm(hits=hits, prefix="match")
            if any(h.person for h in hits) and not create.cleaned_data["confirm_new"]:
                create.add_error(
                    "confirm_new",
                    "Records like this child already exist: choose one of them, or "
                    "confirm that none of them is this child",
                )
            else:
                try:
                    person = services.contact_child_create_and_link(contact_child=child, actor=user, data=details)
                except ValidationError as exc:
                    person = None
                    create.add_service_errors(exc, aliases=MatchCreateForm.ADDRESS_ALIASES)
    if person is not None:
        messages.success(
            request, f"{person.display_name} linked to contact {contact.reference}." + _duplicate_warning(person, hits)
        )
        return redirect("front_door:contact_detail", contact.pk)
    audit_shown(
        request, "contact_match.viewed", [h.person.pk for h in hits if h.person] + _matched_ids([child]), target=contact
    )
    errors = error_list(choose, anchor="main-content") + error_list(create, anchor="main-content")
    return render(
        request,
        "front_door/child_match.html",
        {
            "contact": contact,
            "child": child,
            "hit_rows": _hit_rows(hits, choose, user),
            "restricted_match": any(h.person is None for h in hits),
            "choose": choose,
            "create": create,
            "search": search,
            "searched": searched,
            "errors": errors,
            "show_confirm": any(h.person for h in hits),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    form = InformationRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.information_requests_send(
                contact=contact,
                actor=user,
                agencies=list(data["agencies"]),
                question=data["question"],
                due_at=data["due_at"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc, aliases={"due_at": "due_date"})
        else:
            messages.success(
                request,
                f"Information requested from {', '.join(str(r.agency) for r in sent)}: answers due "
                f"{timezone.localtime(sent[0].due_at, LONDON):%a %d %b %H:%M}",
            )
            return redirect("front_door:contact_detail", contact.pk)
    return render(
        request,
        "front_door/information_request_form.html",
        {"contact": contact, "form": form, "settings": FrontDoorSettings.current()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(selectors.is_front_door(user))
    contact = selectors.contact_get_for_user(user=user, contact_id=pk)
    detail = selectors.contact_detail(contact=contact)
    has_decision = detail["current_decision"] is not None
    settings = FrontDoorSettings.current()
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(contact=contact, actor=user, **form.service_arguments())
        except services.AlreadyDecided as exc:
            has_decision = True  # a colleague decided while this form was open: ask for the reason
            form.add_error("change_reason", str(exc))
        except InvalidTransition:  # a colleague moved the contact on while this form was open
            form.add_error(
                None,
                f"Contact {contact.reference} changed while you were deciding. Check the contact "
                "and record the decision again.",
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if decision.signoff_required:
                messages.success(
                    request, f"Decision recorded on contact {contact.reference}: waiting for a manager's sign-off"
                )
            else:
                messages.success(request, f"Decision recorded on contact {contact.reference}")
            return redirect("front_door:contact_detail", contact.pk)
    children = detail["children"]
    audit_shown(request, "decision_form.viewed", _matched_ids(children), target=contact)
    return render(
        request,
        "front_door/decision_form.html",
        {
            "contact": contact,
            "form": form,
            "has_decision": has_decision,
            "children": children,
            "unmatched": [c for c in children if not c.person_id],
            "current_decision": detail["current_decision"],
            "answers": [r for r in detail["information_requests"] if r.status == InformationRequest.Status.ANSWERED],
            "hints": outcome_hints(settings.signoff_outcomes),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(policy.may(user, SIGN_OFF))
    decision = selectors.decision_get(decision_id=pk)
    contact = selectors.contact_get_for_user(user=user, contact_id=decision.contact_id)
    superseded = selectors.decision_is_superseded(decision=decision)
    signoff = _signoff_of(decision)
    can_sign = decision.signoff_required and signoff is None and not superseded
    form = SignoffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and can_sign and form.is_valid():
        try:
            services.decision_signoff(decision=decision, actor=user, **form.cleaned_data)
        except Conflict as exc:  # replaced or signed off by someone else while this page was open
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"Decision on contact {contact.reference} signed off"
                if form.cleaned_data["agreed"]
                else f"Decision on contact {contact.reference} sent back to triage",
            )
            return redirect("front_door:contact_detail", contact.pk)
    children = selectors.contact_children(contact=contact)
    hidden = people_restricted_for_user(user=user, people=[c.person for c in children])
    audit_shown(request, "decision_signoff.viewed", _matched_ids(children), target=decision)
    return render(
        request,
        "front_door/signoff_form.html",
        {
            "decision": decision,
            "contact": contact,
            "children": children,
            "child_labels": [selectors.child_label(c, hidden) for c in children],
            "form": form,
            "can_sign": can_sign,
            "signoff": signoff,
            "superseded": superseded,
        },
    )


# --- partners: the inbox of information requests --------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user.agency_id is not None)
    show = request.GET.get("show") if request.GET.get("show") in ("open", "answered") else "open"
    requests = selectors.information_requests_for_agency(user=user, show="closed" if show == "answered" else "open")
    pagination = paginate(request, requests, per_page=PAGE_SIZE)
    today, clock = timezone.localdate(), selectors.Clock()
    hidden = selectors.contact_children_restricted(user=user, contacts=[r.contact for r in pagination.page.object_list])
    rows = [
        {
            "request": r,
            "children": [_first_name_and_age(c, today, hidden) for c in r.contact.children.all()],
            "rag": clock.request_rag(r),
        }
        for r in pagination.page.object_list
    ]
    audit_shown(
        request,
        "information_requests.viewed",
        [pid for r in pagination.page.object_list for pid in _matched_ids(r.contact.children.all())],
    )
    return render(
        request,
        "front_door/inbox.html",
        {
            "rows": rows,
            "page": pagination.page,
            "pagination": pagination,
            "show": show,
            "open_count": selectors.information_requests_for_agency(user=user).count(),
            "is_liaison": is_liaison(user=user, agency_id=user.agency_id),
            "liaison_team": user.agency.liaison_team,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    info = selectors.information_request_get_for_agency(user=user, request_id=pk)
    is_open = info.status == InformationRequest.Status.OPEN
    form = ResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            services.information_request_respond(request=info, actor=user, **form.decision(request.POST))
        except (ValidationError, Conflict) as exc:  # Conflict: a colleague answered it in between
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Your answer has been sent to the front door (contact {info.contact.reference})")
            return redirect("front_door:inbox")
    children = list(info.contact.children.all())
    # What the agency needs to find the child in its own systems (issue 13 item 11), within the restriction rules
    # and never a safe address: the selector decides what each child shows.
    identifiers = selectors.children_identifiers(user=user, children=children)
    audit_shown(request, "information_request.viewed", _matched_ids(children), target=info)
    return render(
        request,
        "front_door/information_request_respond.html",
        {
            "info": info,
            "form": form,
            "is_open": is_open,
            "children": [identifiers[c.pk] for c in children],
            "rag": selectors.Clock().request_rag(info),
        },
    )


# --- partners: their own referrals ---------------------------------------------------------------------------------


def _named_children(contact: Contact) -> list[str]:
    """The children as the referrer named them (a referrer never sees our records)."""
    return [c.given_name or "Child not named" for c in contact.children.all()]


@login_required
@require_GET
def my_referrals(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, OWN_REFERRALS))
    pagination = paginate(request, selectors.referrals_for_referrer(user=request.user), per_page=PAGE_SIZE)
    rows = [
        {"contact": c, "status": selectors.referral_status_for_referrer(c), "children": _named_children(c)}
        for c in pagination.page.object_list
    ]
    # The referrals name children (as the referrer gave them) and say what was decided: a read of child data.
    audit_shown(request, "referrals.viewed", selectors.linked_child_ids(pagination.page.object_list))
    return render(
        request, "front_door/my_referrals.html", {"rows": rows, "page": pagination.page, "pagination": pagination}
    )


@login_required
@require_GET
def my_referral(request: HttpRequest, pk: int) -> HttpResponse:
    require(policy.may(request.user, OWN_REFERRALS))
    contact = selectors.referral_get_for_referrer(user=request.user, contact_id=pk)
    just_sent = request.session.get(REFERRAL_SENT) == contact.pk
    if just_sent:
        del request.session[REFERRAL_SENT]
    audit_shown(request, "referral.viewed", selectors.linked_child_ids([contact]), target=contact)
    return render(
        request,
        "front_door/my_referral.html",
        {
            "contact": contact,
            "status": selectors.referral_status_for_referrer(contact),
            "just_sent": just_sent,
            "children": _named_children(contact),
        },
    )


# --- the dashboard ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(policy.may(request.user, DASHBOARD))
    now = timezone.now()
    figures = selectors.dashboard_figures(now=now)
    settings = FrontDoorSettings.current()
    timeliness = figures["timeliness"]
    overdue = [
        {"contact": c, "late_by": _duration((now - c.decision_due_at).total_seconds() / 3600)}
        for c in figures["overdue"]
    ]
    return render(
        request,
        "front_door/dashboard.html",
        {
            **figures,
            "overdue_rows": overdue,
            "settings": settings,
            "signoff_labels": [Outcome(o).label for o in settings.signoff_outcomes if o in Outcome.values],
            "timeliness_rows": [
                ("This week", timeliness["week"]),
                ("This month", timeliness["month"]),
                ("This quarter", timeliness["quarter"]),
            ],
        },
    )
