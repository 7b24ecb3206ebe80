"""Panel notes: markdown with the lecture's equations, kept in assets/notes/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

NOTES = Path(__file__).resolve().parent.parent / "assets" / "notes"


@cache
def note(name: str) -> str:
    return (NOTES / f"{name}.md").read_text(encoding="utf-8")
