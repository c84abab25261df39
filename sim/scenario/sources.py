"""Where each number of a scenario comes from, as data.

Scenario files keep their sources as YAML comments, which stay pleasant to edit::

    success: 0.85               # a match can fail at every step [method 2.3]; rate [assume]
    pass_rate: 0.22             # 15-28% become foster parents [domain: Flemish parliament]
    leave_share: 0.15           # [assume range 0.05-0.25]

:func:`read_sources` maps every number in the file to a :class:`Source` by its dotted field
path (the paths of :func:`sim.scenario.schema.get_by_path`), by walking the YAML node tree (nodes
carry their line) and reading the comment on the same line. A line naming several sources
(``[method 2.3]; rate [assume]``) is as strong as its weakest: the number is then an
assumption. A tag may carry a plausible range: ``range LOW-HIGH`` (absolute) or
``range LOW-HIGHx`` (factors of the value). :func:`scenario_to_sourced_yaml` writes a scenario
back with its source comments, so downloads and reports keep them.

The loader (:func:`sim.scenario.schema.load_scenario`) is untouched: sources are read beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

SourceKind = Literal["method", "domain", "assume", "calibrated", "user"]

#: From strongest to weakest: a line naming several takes the weakest.
KIND_ORDER: tuple[SourceKind, ...] = ("method", "domain", "calibrated", "user", "assume")

#: Kinds whose numbers are uncertain by default (what sensitivity analysis varies).
UNCERTAIN_KINDS: tuple[SourceKind, ...] = ("assume", "domain", "calibrated", "user")

_TAG = re.compile(r"\[(method|domain|assume|calibrated|user)\b([^\]]*)\]")
_SEED = re.compile(r"seeds/00\d")
_RANGE = re.compile(
    r"range\s+(?P<lo>[-+]?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<hi>[-+]?\d+(?:\.\d+)?)\s*(?P<x>x)?"
)
_CALIBRATED = re.compile(r"log\s*[:=]?\s*(?P<log>[^\s,;]+)|n\s*=\s*(?P<n>\d+)")


@dataclass(frozen=True)
class Source:
    """Where one number comes from, and how far it might plausibly be off.

    ``low``/``high`` is an explicit plausible range: absolute values, or factors of the value
    when ``factor`` is True. None means: use the default for the kind (see
    :mod:`sim.sensitivity.ranges`).
    """

    kind: SourceKind
    reference: str = ""
    #: The comment as written (reproduced verbatim when the scenario is written back).
    note: str = ""
    low: float | None = None
    high: float | None = None
    factor: bool = False
    #: For ``calibrated``: the records the value was fitted from, and how many.
    log: str = ""
    n: int | None = None
    #: Every tag on the line, strongest first (e.g. ("method", "assume")).
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def uncertain(self) -> bool:
        return self.kind in UNCERTAIN_KINDS

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None

    def label(self) -> str:
        """Short text for a table cell: ``[domain: Trouw 2019]``."""
        ref = f" {self.reference}" if self.reference else ""
        return f"[{self.kind}{ref}]"

    def comment(self) -> str:
        """The comment text to write beside the number."""
        if self.note:
            return self.note
        rng = ""
        if self.has_range:
            rng = f" range {self.low:g}-{self.high:g}{'x' if self.factor else ''}"
        if self.kind == "calibrated":
            extra = (f" log {self.log}" if self.log else "") + \
                (f" n={self.n}" if self.n is not None else "")
            return f"[calibrated{extra}{rng}]"
        ref = f" {self.reference}" if self.reference else ""
        return f"[{self.kind}{ref}{rng}]"


def parse_comment(comment: str) -> Source | None:
    """The source a comment names, or None when it names none."""
    found = [(m.group(1), m.group(2).strip(" :")) for m in _TAG.finditer(comment)]
    if _SEED.search(comment):
        found.append(("domain", _SEED.search(comment).group(0)))  # type: ignore[union-attr]
    if not found:
        return None
    kinds = sorted({k for k, _ in found}, key=KIND_ORDER.index)
    weakest: SourceKind = kinds[-1]  # type: ignore[assignment]
    ref = next((r for k, r in found if k == weakest), "")
    low = high = None
    is_factor = False
    rm = _RANGE.search(comment)
    if rm:
        low, high = float(rm.group("lo")), float(rm.group("hi"))
        is_factor = rm.group("x") is not None
        if low > high:
            low, high = high, low
        ref = _RANGE.sub("", ref).strip(" ;,")
    log, n = "", None
    if weakest == "calibrated":
        for m in _CALIBRATED.finditer(ref):
            if m.group("log"):
                log = m.group("log")
            if m.group("n"):
                n = int(m.group("n"))
        ref = _CALIBRATED.sub("", ref).strip(" ;,")
    return Source(kind=weakest, reference=ref, note=comment.strip(), low=low, high=high,
                  factor=is_factor, log=log, n=n, tags=tuple(kinds))


def comment_of(line: str) -> str:
    """The comment on a YAML line ('' if none); a '#' inside quotes is not a comment."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1:].strip()
    return ""


def _is_number(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag in (
        "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _leaves(node: yaml.Node, path: str = "") -> Iterator[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            yield from _leaves(value, sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            yield from _leaves(value, f"{path}.{i}" if path else str(i))
    else:
        yield path, node


@dataclass
class ScenarioSources:
    """The sources of one scenario text: dotted path -> Source, and the numbers with none."""

    sources: dict[str, Source]
    #: Paths of numbers that name no source, with their line (1-based).
    unsourced: dict[str, int]

    def get(self, path: str) -> Source | None:
        return self.sources.get(path)


def read_sources(text: str) -> ScenarioSources:
    """Every number of a scenario's YAML text mapped to its source by its dotted path."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = text.splitlines()
    sources: dict[str, Source] = {}
    unsourced: dict[str, int] = {}
    if root is None:
        return ScenarioSources(sources, unsourced)
    for path, node in _leaves(root):
        if not _is_number(node):
            continue
        line = node.start_mark.line
        src = parse_comment(comment_of(lines[line])) if line < len(lines) else None
        if src is None:
            unsourced[path] = line + 1
        else:
            sources[path] = src
    return ScenarioSources(sources, unsourced)


def load_sources(path: str | Path) -> ScenarioSources:
    """:func:`read_sources` of a scenario file."""
    return read_sources(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- writing back


def leading_comment(text: str) -> str:
    """The comment block at the top of a scenario file (without the '#'), to write back as
    the header of a download."""
    out = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        out.append(line[1:].removeprefix(" "))
    return "\n".join(out)


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.strip().removesuffix("...").strip()


def _emit(data: Any, path: str, indent: int, key: str, sources: dict[str, Source],
          out: list[str]) -> None:
    pad = "  " * indent
    head = f"{pad}{key}:" if key else pad.rstrip()
    if isinstance(data, dict) and data:
        out.append(head) if key else None
        for k, v in data.items():
            _emit(v, f"{path}.{k}" if path else str(k), indent + (1 if key else 0), str(k),
                  sources, out)
        return
    if isinstance(data, list) and data and any(isinstance(v, dict | list) for v in data):
        out.append(head)
        for i, item in enumerate(data):
            sub: list[str] = []
            _emit(item, f"{path}.{i}", indent + 2, "", sources, sub)
            first = True
            for line in sub:
                if not line.strip():
                    continue
                body = line[len("  " * (indent + 2)):] if line.startswith(
                    "  " * (indent + 2)) else line.lstrip()
                prefix = f"{pad}  - " if first else f"{pad}    "
                out.append(prefix + body)
                first = False
        return
    src = sources.get(path)
    if src is None and isinstance(data, list):
        src = next((sources[f"{path}.{i}"] for i in range(len(data))
                    if f"{path}.{i}" in sources), None)
    comment = f"  # {src.comment()}" if src is not None else ""
    out.append(f"{head} {_scalar(data)}{comment}")


def dump_with_sources(data: dict[str, Any], sources: dict[str, Source],
                      header: str = "") -> str:
    """Scenario data as block YAML, each number followed by its source comment."""
    out = [f"# {line}" if line else "#" for line in header.splitlines()]
    for k, v in data.items():
        _emit(v, str(k), 0, str(k), sources, out)
    return "\n".join(out) + "\n"


def scenario_to_sourced_yaml(scenario: Any, sources: ScenarioSources | dict[str, Source],
                             header: str = "") -> str:
    """A scenario's YAML (it loads back to the same scenario) with the source comments.

    Numbers the sources do not cover (defaults the file left out, or values changed in the
    app) get none; pass ``user`` sources for values a planner typed in.
    """
    from sim.scenario.schema import scenario_to_dict

    srcs = sources.sources if isinstance(sources, ScenarioSources) else sources
    return dump_with_sources(scenario_to_dict(scenario), srcs, header)


def with_user_values(sources: ScenarioSources, base: dict[str, Any], edited: dict[str, Any]
                     ) -> dict[str, Source]:
    """Sources for an edited scenario: numbers that differ from ``base`` become ``user``."""
    from sim.scenario.schema import get_by_path

    out = dict(sources.sources)
    for path, _ in number_leaves(edited):
        try:
            old = get_by_path(base, path)
        except KeyError:
            old = None
        new = get_by_path(edited, path)
        if old != new:
            out[path] = Source(kind="user", reference="entered by the planner")
    return out


def number_leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every number in nested scenario data, with its dotted path (booleans are not numbers)."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from number_leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from number_leaves(v, f"{path}.{i}")
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, data
