"""The page's session state: the loaded scenario, the runs kept, and the widget values.

Session state keys: ``base`` (the loaded scenario's data), ``base_source``, ``runs`` (name ->
:class:`Run`), widget keys ``in:*`` (inputs, see ``webapp.inputs``) and ``ui:*`` (everything
else). Everything here needs a running Streamlit session except :func:`option_key`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from sim.scenario.schema import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    parse_scenario_text,
    scenario_to_dict,
)
from webapp import inputs as inp
from webapp.i18n import DEFAULT_LANG, LANGS, error_text, t

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = "baseline.yaml"


@dataclass
class Run:
    """A named run kept in the session."""

    name: str
    result: Any
    seconds: float
    cached: bool
    key: tuple[str, int, int]
    _summary: pd.DataFrame | None = None
    #: The loaded scenario this run started from: (name, source, hash).
    origin: tuple[str, str, str] | None = None
    #: Input paths that differ from the loaded scenario: (path, loaded value, run's value).
    changes: list[tuple[str, Any, Any]] | None = None
    #: The run over the loaded scenario's parameter sets (``webapp.uncertainty.SetsRun``), or
    #: None; ``sets_skipped`` says why it was not run (the edited fitted fields), if so.
    sets: Any = None
    sets_skipped: list[str] | None = None

    @property
    def summary(self) -> pd.DataFrame:
        """``result.summary``, computed once (the property recomputes every interval)."""
        if self._summary is None:
            self._summary = self.result.summary
        return self._summary


def origin_of(scenario: Scenario) -> tuple[tuple[str, str, str], list[tuple[str, Any, Any]]]:
    """The loaded scenario (name, source, hash) and the inputs in which ``scenario`` differs
    from it: what ties a run to what was loaded."""
    from sim.scenario.schema import scenario_hash
    from webapp.scenario_diff import differences

    state = ss()
    base = state["base"]
    origin = (str(base.get("name") or ""), str(state["base_source"]),
              scenario_hash(parse_scenario(base, "base")))
    changes = [(path, values[0], values[1])
               for path, values in differences([base, scenario_to_dict(scenario)])]
    return origin, changes


def base_sets() -> Any:
    """The loaded scenario's parameter sets (``ParameterSets``), or None."""
    return ss().get("base_sets")


def ss() -> Any:
    return st.session_state


def lang() -> str:
    value = ss().get("ui:lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def runs() -> dict[str, Run]:
    out: dict[str, Run] = ss()["runs"]
    return out


# --------------------------------------------------------------------------- language switch

#: Keyed option widgets whose shown labels depend on the language: key -> (options, label).
#: Streamlit's browser side keeps the *label* of the selected option and sends it back on every
#: rerun; after a language switch that old label is no option of the redrawn widget any more,
#: and Streamlit hands the raw label to the script ("Wachtlijst: ..." instead of "waitlist") or
#: silently resets the widget to its first option. So on a switch every such widget is given its
#: key again, which makes Streamlit send the browser the new label, and every value read is
#: mapped back to its key first. A tab with such a widget calls :func:`register_options`.
LANG_OPTIONS: dict[str, tuple[tuple[Any, ...], Callable[[Any, str], str]]] = {
    inp.TIME_UNIT_KEY: (inp.TIME_UNITS, lambda u, lg: t(f"in.unit.{u}", lg)),
    inp.K_POLICY: (inp.POLICIES, lambda p, lg: t(f"in.policy.{p}", lg)),
    "ui:csv_dialect": (("nl", "en"), lambda d, lg: t(f"dl.csv_dialect.{d}", lg)),
}


def register_options(key: str, options: tuple[Any, ...],
                     label: Callable[[Any, str], str]) -> None:
    """Declare a keyed radio/select box whose labels depend on the language."""
    LANG_OPTIONS[key] = (tuple(options), label)


def option_key(key: str, value: Any) -> Any:
    """``value`` of widget ``key`` as an option key, mapping a label in any language back."""
    spec = LANG_OPTIONS.get(key)
    if spec is None or value in spec[0]:
        return value
    options, label = spec
    for option in options:
        if any(value == label(option, code) for code in LANGS):
            return option
    return value


def normalise_options(force: bool = False) -> None:
    """Give every language-dependent option widget its key (see :data:`LANG_OPTIONS`);
    ``force`` re-assigns even a key, so that Streamlit sends the browser the new label."""
    state = ss()
    for key in LANG_OPTIONS:
        if key in state:
            value = option_key(key, state[key])
            if force or value != state[key]:
                state[key] = value


def on_lang_change() -> None:
    normalise_options(force=True)
    _numbers_to_language(lang())


def _numbers_to_language(new: str) -> None:
    """Write every accepted number box anew in the new language at once (a callback runs
    before the page), so that the next text typed is read in the language it was typed in,
    even when a quick edit interrupts the run that would have redrawn the boxes."""
    from webapp.numbers import format_input

    state = ss()
    shown = state.get("ui:shown", {})
    errors = state.get("ui:num_errors", {})
    specs = state.get("ui:specs", {})
    for key, (value, _old) in list(shown.items()):
        tk = text_key(key)
        if key in errors or key not in specs or tk not in state:
            continue
        state[tk] = format_input(value, new, specs[key][2])
        shown[key] = (value, new)
        wrote(key, value, str(state[tk]))


def wrote(key: str, value: Any, text: str) -> None:
    """Remember that the page wrote ``text`` into number box ``key`` for ``value``.

    A run cut short by the next edit may not reach the browser, which then still holds an
    earlier text the page wrote for the same value (after a language switch: "17,3" on an
    English page); such a text means that value, not a typed one to read again."""
    state = ss()
    written = state.setdefault("ui:written", {})
    old = written.get(key)
    written[key] = (value, (old[1] if old and old[0] == value else frozenset()) | {text})


# --------------------------------------------------------------------------- scenario


def scenario_files() -> list[str]:
    names = sorted(p.name for p in SCENARIO_DIR.glob("*.yaml"))
    if DEFAULT_SCENARIO in names:
        names.remove(DEFAULT_SCENARIO)
        names.insert(0, DEFAULT_SCENARIO)
    return names


def set_base(data: dict[str, Any], source: str, text: str | None = None,
             sets: Any = None) -> None:
    """Make ``data`` the loaded scenario; every input starts again from it. ``text`` is the
    file's YAML, whose comments name each number's source (kept for the sources shown beside
    the inputs, in downloads and in the sensitivity tab). ``sets`` are its parameter sets
    (``sim.running.parameter_sets.ParameterSets``, from a calibration) or None: every load without
    them drops the previous scenario's sets. With sets, the run over them is switched on.

    Only call this before the inputs are drawn (a widget callback, or :func:`init_state`);
    code inside a tab calls :func:`load`, which applies it at the start of the next run.
    """
    state = ss()
    state["base"] = data
    state["base_source"] = source
    state["base_text"] = text
    state["base_sets"] = sets
    if sets is not None:
        state["ui:unc_on"] = True
    _remember_stale_texts(state)
    for key in [k for k in state if isinstance(k, str) and k.startswith(inp.PREFIX)]:
        del state[key]
    # Every input shows the loaded scenario as it is (not what the browser last sent), and
    # every number box is written anew from it (see ``webapp.widgets.number``).
    for key, value in inp.defaults(data, state.get(inp.TIME_UNIT_KEY, "weeks")).items():
        state[key] = value
    shown = state.get("ui:shown", {})
    state["ui:shown"] = {k: v for k, v in shown.items() if not k.startswith(inp.PREFIX)}
    state["ui:written"] = {k: v for k, v in state.get("ui:written", {}).items()
                           if not k.startswith(inp.PREFIX)}
    state["ui:num_errors"] = {k: v for k, v in state.get("ui:num_errors", {}).items()
                              if not k.startswith(inp.PREFIX)}


def _remember_stale_texts(state: Any) -> None:
    """Keep, per number box, the texts the browser may still hold from before a load.

    A rerun the browser sends while the load's run is still reaching it (a tab's one-second
    timer fires during it, more often on a loaded machine) carries the boxes' old texts for
    every box whose new text it has not yet received. Read as typed, they would run part of
    the old scenario with the new one (a calibrated scenario whose source shares added up to
    98%). :func:`sync_numbers` passes over such a text until the box has shown its new one.
    """
    stale: dict[str, set[str]] = {k: set(v) for k, v in state.get("ui:stale_texts", {}).items()}
    for key, (_value, texts) in state.get("ui:written", {}).items():
        if key.startswith(inp.PREFIX):
            stale.setdefault(key, set()).update(texts)
    for tk in [k for k in state if isinstance(k, str) and k.startswith(TEXT_PREFIX + inp.PREFIX)]:
        stale.setdefault(tk[len(TEXT_PREFIX):], set()).add(str(state[tk]))
    state["ui:stale_texts"] = stale


def load(data: dict[str, Any], source: str, text: str | None = None,
         sets: Any = None) -> None:
    """Load a scenario from inside the page (a calibration, a frontier point, a sweep point).

    The inputs in the sidebar may already have been drawn in this run, and Streamlit refuses
    a new value for a drawn widget; so the scenario waits in the state and :func:`init_state`
    makes it the loaded one at the start of the next run, before any input is drawn. The caller
    then calls ``st.rerun()``. One path for every kind of load: the sidebar, the run and the
    hash shown all follow from ``base`` and the inputs it sets.
    """
    ss()["ui:pending_load"] = (data, source, text, sets)


# --------------------------------------------------------------------------- parameter sets


def start_sets(run: Run, scenario: Scenario) -> None:
    """After ``run`` of ``scenario``: run the loaded scenario's parameter sets too, when it has
    them and the planner left the option on (``ui:unc_on``). An edit of a fitted field stops
    it (``run.sets_skipped``, see ``webapp.uncertainty``); a finished equal run is reused."""
    from webapp import uncertainty as unc

    state = ss()
    sets = base_sets()
    if sets is None or not state.get("ui:unc_on", True):
        return
    clash = unc.conflicts(sets, run.changes)
    if clash:
        run.sets_skipped = clash
        return
    old = state.get("ui:unc_job")
    if old is not None and not old.done:
        old.cancel()
    reps = int(state.get("ui:unc_reps", unc.DEFAULT_REPS))
    key = unc.cache_key(run.key[0], sets, reps, scenario.seed)
    hit = unc.CACHE.get(key)
    if hit is not None:
        run.sets = hit
        return
    state["ui:unc_job"] = unc.start(run.name, scenario, sets, reps, key=key)
    collect_sets()


def collect_draw() -> Any:
    """The running draw of a calibration's parameter sets (``cal:draw``), or None. A finished
    one is kept with the calibration's result (its sets, or why there are none); when that
    calibration is the loaded scenario already (used before its sets were ready) and still
    has its hash, the sets join it now, as if loaded with it."""
    from sim.scenario.schema import scenario_hash

    state = ss()
    job = state.get("cal:draw")
    if job is None or not job.done:
        return job
    del state["cal:draw"]
    res = state.get("cal:result")
    if res is None:
        return None
    res.update(sets=job.sets, sets_yaml=job.text, sets_cancelled=job.cancelled,
               sets_error=job.error)
    if (job.sets is not None and state.get("cal:used") == res["cal"].digest
            and state.get("base_sets") is None
            and job.sets.scenario_hash == scenario_hash(parse_scenario(state["base"], "base"))):
        state["base_sets"] = job.sets
        state["ui:unc_on"] = True
    return None


def collect_sets() -> Any:
    """The running job over the parameter sets, or None; a finished one is attached to its
    run (or its cancellation or error kept to be said) and forgotten."""
    from webapp import uncertainty as unc

    state = ss()
    job = state.get("ui:unc_job")
    if job is None or not job.done:
        return job
    del state["ui:unc_job"]
    run = runs().get(job.name)
    if job.result is not None:
        unc.CACHE.put(job.key, job.result)
        if run is not None:
            run.sets = job.result
    elif job.cancelled:
        state["ui:unc_msg"] = ("cancelled", job.name)
    elif job.error:
        state["ui:unc_msg"] = ("failed", job.error)
    return None


# --------------------------------------------------------------------------- number fields

TEXT_PREFIX = "tx:"


def text_key(key: str) -> str:
    """The text box of number field ``key``."""
    return TEXT_PREFIX + key


def number_errors(prefix: str = "") -> dict[str, Any]:
    """Number fields (key -> :class:`webapp.numbers.NumberError`) whose text was refused in
    this run, optionally only those whose key starts with ``prefix``."""
    errors: dict[str, Any] = ss().get("ui:num_errors", {})
    return {k: v for k, v in errors.items() if k.startswith(prefix)}


def number_label(key: str) -> str:
    spec = ss().get("ui:specs", {}).get(key)
    return str(spec[3]) if spec else key


def sync_numbers() -> None:
    """Read every number box's text into its value, first thing in a run.

    So a run started by a click uses the text on screen, never an older value. A text that is
    unchanged since the page wrote it leaves the value as it is (a loaded 1/3 stays 1/3, not
    the nine decimals shown); a refused text leaves the value too, and is listed in
    ``ui:num_errors`` so that the field says why and the run waits.
    """
    from webapp.numbers import NumberError, format_input, parse_number

    state = ss()
    shown = state.setdefault("ui:shown", {})
    specs = state.setdefault("ui:specs", {})
    errors: dict[str, NumberError] = {}
    stale = state.setdefault("ui:stale_texts", {})
    for tk in [k for k in state if isinstance(k, str) and k.startswith(TEXT_PREFIX)]:
        key = tk[len(TEXT_PREFIX):]
        prev, spec = shown.get(key), specs.get(key)
        if prev is None or spec is None:
            continue  # written anew when the field is drawn
        low, high, integer, _label = spec
        text = str(state[tk])
        written = state.get("ui:written", {}).get(key)
        if text == format_input(prev[0], prev[1], integer) or (
                written and written[0] == prev[0] and text in written[1]):
            stale.pop(key, None)  # the box shows its new text: what comes next is typed
            continue
        if text in stale.get(key, ()):
            # a text from before the last load, sent back by a browser that had not yet
            # received the new one: the value stays, and the box is written anew with it
            shown.pop(key, None)
            continue
        try:
            value = parse_number(text, prev[1], integer=integer, low=low, high=high)
        except NumberError as exc:
            errors[key] = exc
            continue
        state[key] = value
        shown[key] = (value, prev[1])
    state["ui:num_errors"] = errors


#: Widgets in tabs that may be hidden; Streamlit forgets the state of a widget that is not drawn,
#: so these are re-assigned every run (Streamlit's documented way to keep them). A tab adds its
#: own keys with :func:`persist`.
PERSIST: list[str] = ["ui:view_run", "ui:dl_run", "ui:cmp_runs", "ui:cmp_base", "ui:cmp_auto",
                      "ui:min_start", "ui:min_use_p90", "ui:min_p90", "ui:min_use_util",
                      "ui:min_util", "ui:min_use_wait", "ui:min_wait", "ui:yaml_text",
                      "ui:report_runs", "ui:csv_dialect", "ui:unc_on", "ui:unc_reps"]


def persist(*keys: str) -> None:
    for key in keys:
        if key not in PERSIST:
            PERSIST.append(key)


def init_state() -> None:
    state = ss()
    pending = state.pop("ui:pending_load", None)
    if pending is not None:
        set_base(*pending)
    normalise_options()
    for key in PERSIST:
        if key in state:
            state[key] = state[key]
    state.setdefault("runs", {})
    if "ui:lang" not in state:
        # The language survives a reload: it is kept in the address (?lang=en).
        asked = st.query_params.get("lang")
        state["ui:lang"] = asked if asked in LANGS else DEFAULT_LANG
    state.setdefault(inp.TIME_UNIT_KEY, "weeks")
    state.setdefault("ui:time_unit_prev", state[inp.TIME_UNIT_KEY])
    if "base" not in state:
        files = scenario_files()
        name = DEFAULT_SCENARIO if DEFAULT_SCENARIO in files else (files[0] if files else None)
        if name is None:
            st.error(t("src.none", lang()))
            st.stop()
        try:
            scenario = load_scenario(SCENARIO_DIR / str(name))
        except ScenarioError as exc:
            st.error(str(exc))
            st.stop()
        set_base(scenario_to_dict(scenario), f"scenarios/{name}",
                 (SCENARIO_DIR / str(name)).read_text(encoding="utf-8"))
        state["ui:source_file"] = name
    for key, value in inp.defaults(state["base"], state[inp.TIME_UNIT_KEY]).items():
        if key not in state:
            state[key] = value
    sync_numbers()


def input_values() -> dict[str, Any]:
    state = ss()
    return {k: option_key(k, state[k]) for k in state
            if isinstance(k, str) and k.startswith(inp.PREFIX)}


def current_scenario() -> tuple[dict[str, Any], Scenario | None, ScenarioError | None]:
    """(scenario data from the inputs, the validated scenario or None, the error or None)."""
    state = ss()
    data = inp.build_scenario_dict(state["base"], input_values(), state[inp.TIME_UNIT_KEY])
    try:
        return data, parse_scenario(data, state["base_source"]), None
    except ScenarioError as exc:
        return data, None, exc


def current_sources(data: dict[str, Any] | None = None) -> Any:
    """Where each number of the current scenario comes from (``sim.scenario.sources``): read from
    the loaded file's comments; a number the planner changed in the inputs is marked ``user``."""
    from sim.scenario.sources import ScenarioSources, read_sources, with_user_values

    state = ss()
    text = state.get("base_text")
    try:
        sources = read_sources(text) if text else ScenarioSources({}, {})
    except Exception:  # noqa: BLE001 - a text that parsed as a scenario; comments are extras
        sources = ScenarioSources({}, {})
    if data is None:
        return sources
    return ScenarioSources(with_user_values(sources, state["base"], data), sources.unsourced)


# --------------------------------------------------------------------------- callbacks


def on_source_change() -> None:
    state = ss()
    name = state.get("ui:source_file")
    state.pop("ui:source_error", None)
    try:
        scenario = load_scenario(SCENARIO_DIR / str(name))
    except ScenarioError as exc:
        state["ui:source_error"] = (str(name), exc)
        return
    set_base(scenario_to_dict(scenario), f"scenarios/{name}",
             (SCENARIO_DIR / str(name)).read_text(encoding="utf-8"))


def on_upload() -> None:
    state = ss()
    up = state.get("ui:upload")
    state.pop("ui:source_error", None)
    if up is None:
        return
    raw = up.getvalue()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        state["ui:source_error"] = (up.name, "utf8")
        return
    try:
        scenario = parse_scenario_text(text, up.name)
    except ScenarioError as exc:
        state["ui:source_error"] = (up.name, exc)
        return
    set_base(scenario_to_dict(scenario), f"upload:{up.name}", text)


def on_unit_change() -> None:
    state = ss()
    new = option_key(inp.TIME_UNIT_KEY, state[inp.TIME_UNIT_KEY])
    inp.convert_from_values(state, inp.from_keys(), state.get("ui:time_unit_prev", "weeks"), new)
    state["ui:time_unit_prev"] = new


def on_apply_yaml() -> None:
    state = ss()
    state.pop("ui:yaml_error", None)
    state.pop("ui:yaml_ok", None)
    source = t("yaml.source", lang())
    try:
        scenario = parse_scenario_text(state.get("ui:yaml_text", ""), source)
    except ScenarioError as exc:
        state["ui:yaml_error"] = exc
        return
    set_base(scenario_to_dict(scenario), source, state.get("ui:yaml_text", ""))
    state["ui:yaml_ok"] = True


def source_error_text(err: Any, lg: str) -> str:
    """A stored loading error as text in ``lg`` (errors are kept as objects so that a language
    switch translates them too)."""
    if err == "utf8":
        return t("err.utf8", lg)
    return error_text(err, lg)


__all__ = ["Run", "ss", "lang", "runs", "init_state", "current_scenario", "input_values",
           "parse_scenario", "error_text"]
