"""Dotted paths into scenario data (``staff.pnp_counsellor.schedule.1.hours``).

Sweep specs name what they vary by such paths, and the app edits fields by them. List items
are addressed by their index.
"""

from __future__ import annotations

from typing import Any


def set_by_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a value in scenario data by a dotted path (``staff.pnp_counsellor.schedule.1.hours``).

    List items are addressed by their index. Raises KeyError naming the part that is missing.
    """
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[: i + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"{where}: no list item {part!r} (the list has {len(node)})")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            elif part not in node:
                raise KeyError(f"{where}: no such field")
            else:
                node = node[part]
        else:
            raise KeyError(f"{where}: cannot descend into a {type(node).__name__}")


def get_by_path(data: dict[str, Any], path: str) -> Any:
    """Read a value from scenario data by a dotted path; KeyError names the missing part."""
    node: Any = data
    parts = path.split(".")
    for i, part in enumerate(parts):
        where = ".".join(parts[: i + 1])
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(f"{where}: no such field")
    return node
