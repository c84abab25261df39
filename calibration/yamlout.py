"""The calibrated scenario as YAML in which every fitted number carries its source.

Each fitted line ends with a comment like the shipped scenarios' tags,
``# [calibrated log=<hash> n=<cases> 95% <low>-<high>]``; numbers kept from the base scenario
say ``# [base]``. The text is checked to load back to exactly the calibrated scenario, and it
is written to a temporary file and renamed, so no half-written file is ever left.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sim.scenario.schema import Scenario, parse_scenario_text, scenario_hash, scenario_to_dict

_FLOW_MAX = 90


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v) if isinstance(v, float) else str(v)
    return json.dumps(str(v), ensure_ascii=False)


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _is_flat(v: Any) -> bool:
    if isinstance(v, dict):
        return all(not isinstance(x, dict | list) or (isinstance(x, list) and all(
            not isinstance(y, dict | list) for y in x)) for x in v.values())
    if isinstance(v, list):
        return all(not isinstance(x, dict | list) for x in v)
    return True


def _emit(node: dict[str, Any], path: str, indent: int, tags: dict[str, str],
          lines: list[str]) -> None:
    pad = "  " * indent
    for key, val in node.items():
        here = f"{path}.{key}" if path else str(key)
        tag = tags.get(here)
        comment = f"  # {tag}" if tag else ""
        if isinstance(val, dict) and val and not (_is_flat(val) and len(_flow(val)) < _FLOW_MAX
                                                  and not _has_tag_below(here, tags)):
            lines.append(f"{pad}{key}:{comment}")
            _emit(val, here, indent + 1, tags, lines)
        elif isinstance(val, list) and val and any(isinstance(x, dict) for x in val):
            lines.append(f"{pad}{key}:{comment}")
            for i, item in enumerate(val):
                sub = tags.get(f"{here}.{i}") or _first_tag(f"{here}.{i}", tags)
                c = f"  # {sub}" if sub else ""
                lines.append(f"{pad}  - {_flow(item)}{c}")
        else:
            lines.append(f"{pad}{key}: {_flow(val)}{comment}")


def _has_tag_below(path: str, tags: dict[str, str]) -> bool:
    return any(k.startswith(path + ".") for k in tags)


def _first_tag(prefix: str, tags: dict[str, str]) -> str | None:
    for k, v in tags.items():
        if k.startswith(prefix + "."):
            return v
    return None


def scenario_yaml(scenario: Scenario, tags: dict[str, str], header: list[str]) -> str:
    """YAML text with a source comment on every fitted line; loads back to ``scenario``."""
    data = scenario_to_dict(scenario)
    lines = [f"# {h}" for h in header]
    _emit(data, "", 0, tags, lines)
    text = "\n".join(lines) + "\n"
    again = parse_scenario_text(text, "<calibrated>")
    if scenario_hash(again) != scenario_hash(scenario):  # pragma: no cover - a writer bug
        raise RuntimeError("the calibrated scenario did not load back identically")
    return text


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
