"""One way to change a record's state, one way to edit it, and one family of refusals when someone else got
there first (CONVENTIONS section 3: healthchecks' conditional UPDATE; no FSM library).

- `transition(obj, to=...)`: the move must be one the model declares in `TRANSITIONS`, and the row must still
  be in the state this request read. If a colleague moved it first no row matches, and the later request is
  refused (InvalidTransition), never applied on top of theirs.
- `versioned_update(obj, expected_version=..., changes=...)`: an edit based on an older version than the one
  stored is refused (StaleEdit), never merged.
- `compare_and_set(obj, expect=..., changes=...)`: the primitive under both, for a row without a version
  (an assignment must not land on a contact that was decided meanwhile).

Every refusal is a `Conflict` that carries the values stored now (`current`): the API answers 409 with them
(412 when the request named a version with If-Match), and a page shows the differences.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone


class Conflict(Exception):
    """The record is not as this request assumed: someone changed it first, or its state no longer allows
    this. `current` holds the values stored now (field -> value); `model_name` and `pk` say which record."""

    default_message = (
        "Someone else changed this record while you were working on it. Nothing has been saved: "
        "check what it says now, then try again."
    )

    def __init__(self, message: str = "", *, current: dict | None = None, obj: models.Model | None = None) -> None:
        super().__init__(message or self.default_message)
        self.current: dict[str, Any] = dict(current or {})
        self.model_name = obj._meta.model_name if obj is not None else ""
        self.pk = obj.pk if obj is not None else None

    @property
    def messages(self) -> list[str]:
        """As ValidationError.messages, for a form's non-field errors."""
        return [str(self)]


class InvalidTransition(Conflict):
    """A workflow was asked to move from a state that does not allow it (or a colleague moved it first)."""

    def __init__(self, old: str, new: str, message: str = "", **kwargs) -> None:
        super().__init__(message or f"Cannot move from {old!r} to {new!r}.", **kwargs)
        self.old, self.new = old, new


class StaleEdit(Conflict):
    """Someone else saved this record after it was opened: the later save is refused, not merged."""

    default_message = (
        "Someone else changed this record while you were editing it. Your changes have not been "
        "saved: check their changes below, then make yours again."
    )

    def __init__(self, current_version: int, message: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.current_version = current_version


def transition_check(obj: models.Model, *, to: str, field: str = "status", refused: str = "") -> None:
    """Raise InvalidTransition unless the model's TRANSITIONS allow `obj` to move from its state to `to` (for a
    service that checks more before it moves; transition() checks it again)."""
    model = type(obj)
    old = getattr(obj, field)
    if to not in model.TRANSITIONS.get(old, set()):
        raise InvalidTransition(
            old,
            to,
            refused
            or (
                f"This {model._meta.verbose_name} is "
                f"{_label(model, field, old)}: it cannot be moved to "
                f"{_label(model, field, to)}."
            ),
            current={field: old},
            obj=obj,
        )


def transition(
    obj: models.Model,
    *,
    to: str,
    field: str = "status",
    changes: dict | None = None,
    expect: Iterable[str] = (),
    expected_version: int | None = None,
    refused: str = "",
) -> str:
    """Move `obj` to `to`, if its model's TRANSITIONS allow the move from the state this request read and the
    row is still in that state (and still holds `expect`'s fields as read, and is at `expected_version` when
    given). Else InvalidTransition (`refused` is the reason when the move is not one declared from the state
    read; when someone moved it first, the reason names the state now) or StaleEdit. Returns the state it
    left; `obj` is brought up to date."""
    transition_check(obj, to=to, field=field, refused=refused)
    old = getattr(obj, field)
    expected = {field: old, **{name: getattr(obj, name) for name in expect}}
    if expected_version is not None:
        expected["version"] = expected_version
    try:
        _update(obj, expected, {field: to, **(changes or {})})
    except StaleEdit:
        raise
    except Conflict as exc:
        if exc.current.get(field) != old:
            raise InvalidTransition(old, to, str(exc), current=exc.current, obj=obj) from None
        raise
    return old


def versioned_update(
    obj: models.Model, *, expected_version: int, changes: dict, where: dict | None = None, refused: str = ""
) -> None:
    """Save `changes` if the row is still at `expected_version` (and still matches `where`, e.g. a draft),
    bumping the version. A stale version raises StaleEdit; a row no longer matching `where` raises Conflict
    with `refused` as the reason. Both carry the values stored now; `obj` is brought up to date."""
    try:
        _update(obj, {"version": expected_version, **(where or {})}, changes)
    except StaleEdit:
        raise
    except Conflict as exc:
        raise Conflict(refused or str(exc), current=exc.current, obj=obj) from None


def compare_and_set(obj: models.Model, *, expect: Iterable[str], changes: dict) -> None:
    """UPDATE the row with `changes` only if `expect`'s fields still hold the values on `obj` (what this
    request read); else raise Conflict with the values stored now. `obj` is brought up to date."""
    _update(obj, {name: getattr(obj, name) for name in expect}, changes)


# --- the one conditional UPDATE ------------------------------------------------------------------------------


def _update(obj: models.Model, expected: dict, changes: dict) -> None:
    model = type(obj)
    columns = {f.attname: f for f in model._meta.concrete_fields} | {f.name: f for f in model._meta.concrete_fields}
    updates = dict(changes)
    if "updated_at" in columns:
        updates.setdefault("updated_at", timezone.now())
    if "version" in columns:
        updates["version"] = models.F("version") + 1
    if model._default_manager.filter(pk=obj.pk, **expected).update(**updates):
        _apply(obj, updates)
        return
    wanted = [name for name in dict.fromkeys([*expected, *changes]) if name in columns]
    current = model._default_manager.filter(pk=obj.pk).values(*wanted).first()
    if current is None:
        raise model.DoesNotExist(f"This {model._meta.verbose_name} no longer exists")
    status = next((name for name in ("status", "state") if name in expected and current[name] != expected[name]), None)
    if status is not None:
        raise Conflict(
            f"Someone else changed this {model._meta.verbose_name} while you were working on it: it is "
            f"now {_label(model, status, current[status])}. Nothing has been saved.",
            current=current,
            obj=obj,
        )
    if "version" in expected and current["version"] != expected["version"]:
        raise StaleEdit(current["version"], current=current, obj=obj)
    raise Conflict(current=current, obj=obj)


def _label(model: type[models.Model], field: str, value: Any) -> str:
    return str(dict(model._meta.get_field(field).flatchoices).get(value, value)).lower()


def _apply(obj: models.Model, updates: dict) -> None:
    """Plain values are set on `obj`; expressions (version + 1) are read back."""
    expressions = [name for name, value in updates.items() if hasattr(value, "resolve_expression")]
    for name, value in updates.items():
        if name not in expressions:
            setattr(obj, name, value)
    if expressions:
        obj.refresh_from_db(fields=expressions)
