"""Small Streamlit helpers shared by the sidebar and the tabs.

Number fields are text boxes (see ``webapp.numbers``): Streamlit's number box drops a decimal
comma, so "12,5" became 125. Each field keeps two session-state entries: its value under its
own key (what the scenario is built from) and the typed text under ``tx:<key>`` (the widget).
``webapp.state.sync_numbers`` reads every text into its value at the start of a run, before
anything uses a value; a text that is no acceptable number leaves the value alone, shows a
message under the field and blocks the run (see ``number_errors``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from webapp.i18n import t
from webapp.numbers import NumberError, bound_text, format_input
from webapp.state import lang, number_errors, ss, text_key, wrote


def bounds(key: str, low: float | None, high: float | None) -> tuple[Any, Any]:
    """Field bounds widened to the value it holds: a loaded file may go beyond the usual range
    (and must not be refused for what it already holds)."""
    value = ss().get(key)
    if isinstance(value, int | float):
        if high is not None and value > high:
            high = type(high)(value)
        if low is not None and value < low:
            low = type(low)(value)
    return low, high


def held(key: str, options: list[Any]) -> int:
    """The index of the option that session state holds for widget ``key``, to pass as the
    widget's default.

    Streamlit's page forgets a widget's state when a fragment's run (the tabs' one-second
    timers) ends while a full run is redrawing the page (seen on a loaded machine); the
    redrawn widget then sends its *default* back. With the held value as the default, what
    it sends is what the planner chose: without it, untouched number boxes came back empty
    (and blocked the run) and a choice would fall back to the first option."""
    value = ss().get(key)
    return options.index(value) if value in options else 0


def held_value(key: str, fallback: Any) -> Any:
    """The value session state holds for widget ``key`` (``fallback`` before it holds one),
    to pass as the widget's default (see :func:`held`)."""
    return ss().get(key, fallback)


def held_list(key: str, options: list[Any], fallback: list[Any]) -> list[Any]:
    """The choices session state holds for multiselect ``key`` that are still options, to
    pass as its default (see :func:`held`)."""
    return [v for v in ss().get(key, fallback) if v in options]


def number_error_text(err: NumberError, lg: str) -> str:
    """The sentence for a refused number, in ``lg``."""
    args = {k: bound_text(v, lg) if isinstance(v, int | float) else v
            for k, v in err.args_.items()}
    return t(f"in.num.{err.code}", lg, **args)


def number(label: str, key: str, *, min_value: float | None = 0.0,
           max_value: float | None = None, step: float = 1.0, help: str | None = None,
           integer: bool = False) -> None:
    """A number field: a text box that takes the page's decimal sign, its message beneath.

    ``step`` is kept for the callers' sake (a text box has no arrows)."""
    del step
    state = ss()
    lg = lang()
    low, high = bounds(key, min_value, max_value)
    state.setdefault("ui:specs", {})[key] = (low, high, integer, label)
    if key not in state:
        state[key] = low if low is not None else 0
    value = state[key]
    shown = state.setdefault("ui:shown", {})
    prev = shown.get(key)
    err = number_errors().get(key)
    tk = text_key(key)
    # Write the text anew when the value was set by the page (a load, a unit change) or the
    # language changed; a text the planner is still correcting is left as typed.
    if tk not in state or prev is None or prev[0] != value or (prev[1] != lg and err is None):
        state[tk] = format_input(value, lg, integer)
        shown[key] = (value, lg)
        wrote(key, value, str(state[tk]))
    st.text_input(label, value=str(state[tk]), key=tk, help=help)
    if err is not None:
        st.error(number_error_text(err, lg))


def integer(label: str, key: str, *, min_value: int | None = 0, max_value: int | None = None,
            help: str | None = None) -> None:
    number(label, key, min_value=min_value, max_value=max_value, help=help, integer=True)


def show_chart(chart: Any, help_text: str, lang: str = "nl") -> None:
    from webapp.charts import localise

    st.altair_chart(localise(chart, lang), width="stretch")
    st.caption(help_text)
