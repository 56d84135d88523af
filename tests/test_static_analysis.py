"""B19, the static analysis gate, run by the suite (so by `make test` and .ci/run):

- bandit over the project's code (its configuration is [tool.bandit] in pyproject.toml: tests, migrations and the
  tool directories left out) finds 0 medium or high issues that are not reviewed: each kept one carries
  `# nosec BXXX` on its line beside ruff's `# noqa: SXXX (why)`, which says why it is safe;
- ruff's S rules (flake8-bandit, selected in pyproject.toml) find nothing;
- a project rule: no view or API module reads a child's data with `<Model>.objects.get(` (or `.objects.<...>.get(`,
  `get_object_or_404(<Model>, ...)`, `get_object_or_404(<Model>.objects...)`) unless the same expression goes
  through a scoped selector (cases.permissions.person_record_scope / person_scope or a `*_for_user` / `*_for_reader`
  selector): an unscoped read by id is how one family's record is shown to a user who may not see it.
  Child-data models are every model of the record apps except a named list of organisational ones (so a new model
  is child data until someone says otherwise, with the reason). A read that is scoped another way (a re-read of a
  row just fetched through the scope, a council-wide role checked first) says so with `# scoped: <why>` on its line
  or the line above, as a reviewed bandit finding carries its `# nosec`.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
RECORD_APPS = ("cases", "front_door", "family_help", "macpt", "fgdm", "reporting")
# Models of the record apps that hold no child's data: who works where, settings, clocks, the audit's own seals,
# and the council's grant ledger (money, not children).
NOT_CHILD_DATA = {
    "Agency",
    "Team",
    "User",
    "NeedLevel",
    "ClosureDay",
    "PractitionerRecord",
    "WorkerHeartbeat",
    "AuditSeal",
    "FrontDoorSettings",
    "FamilyHelpSettings",
    "MacptSettings",
    "PreProceedingsSettings",
    "WorkRequestSettings",
    "Grant",
    "GrantAllocation",
    "SpendLine",
}
# A call in the expression to one of these scopes it to what the user may see.
SCOPED_NAMES = {"person_record_scope", "person_scope"}
SCOPED_SUFFIXES = ("_for_user", "_for_reader", "_scope")
REVIEWED = re.compile(r"#.*\bscoped: \S")


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def child_data_models() -> set[str]:
    names = {m.__name__ for m in apps.get_models() if m._meta.app_label in RECORD_APPS}
    unknown = NOT_CHILD_DATA - names
    assert not unknown, f"NOT_CHILD_DATA names models that no longer exist: {sorted(unknown)}"
    return names - NOT_CHILD_DATA


def view_and_api_modules() -> list[Path]:
    found = []
    for app in RECORD_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if "migrations" in parts:
                continue
            if parts[0] in {"views", "api"} or path.name in {"views.py", "api.py"}:
                found.append(path)
    return found


def _root_and_calls(node: ast.expr) -> tuple[ast.expr, list[ast.Call]]:
    """The expression a chain like `A.objects.filter(...).get(...)` starts from, and every call along it."""
    calls = []
    while True:
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return node, calls


def _is_scoped(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            func = inner.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in SCOPED_NAMES or name.endswith(SCOPED_SUFFIXES):
                return True
    return False


def _model_of(node: ast.expr) -> str | None:
    """`Model` for `Model`, `Model.objects...`, `module.Model.objects...`; None for anything else."""
    root, _ = _root_and_calls(node)
    chain = node
    while isinstance(chain, ast.Call | ast.Attribute):
        if isinstance(chain, ast.Attribute) and chain.attr == "objects":
            value = chain.value
            return value.id if isinstance(value, ast.Name) else value.attr if isinstance(value, ast.Attribute) else None
        chain = chain.func if isinstance(chain, ast.Call) else chain.value
    return root.id if isinstance(root, ast.Name) and node is root else None


def _reviewed(lines: list[str], node: ast.Call) -> bool:
    return any(REVIEWED.search(line) for line in lines[max(node.lineno - 2, 0) : node.end_lineno])


def unscoped_gets(source: str, child_models: set[str], *, reviewed: list | None = None) -> list[tuple[int, str]]:
    found = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get":
            model = _model_of(func.value)
            unscoped = model in child_models and "objects" in ast.unparse(func.value).split(".")
        elif isinstance(func, ast.Name) and func.id in {"get_object_or_404", "get_list_or_404"} and node.args:
            unscoped = _model_of(node.args[0]) in child_models
        else:
            continue
        if not unscoped or _is_scoped(node):
            continue
        if _reviewed(lines, node):
            if reviewed is not None:
                reviewed.append(node.lineno)
        else:
            found.append((node.lineno, ast.unparse(node)[:120]))
    return found


def test_no_view_or_api_module_reads_child_data_unscoped():
    child_models = child_data_models()
    assert {"Person", "Contact", "FamilyCase", "Plan", "S47Enquiry"} <= child_models
    modules = view_and_api_modules()
    assert len(modules) > 30, [str(m) for m in modules]
    reviewed: list[int] = []
    findings = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in modules
        for line, text in unscoped_gets(path.read_text(), child_models, reviewed=reviewed)
    ]
    print(f"{len(modules)} view and API modules, {len(child_models)} child-data models, {len(reviewed)} reviewed")
    assert not findings, "unscoped reads of child data (go through a scoped selector):\n" + "\n".join(findings)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("Person.objects.get(pk=pk)", True),
        ("models.Contact.objects.select_related('x').filter(a=1).get(pk=pk)", True),
        ("get_object_or_404(Person, pk=pk)", True),
        ("get_object_or_404(S47Enquiry.objects.defer('x'), pk=pk)", True),
        ("S47Enquiry.objects.filter(person__in=person_record_scope(user).values('pk')).get(pk=pk)", False),
        ("get_object_or_404(selectors.contacts_for_reader(user=user), pk=pk)", False),
        ("Team.objects.get(pk=pk)", False),
        ("Person.objects.get(pk=person.pk)  # scoped: the person just read through person_record_scope", False),
        ("# scoped:\nPerson.objects.get(pk=pk)", True),
        ("data.get('x')", False),
        ("request.GET.get('page')", False),
    ],
)
def test_the_rule_flags_unscoped_reads_only(source, flagged):
    assert bool(unscoped_gets(source, {"Person", "Contact", "S47Enquiry"})) is flagged


def test_bandit_finds_no_unreviewed_medium_or_high_issue():
    done = subprocess.run(
        [_bin("bandit"), "-c", "pyproject.toml", "-r", ".", "--severity-level", "medium", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert not report["errors"], report["errors"]
    issues = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] in {"MEDIUM", "HIGH"}
    ]
    assert not issues, "bandit (add `# nosec BXXX` with the reason only once it is reviewed):\n" + "\n".join(issues)
    scanned = report["metrics"]["_totals"]["loc"]
    assert scanned > 40_000, f"bandit scanned only {scanned} lines: is the configuration leaving code out?"


def test_ruff_s_rules_find_nothing():
    done = subprocess.run(
        [_bin("ruff"), "check", "--select", "S", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- B9: every write to a child's data goes through a service, which audits it ---------------------------------------
# A write outside the services (a view's `.update(`, a task's `.save()`, a raw `UPDATE`) is a change with no audit row
# unless someone made sure of one. tests/test_change_audit.py proves the services audit what they commit; this rule
# keeps the writes in the services: in any other module of the record apps (views, API, tasks, management commands,
# selectors, documents, data generators; not migrations) it flags `.update(`, `.delete(`, `.save(`, `.create(`,
# `get_or_create(`, `update_or_create(`, `bulk_create(` and `bulk_update(` on a child-data model (a chain that starts
# at `<Model>.objects`, or a name bound in the same function to such a chain, a `<Model>(...)` or an argument
# annotated `<Model>`), and `.execute(` / `.copy(` of SQL that inserts, updates, deletes or copies in (on any table:
# raw SQL does not say which model it touches). A write that was reviewed (it is audited another way, or holds nothing
# a person did) says so with `# audited: <why>` on its line or the line above. What it cannot see: a `.save()` on a
# name it cannot tie to a model (a reverse relation's rows, a helper's argument); the change-audit test covers those
# writes the services make.

WRITE_METHODS = {
    "update",
    "delete",
    "save",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
SQL_WRITE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+[\w\".]+(\s+\w+)?\s+SET|DELETE\s+FROM|COPY\s+[\w\".]+(\s*\([^)]*\))?\s+FROM)\b",
    re.IGNORECASE,
)
AUDITED = re.compile(r"#.*\baudited: \S")


def non_service_modules() -> list[Path]:
    found = []
    for app in RECORD_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if "migrations" in parts or parts[0] == "services" or path.name == "services.py":
                continue
            found.append(path)
    return found


def _annotation_models(annotation: ast.expr | None, child_models: set[str]) -> set[str]:
    if annotation is None:
        return set()
    text = ast.unparse(annotation).replace('"', "").replace("'", "")
    return {name for name in re.findall(r"\w+", text) if name in child_models}


def _bound_models(function: ast.AST, child_models: set[str]) -> dict[str, str]:
    """The names a function binds to a child-data model: an annotated argument, `x = Model(...)`, `x = Model.objects
    ...`, `x, created = Model.objects.get_or_create(...)`, `for x in Model.objects...`."""
    bound: dict[str, str] = {}
    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        for arg in [*function.args.args, *function.args.kwonlyargs, *function.args.posonlyargs]:
            for model in _annotation_models(arg.annotation, child_models):
                bound[arg.arg] = model
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.For | ast.AsyncFor):
            targets, value = [node.target], node.iter
        if value is None:
            continue
        model = _model_of(value)
        if model is None and isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            model = value.func.id  # Model(...)
        if model not in child_models:
            continue
        for target in targets:
            first = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
            if isinstance(first, ast.Name):
                bound[first.id] = model
    return bound


def _sql_text(node: ast.expr, constants: dict[str, str]) -> str:
    """The text of a SQL argument: a literal, an f-string, a concatenation, `sql.SQL("...")`, or a name bound to
    one of those in the module."""
    if isinstance(node, ast.Name):
        return constants.get(node.id, "")
    parts = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            parts.append(inner.value)
    return " ".join(parts)


def unaudited_writes(source: str, child_models: set[str], *, reviewed: list | None = None) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    lines = source.splitlines()
    constants = {
        target.id: " ".join(
            c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    bound_at: dict[int, dict[str, str]] = {}
    for scope in scopes:  # inner functions last: their bindings win for their own calls
        names = {**_bound_models(scope, child_models)} if scope is not tree else {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Call):
                bound_at[id(node)] = {**bound_at.get(id(node), {}), **names}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method in WRITE_METHODS:
            receiver = node.func.value
            model = _model_of(receiver)
            if model not in child_models:
                root, _ = _root_and_calls(receiver)
                model = bound_at.get(id(node), {}).get(root.id) if isinstance(root, ast.Name) else None
            if model not in child_models:
                continue
        elif method in {"execute", "executemany", "copy"} and node.args:
            if not SQL_WRITE.search(_sql_text(node.args[0], constants)):
                continue
        else:
            continue
        if any(AUDITED.search(line) for line in lines[max(node.lineno - 2, 0) : node.end_lineno]):
            if reviewed is not None:
                reviewed.append(node.lineno)
        else:
            found.append((node.lineno, ast.unparse(node)[:120]))
    return sorted(set(found))


def test_no_module_outside_the_services_writes_child_data_unaudited():
    child_models = child_data_models()
    modules = non_service_modules()
    assert len(modules) > 200, len(modules)
    reviewed: list[int] = []
    findings = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in modules
        for line, text in unaudited_writes(path.read_text(), child_models, reviewed=reviewed)
    ]
    print(f"B9 static: {len(modules)} modules outside the services, {len(reviewed)} reviewed writes (# audited:)")
    assert not findings, (
        "writes to child data outside the services (call a service, which audits; or review: `# audited: <why>`):\n"
        + "\n".join(findings)
    )


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("Person.objects.filter(pk=1).update(first_name='x')", True),
        ("models.Contact.objects.filter(pk=1).delete()", True),
        ("Person.objects.bulk_create([Person()])", True),
        ("Person.objects.create(first_name='x')", True),
        ("def f(person: Person):\n    person.save()", True),
        ("def f(p: 'Person | None'):\n    p.delete()", True),
        ("def f():\n    note = Contact(worry='x')\n    note.save(update_fields=['worry'])", True),
        ("def f():\n    qs = Person.objects.filter(a=1)\n    qs.update(b=2)", True),
        ("def f():\n    for p in Person.objects.all():\n        p.save()", True),
        ("cursor.execute('UPDATE cases_person SET x = 1')", True),
        ("cursor.execute(f'DELETE FROM {table} WHERE id = %s', [1])", True),
        ("SQL = 'INSERT INTO t VALUES (1)'\ncursor.execute(SQL)", True),
        ("cursor.copy('COPY cases_person (id, first_name) FROM STDIN')", True),
        ("cursor.execute('SELECT 1 FROM cases_person')", False),
        ("cursor.copy('COPY cases_person TO STDOUT')", False),
        ("Person.objects.filter(pk=1).update(a=1)  # audited: the caller's service audits it", False),
        ("# audited: reviewed\nPerson.objects.filter(pk=1).delete()", False),
        ("Team.objects.filter(pk=1).update(name='x')", False),
        ("data.update({'a': 1})", False),
        ("form.save()", False),
        ("def f(team: Team):\n    team.save()", False),
    ],
)
def test_the_write_rule_flags_unaudited_child_data_writes_only(source, flagged):
    assert bool(unaudited_writes(source, {"Person", "Contact"})) is flagged
