"""Operator text in SQL LIKE patterns: "%" and "_" are characters to find, not wildcards."""

from __future__ import annotations

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character escaped (use with ESCAPE)."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(text: str) -> str:
    """A LIKE pattern matching values that contain `text` anywhere."""
    return f"%{escape_like(text)}%"
