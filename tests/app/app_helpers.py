"""Helpers for the app tests: the AppTest harness and a spy on what reaches the model.

(A uniquely named module rather than conftest.py, so that it cannot clash with another test
folder's helpers when the whole suite runs in one session.)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from sim.running import runner  # noqa: E402

APP = str(ROOT / "app.py")


@dataclass
class Call:
    scenario: Any
    reps: int
    seed: int
    workers: int
    progress: Any


@dataclass
class RunSpy:
    """Records every call that reaches ``sim.running.runner.run_experiment`` and passes it on.

    Replications run in this process (workers=1) to keep the tests quick; results do not
    depend on the number of workers (see docs/API.md).
    """

    calls: list[Call] = field(default_factory=list)
    fail_with: Exception | None = None

    def __call__(self, scenario: Any, reps: int | None = None, seed: int | None = None,
                 workers: int = 1, progress: Any = None, **kw: Any) -> Any:
        self.calls.append(Call(scenario, int(reps or scenario.replications),
                               int(seed if seed is not None else scenario.seed), workers,
                               progress))
        if self.fail_with is not None:
            raise self.fail_with
        return REAL_RUN(scenario, reps=reps, seed=seed, workers=1, progress=progress, **kw)

    @property
    def last(self) -> Call:
        assert self.calls, "nothing reached run_experiment"
        return self.calls[-1]


REAL_RUN = runner.run_experiment


def new_app(reps: int = 2, timeout: float = 120) -> AppTest:
    """A fresh app session, run once, with few replications so that tests stay quick."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    set_number(at, "in:reps", reps)
    return at


def set_number(at: AppTest, key: str, value: float | str, lang: str | None = None) -> Any:
    """Type ``value`` into number field ``key`` (a text box, see webapp.widgets.number) as a
    reader of ``lang`` writes it ("12,5" in Dutch); a string is typed as it is. Returns the
    widget, so that ``.run()`` can follow."""
    from webapp.numbers import format_input

    if lang is None:
        lang = str(at.session_state["ui:lang"]) if "ui:lang" in at.session_state else "nl"
    text = value if isinstance(value, str) else format_input(value, lang)
    return at.text_input(key=f"tx:{key}").input(text)


def number_value(at: AppTest, key: str) -> Any:
    """The value number field ``key`` holds (what the scenario is built from)."""
    return at.session_state[key]


def click_run(at: AppTest) -> AppTest:
    at.button(key="ui:run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, key: str, lang: str = "nl") -> AppTest:
    """Switch to a tab (only the open tab is drawn)."""
    from webapp.i18n import t

    at.session_state["ui:tab"] = t(f"tab.{key}", lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --------------------------------------------------------------------------- language switch


def shown_labels(at: AppTest) -> dict[str, str]:
    """The label the browser shows, and sends back on every rerun, for each keyed option
    widget (radio, select box) except the language switch itself."""
    out: dict[str, str] = {}
    for w in [*at.radio, *at.selectbox]:
        if w.key and w.key != "ui:lang" and w.value is not None:
            out[w.key] = w.options[w.index]
    return out


def _send_stale(widget: Any, label: str) -> None:
    """Make ``widget`` send ``label`` on the next run, as a browser does that was never told
    the new label (Streamlit's browser side keeps the label of the option it shows)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    class Stale(type(widget)):  # type: ignore[misc]
        @property
        def _widget_state(self) -> WidgetState:
            ws = WidgetState()
            ws.id = self.id
            ws.string_value = label
            return ws

    widget.__class__ = Stale


def switch_language(at: AppTest, lang: str) -> AppTest:
    """Switch the page's language the way a browser does it.

    AppTest re-serialises every widget from the session state on each run, so it never sees
    what a browser sends: the label the browser showed before the switch, unless the server
    told it a new value (``set_value`` on the widget). This replays the browser's behaviour.
    """
    before = shown_labels(at)
    at.radio(key="ui:lang").set_value(lang).run()
    assert not at.exception, [e.value for e in at.exception]
    for w in [*at.radio, *at.selectbox]:
        if w.key in before and not w.proto.set_value and w.options[w.index] != before[w.key]:
            _send_stale(w, before[w.key])
    return at
