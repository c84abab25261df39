"""Reading input files (scenarios and sweep specs) and reporting what is wrong with them.

One home for everything a user's file passes through before a schema sees it, shared by
:mod:`sim.scenario.schema` and :mod:`sim.batch.spec`:

- :func:`read_input_file` reads only regular files, up to :data:`MAX_FILE_BYTES`;
- :func:`safe_yaml` parses with PyYAML's safe loader, bounded: no aliases, at most
  :data:`MAX_YAML_NODES` values nested at most :data:`MAX_YAML_DEPTH` deep;
- :func:`number_problems` finds numbers that are not finite or too large for the model, the
  store and numpy's seeds;
- :func:`describe_errors` turns pydantic's errors into ``(field path, what was expected)``;
- :class:`InputError` prints them, the first :data:`MAX_PROBLEMS_SHOWN` and "and N more".

These bounds keep a hostile or careless file from hanging the program or exhausting memory:
every step costs time in proportion to the bounded size of the file.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import reprlib
import stat
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

#: Largest scenario or sweep spec file read, in bytes (1 MB; a scenario is about 10 kB).
MAX_FILE_BYTES = 1_000_000
#: Most YAML values (scalars, lists, mappings) in one file (a scenario has about 500).
MAX_YAML_NODES = 20_000
#: Deepest nesting of YAML lists and mappings (a scenario nests 6 deep).
MAX_YAML_DEPTH = 50
#: Problems listed in one error message; the rest are counted.
MAX_PROBLEMS_SHOWN = 20
#: Largest whole number accepted: DuckDB's BIGINT and numpy's seeds both hold it.
MAX_INT = 2**63 - 1
#: Largest magnitude of a decimal number: far beyond any planning figure, and small enough
#: that sums and products of such numbers stay finite.
MAX_ABS_FLOAT = 1e15

_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlong = 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4
_SHORT.maxlevel = 2


def short_repr(value: Any) -> str:
    """``repr`` of a value cut to a few dozen characters: error messages never print a huge
    value whole."""
    try:
        return _SHORT.repr(value)
    except (ValueError, RecursionError):  # an int with more digits than str() allows
        return f"<{type(value).__name__}>"


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (a field path or message built from a huge key)."""
    return text if len(text) <= limit else text[: limit - 15] + f"... ({len(text):,} chars)"


class InputError(ValueError):
    """An input file that cannot be used, with every problem listed by field path; ``str()``
    is the message for the user (source, then one line per field, at most
    :data:`MAX_PROBLEMS_SHOWN` of them)."""

    what = "input"

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        #: How many problems there were in all (``problems`` keeps the first ones).
        self.total = len(problems)
        self.problems = list(problems[:MAX_PROBLEMS_SHOWN])
        lines = [f"{_cut(source, 300)}: invalid {self.what}"]
        lines += [f"  - {_cut(path, 200) or '(top level)'}: {_cut(msg, 1000)}"
                  for path, msg in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  ... and {self.total - len(self.problems)} more problem(s)")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- reading files


def read_input_file(path: Path, error: type[InputError],
                    max_bytes: int = MAX_FILE_BYTES) -> str:
    """A UTF-8 input file's text. Only a regular file of at most ``max_bytes`` is read (not a
    folder, device or pipe, which could block or never end); anything else is raised as
    ``error`` naming the file."""
    source = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        # non-blocking: opening a pipe with no writer must not hang
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(source, [("", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            raise error(source, [("", f"expected a regular file, not {kind}")])
        if info.st_size > max_bytes:
            raise error(source, [("", _too_big(info.st_size, max_bytes))])
        chunks = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise error(source, [("", f"cannot read file: {exc.strerror or exc}")]) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew while we read it
        raise error(source, [("", _too_big(len(data), max_bytes))])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(source, [("", "expected a UTF-8 text file")]) from None


def _too_big(size: int, max_bytes: int) -> str:
    return (f"the file is {size:,} bytes; files of at most {max_bytes:,} bytes "
            f"({max_bytes / 1e6:g} MB) are accepted")


# --------------------------------------------------------------------------- YAML


class _Refused(yaml.YAMLError):
    """A YAML file beyond what pnp-sim reads (aliases, too many values, too deep)."""

    def __init__(self, message: str, mark: Any = None):
        super().__init__(message)
        self.message = message
        self.mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases and counting values as it composes them, so a
    'billion laughs' file or a file of millions of keys is refused before it is expanded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _Refused("aliases (*name) are not accepted in pnp-sim files; write the "
                           "value out in full", mark)
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise _Refused(f"more than {MAX_YAML_NODES:,} values; pnp-sim files are smaller",
                           self.peek_event().start_mark)
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _Refused(f"nested more than {MAX_YAML_DEPTH} levels deep",
                           self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def safe_yaml(text: str, source: str, error: type[InputError]) -> Any:
    """YAML text as data, bounded (see :class:`_BoundedLoader`; nothing is evaluated as code);
    text over :data:`MAX_FILE_BYTES`, a syntax error or a refused construct is raised as
    ``error`` with the line and column."""
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise error(source, [("", _too_big(len(text.encode("utf-8", "replace")),
                                           MAX_FILE_BYTES))])
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        at = _at(exc.mark)
        raise error(source, [("", f"not accepted YAML{at}: {exc.message}")]) from None
    except yaml.YAMLError as exc:
        at = _at(getattr(exc, "problem_mark", None))
        problem = getattr(exc, "problem", None) or exc
        raise error(source, [("", f"not valid YAML{at}: {short_repr(str(problem))[1:-1]}")]
                    ) from None
    except (ValueError, OverflowError, TypeError) as exc:
        # e.g. a whole number with more digits than Python converts, an impossible date
        raise error(source, [("", f"not valid YAML: a value cannot be read "
                                  f"({short_repr(str(exc))[1:-1]})")]) from None
    finally:
        loader.dispose()


def _at(mark: Any) -> str:
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""


# --------------------------------------------------------------------------- numbers


#: JSON text that may hold a number beyond the bounds: 16 whole-number digits or more, or an
#: exponent of two digits or more (strings can match too; they only cost the slow walk).
_SUSPECT = re.compile(r"(?<![.\d])\d{16,}|[eE]\+?\d{2,}")


def number_problems(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Numbers anywhere in loaded data that no field accepts: NaN, infinities, decimals
    beyond :data:`MAX_ABS_FLOAT` and whole numbers beyond :data:`MAX_INT` (each with its
    dotted path). Checked before the schema, so every field, even one typed ``Any``, is
    covered. Plain data is first checked by the JSON encoder (C speed); only data it refuses
    or that looks suspect is walked in Python to name the fields."""
    try:
        text = json.dumps(data, allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        pass
    else:
        if _SUSPECT.search(text) is None:
            return []
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [(prefix, data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, bool):
            continue
        if isinstance(node, float):
            if not math.isfinite(node):
                problems.append((path, f"expected a finite number (got {node})"))
            elif abs(node) > MAX_ABS_FLOAT:
                problems.append((path, f"expected a number of at most {MAX_ABS_FLOAT:g} in "
                                       f"size (got {node:g})"))
        elif isinstance(node, int):
            if abs(node) > MAX_INT:
                problems.append((path, f"expected a whole number of at most {MAX_INT:,} "
                                       "(2**63 - 1) in size"))
        elif isinstance(node, dict):
            stack += [(f"{path}.{k}" if path else str(k), v) for k, v in node.items()]
        elif isinstance(node, list | tuple):
            stack += [(f"{path}.{i}" if path else str(i), v) for i, v in enumerate(node)]
    problems.sort(key=lambda p: p[0])
    return problems


# --------------------------------------------------------------------------- schema errors

_DIST_TAGS = {"fixed", "exponential", "uniform", "triangular", "lognormal", "gamma"}
_BRANCH_NAMES = {"str", "int", "float", "bool", "list", "dict", "tuple", "none"}
_TYPE_WORDS = {
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "string": "text",
    "list": "a list",
    "dict": "a mapping of fields",
    "model": "a mapping of fields",
    "tuple": "a list of two numbers",
}


def _expected(kind: str, ctx: dict[str, Any], msg: str) -> str:
    """What the field expects, in plain words."""
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in limits:
        words, key = limits[kind]
        return f"expected a value {words} {ctx.get(key)}"
    if kind == "finite_number":
        return "expected a finite number"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} item(s)"
    if kind == "string_too_long":
        return f"expected text of at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"expected text of at least {ctx.get('min_length')} character(s)"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"expected 'dist' to be one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "expected a 'dist' field naming the distribution"
    for prefix, words in _TYPE_WORDS.items():
        if kind.startswith(prefix):
            return f"expected {words}"
    return msg.removeprefix("Value error, ")


def _unwrap(annotation: Any, part: Any) -> Any:
    """The type found one step into ``annotation`` at ``part`` (a field, index or key)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], part)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _unwrap(arg, part)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return None if field is None else field.annotation
    if origin in (list, tuple) and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation stands for (through Optional and Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        models = [m for m in map(_model_of, typing.get_args(annotation)) if m is not None]
        return models[0] if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Known keys at the parent of ``loc``, for 'did you mean' hints."""
    current: Any = model
    for part in loc[:-1]:
        current = _unwrap(current, part)
        if current is None:
            return []
    found = _model_of(current)
    return list(found.model_fields) if found is not None else []


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The user's field path: without pydantic's union branch and tag names."""
    return tuple(p for p in loc if not (isinstance(p, str) and (
        p in _DIST_TAGS or p == "[key]" or "[" in p or p in _BRANCH_NAMES)))


def did_you_mean(word: str, choices: Any, cutoff: float = 0.6) -> str:
    """"; did you mean 'x'?" for the nearest of ``choices``, or "" when none is close (the one
    wording of every did-you-mean hint: scenario and spec fields, KPIs, calibration logs)."""
    hint = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean '{hint[0]}'?" if hint else ""


def describe_error(err: Any, model: type[BaseModel]) -> tuple[str, str]:
    """One pydantic error as ``(dotted field path, what was expected)``."""
    loc = _clean_loc(tuple(err["loc"]))
    path = ".".join(str(p) for p in loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        known = known_fields(model, loc)
        msg = "unknown field" + (did_you_mean(str(loc[-1]), known) if loc else "")
        if known:
            msg += f" (expected one of: {', '.join(known)})"
        return path, msg
    if kind == "missing":
        return path, "required field is missing"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) or kind == "value_error" \
        else f" (got {short_repr(got)})"
    return path, _expected(kind, err.get("ctx") or {}, str(err["msg"])) + shown


def describe_errors(exc: ValidationError, model: type[BaseModel]) -> list[tuple[str, str]]:
    """Every distinct problem of a pydantic validation, in order."""
    seen: set[tuple[str, str]] = set()
    out = []
    for err in exc.errors():
        problem = describe_error(err, model)
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return out
