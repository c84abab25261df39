"""Which inputs differ between scenarios, field by field; no Streamlit, so it is tested alone.

Used for the line under a run that says what changed against the loaded scenario, and for the
report's appendix table of the inputs that differ between the options.
"""

from __future__ import annotations

from typing import Any

#: Fields that say nothing about the model's inputs.
IGNORED = ("name", "description")


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"staff": {"coordinator": {"schedule": [{"hours": 19}]}}}`` ->
    ``{"staff.coordinator.schedule.0.hours": 19}``."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list | tuple):
        if not data:
            out[prefix[:-1]] = []
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}{i}."))
    else:
        out[prefix[:-1]] = data
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def differences(scenarios: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    """``(path, [value in each scenario])`` for every input path whose value is not the same
    in all of ``scenarios`` (``None`` where a scenario lacks the field), in path order."""
    flat = [flatten({k: v for k, v in s.items() if k not in IGNORED}) for s in scenarios]
    paths = sorted(set().union(*flat)) if flat else []
    out = []
    for path in paths:
        values = [f.get(path) for f in flat]
        if any(not _same(values[0], v) for v in values[1:]):
            out.append((path, values))
    return out
