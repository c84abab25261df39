"""Small Streamlit helpers shared by the sidebar and the tabs."""

from __future__ import annotations

from typing import Any

import streamlit as st

from webapp.state import ss

#: Streamlit's number inputs cannot show a decimal comma; "%g" shows 19 and 19.5 (never
#: "19.0"), so a Dutch reader only meets a decimal point where a value has decimals.
NUMBER_FORMAT = "%g"


def bounds(key: str, low: float | None, high: float | None) -> tuple[Any, Any]:
    """Widget bounds widened to the value it holds: a loaded file may go beyond the usual range
    (Streamlit refuses to draw a number input whose value lies outside its bounds)."""
    value = ss().get(key)
    if isinstance(value, int | float):
        if high is not None and value > high:
            high = type(high)(value)
        if low is not None and value < low:
            low = type(low)(value)
    return low, high


def number(label: str, key: str, *, min_value: float = 0.0, max_value: float | None = None,
           step: float = 1.0, fmt: str = NUMBER_FORMAT, help: str | None = None) -> None:
    low, high = bounds(key, min_value, max_value)
    st.number_input(label, key=key, min_value=low, max_value=high, step=step, format=fmt,
                    help=help)


def integer(label: str, key: str, *, min_value: int = 0, max_value: int | None = None,
            help: str | None = None) -> None:
    low, high = bounds(key, min_value, max_value)
    st.number_input(label, key=key, min_value=low, max_value=high, step=1, help=help)


def show_chart(chart: Any, help_text: str, lang: str = "nl") -> None:
    from webapp.charts import localise

    st.altair_chart(localise(chart, lang), width="stretch")
    st.caption(help_text)
