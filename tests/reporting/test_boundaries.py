"""Reporting reads every strand; nothing imports reporting (issue 16, ../shared/ARCHITECTURE.md): a strand that did
would make a return's builder part of the day-to-day record, and the returns could no longer change on their own."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cases", "front_door", "family_help", "macpt", "fgdm", "ffp")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_app_imports_reporting():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if any(name == "reporting" or name.startswith("reporting.") for name in _imports(path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_check_sees_an_import_of_reporting(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from reporting.models import ReturnRun\nimport reporting.tasks\n")
    assert _imports(sample) == {"reporting.models", "reporting.tasks"}
