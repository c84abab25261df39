"""A calibrated scenario's runs over its parameter sets (issue 17, item 4), for the app.

The parameter sets (``sim.running.parameter_sets``: the fit's uncertainty, drawn by
``calibration.uncertainty``) travel with the loaded scenario (``webapp.state.set_base``).
When the planner runs that scenario, :func:`start` runs every set on the one run path
(:func:`sim.running.parameter_sets.run_sets`, which calls ``sim.running.runner.run_experiment``) in
a background thread; the page shows its progress and can cancel it. KPI meanings come from
``sim.outputs.kpi_defs`` and the two-part interval from ``sim.outputs.stats.summarise_sets`` (via
``SetsResult.summary``). No Streamlit here, so everything is tested alone.

Edits after loading: the sets replace only the fields the calibration fitted. An edit of any
other field (staff hours, policy, horizon, replications, seed, ...) keeps the sets: they are
applied to the edited scenario, so the planner sees what the fit leaves unknown for the
staffing they try. An edit of a fitted field would be overwritten by every set, so then the
sets no longer describe the edited scenario: :func:`conflicts` names those fields and the
run over the sets is not offered.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from sim.outputs.stamp import make_stamp
from sim.outputs.stats import t_quantile
from sim.running.parameter_sets import ParameterSets, SetsResult, run_sets
from sim.scenario.schema import Scenario

#: Replications of each set unless the planner picks another number (the CLI's default).
DEFAULT_REPS = 10
#: Sets that make the interval's width steady enough to decide on (``calibrate``'s default,
#: see :func:`reason`).
ENOUGH_SETS = 40
#: Worker processes for each set's replications (None: one per core, never more than reps).
WORKERS: int | None = None
#: Run in a background thread (False in tests: the run then happens in the script itself).
BACKGROUND = True


def _cache() -> Any:
    from webapp.engine import ResultCache

    return ResultCache(max_entries=8)


#: Finished runs over sets, by (scenario hash:sets digest, replications per set, seed): a
#: second run of the same scenario with the same sets is instant (as ``webapp.engine``).
CACHE = _cache()


def cache_key(scenario_digest: str, sets: ParameterSets, reps: int,
              seed: int) -> tuple[str, int, int]:
    return (f"{scenario_digest}:{sets_digest(sets)}", int(reps), int(seed))


class Cancelled(Exception):
    """The planner cancelled the run over the parameter sets."""


def sets_digest(sets: ParameterSets) -> str:
    """A short hash of the sets' values: the same sets give the same digest."""
    text = json.dumps(sets.overrides, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def read_fit(raw: bytes, name: str, base: Scenario) -> ParameterSets:
    """An uploaded parameter-sets file for the loaded scenario ``base``: read as the CLI reads
    it (``sim.running.parameter_sets``), its hash checked against ``base`` and every set applied to
    ``base`` at once, so that a bad value is refused here, naming the file, the set and the
    field, and never half-way through a run. Raises ``ParameterSetsError``."""
    import yaml

    from sim.running.parameter_sets import ParameterSetsError, apply_set, parse_parameter_sets
    from sim.scenario.inputs import MAX_FILE_BYTES
    from sim.scenario.schema import ScenarioError, scenario_hash

    if len(raw) > MAX_FILE_BYTES:
        raise ParameterSetsError(name, [("", f"file of {len(raw)} bytes; at most "
                                         f"{MAX_FILE_BYTES} expected")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterSetsError(name, [("", "not UTF-8 text: save the file as UTF-8")]) \
            from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterSetsError(name, [("", f"not valid YAML ({type(exc).__name__})")]) \
            from None
    sets = parse_parameter_sets(data, name)
    ours = scenario_hash(base)
    if sets.scenario_hash and str(sets.scenario_hash) != ours:
        raise ParameterSetsError(name, [("scenario_hash", f"the sets belong to scenario "
                                         f"{sets.scenario_hash}, not to the loaded {ours}: "
                                         "load that scenario first")])
    for i, ov in enumerate(sets.overrides):
        try:
            apply_set(base, ov, f"{name}: set {i}")
        except ScenarioError as exc:
            raise ParameterSetsError(name, [(f"sets.{i}", str(exc).replace("\n", " "))]) \
                from None
    return sets


def method_words(method: str, lang: str) -> str:
    """How the sets were drawn, in the page's language: the bootstrap that ``pnp-sim
    calibrate`` (and the app) writes in words from the catalogue; another tool's own
    description as it is given."""
    import re

    from webapp.i18n import t

    found = re.fullmatch(r"bootstrap over cases \(Poisson weights\) of log (\w+): \d+ sets",
                         method.strip())
    if found:
        return t("unc.method_bootstrap", lang, log=found.group(1))
    return method.strip() or t("unc.method_none", lang)


def fitted_paths(sets: ParameterSets) -> list[str]:
    """Every scenario path that some set overrides."""
    return sorted({path for ov in sets.overrides for path in ov})


def _overlap(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def conflicts(sets: ParameterSets, changes: list[tuple[str, Any, Any]] | None) -> list[str]:
    """The edited fields (``changes``: path, loaded value, run's value) that the sets would
    overwrite: with any, the sets no longer describe the edited scenario."""
    paths = fitted_paths(sets)
    return [p for p, _a, _b in (changes or []) if any(_overlap(p, q) for q in paths)]


def reason(n: int, lang: str) -> str:
    """Why ``n`` sets are enough (or not): the interval's half-width is estimated from the
    sets' spread, with a relative standard error of about 1 / sqrt(2 (n - 1)), and Student's
    t with n - 1 degrees of freedom is wider than the normal 1.96."""
    from webapp.i18n import fmt_num, t

    rel = 100 / math.sqrt(2 * max(n - 1, 1))
    tq = t_quantile(0.975, max(n - 1, 1))
    args = {"n": n, "rel": fmt_num(rel, lang, 0), "t": fmt_num(tq, lang, 2),
            "excess": fmt_num(100 * (tq / 1.959964 - 1), lang, 0), "enough": ENOUGH_SETS}
    return t("unc.enough" if n >= ENOUGH_SETS else "unc.few", lang, **args)


@dataclass
class SetsRun:
    """A finished run over the parameter sets, with its stamp."""

    result: SetsResult
    stamp: dict[str, Any]
    sets: int
    reps: int
    seconds: float
    _summary: pd.DataFrame | None = None

    @property
    def summary(self) -> pd.DataFrame:
        """Each KPI over the sets (``SetsResult.summary``), indexed by KPI, computed once."""
        if self._summary is None:
            self._summary = self.result.summary.set_index("kpi")
        return self._summary


@dataclass
class Job:
    """A run over the parameter sets for run ``name``: the thread writes here only; the page
    reads it on each rerun. ``cancel`` stops it between replications (nothing is kept)."""

    name: str
    total: int
    key: tuple[str, int, int] = ("", 0, 0)
    done_reps: int = 0
    result: SetsRun | None = None
    error: str | None = None
    cancelled: bool = False
    done: bool = False
    stop: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self.stop.set()

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_reps / max(self.total, 1))


def _workers(reps: int) -> int:
    from webapp.engine import default_workers

    return WORKERS if WORKERS is not None else default_workers(reps)


def _run(job: Job, scenario: Scenario, sets: ParameterSets, reps: int) -> None:
    def progress(done: int, _total: int) -> None:
        if job.stop.is_set():
            raise Cancelled
        job.done_reps = done

    start = time.perf_counter()
    try:
        # The sets were checked against the loaded scenario (hash) or the edits (see
        # ``conflicts``): run them on the scenario as the planner runs it.
        result = run_sets(scenario, replace(sets, scenario_hash=None), reps, scenario.seed,
                          _workers(reps), progress, "parameter sets")
        n = len(result.sets)
        stamp = make_stamp(scenario, scenario.seed, n * reps)
        stamp["parameter_sets"] = n
        stamp["sets_digest"] = sets_digest(sets)
        job.result = SetsRun(result, stamp, n, reps, time.perf_counter() - start)
    except Cancelled:
        job.cancelled = True
    except Exception as exc:  # noqa: BLE001 - shown to the planner in one line
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        job.done = True


def start(name: str, scenario: Scenario, sets: ParameterSets, reps: int,
          background: bool | None = None, key: tuple[str, int, int] = ("", 0, 0)) -> Job:
    """Run every set ``reps`` times for run ``name`` (in a thread unless ``background`` is
    False, or :data:`BACKGROUND` is)."""
    job = Job(name, len(sets.overrides) * reps, key)
    if BACKGROUND if background is None else background:
        threading.Thread(target=_run, args=(job, scenario, sets, reps), daemon=True,
                         name="parameter-sets").start()
    else:
        _run(job, scenario, sets, reps)
    return job


@dataclass
class DrawJob:
    """Drawing ``total`` parameter sets after a calibration (a fit per set, so it takes a
    while): the thread writes here only; ``cancel`` stops it between sets (nothing kept)."""

    total: int
    done_sets: int = 0
    sets: ParameterSets | None = None
    text: str | None = None
    cancelled: bool = False
    error: str | None = None
    done: bool = False
    stop: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self.stop.set()

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_sets / max(self.total, 1))


def _draw(job: DrawJob, log: Any, base: Scenario, cal: Any, families: Any) -> None:
    import yaml

    from calibration.uncertainty import parameter_sets, sets_yaml
    from sim.running.parameter_sets import parse_parameter_sets

    out: list[dict[str, Any]] = []
    try:
        for i in range(job.total):
            if job.stop.is_set():
                job.cancelled = True
                return
            # Set i is ``pnp-sim calibrate --parameter-sets --sets 1 --seed i``: one
            # bootstrap over the cases on its own stream, so the sets are independent and
            # each is reproducible alone.
            out.extend(parameter_sets(log, base, cal, 1, i, families=families))
            job.done_sets = i + 1
        if len(out) >= 2:
            job.text = sets_yaml(cal.scenario, out, log.digest)
            job.sets = parse_parameter_sets(yaml.safe_load(job.text), "calibration")
    except Exception as exc:  # noqa: BLE001 - shown to the planner in one line
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        job.done = True


def draw(log: Any, base: Scenario, cal: Any, families: Any, n: int,
         background: bool | None = None) -> DrawJob:
    """Draw ``n`` parameter sets for calibration ``cal`` of ``log`` (in a thread unless
    ``background`` is False, or :data:`BACKGROUND` is)."""
    job = DrawJob(n)
    if BACKGROUND if background is None else background:
        threading.Thread(target=_draw, args=(job, log, base, cal, families), daemon=True,
                         name="draw-parameter-sets").start()
    else:
        _draw(job, log, base, cal, families)
    return job


def widths(noise: pd.DataFrame, sets: pd.DataFrame) -> pd.DataFrame:
    """Per KPI: the noise-only interval (the ordinary run: ``ci_low``, ``ci_high``) and the
    interval including the inputs (``low``, ``high``), with both widths."""
    out = pd.DataFrame({"noise_low": noise["ci_low"], "noise_high": noise["ci_high"]})
    out = out.join(sets[["mean", "low", "high", "input_share", "sets", "reps"]], how="inner")
    out["noise_width"] = out["noise_high"] - out["noise_low"]
    out["width"] = out["high"] - out["low"]
    return out
