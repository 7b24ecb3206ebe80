"""The layers: app_pages -> ui -> core. core/ stays pure (no Streamlit, nothing from the layers
above it), and ui/ never imports a page."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE, UI = ROOT / "core", ROOT / "ui"
FORBIDDEN = ("streamlit", "ui", "app_pages", "pages")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_streamlit_ui_or_pages():
    offenders = {
        f"{path.relative_to(CORE.parent)}: {name}"
        for path in CORE.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert not offenders, f"core must stay pure, but imports {sorted(offenders)}"


def test_ui_imports_no_page():
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in UI.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in ("app_pages", "pages")
    }
    assert not offenders, f"ui serves the pages and must not import one: {sorted(offenders)}"


def test_layer_check_sees_an_offending_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom streamlit import session_state\nimport ui.runner\n")
    assert {"streamlit", "ui.runner"} <= imported_modules(bad)
