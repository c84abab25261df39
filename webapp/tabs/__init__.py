"""The result tabs, in the order the page shows them.

Adding a tab is one line in :data:`TABS`: a key, its label in Dutch and English, and a function
that draws it from the :class:`Context`. For example, a module ``webapp/least.py`` exposing
``render(lang, scenario)``, add to :data:`TABS`::

    Tab("least", "Minimale bezetting", "Least staffing",
        lambda c: least.render(c.lang, c.scenario)),

Only the open tab is drawn, so a tab costs nothing while it is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.scenario.schema import Scenario
from webapp.i18n import t


@dataclass(frozen=True)
class Context:
    """What a tab gets: the language, the scenario data from the inputs, and the validated
    scenario (None while the inputs are invalid)."""

    lang: str
    data: dict[str, Any]
    scenario: Scenario | None


@dataclass(frozen=True)
class Tab:
    key: str
    nl: str
    en: str
    render: Callable[[Context], None]

    def label(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


def _results(c: Context) -> None:
    from webapp.tabs import results

    results.render(c.lang, c.scenario)


def _compare(c: Context) -> None:
    from webapp.tabs import compare

    compare.render(c.lang)


def _minimum(c: Context) -> None:
    from webapp.tabs import minimum

    minimum.render(c.lang, c.data, c.scenario)


def _least(c: Context) -> None:
    """Least staffing (issue 8): the search caches its replications in the results folder."""
    import streamlit as st

    from webapp import state
    from webapp.sweep_jobs import LEAST_STAFFING_STORE, results_dir
    from webapp.tabs import staffing as staffing_tab

    if c.scenario is None:
        st.info(t("least.invalid", c.lang))
        return

    def load(data: dict[str, Any]) -> None:
        from webapp.i18n import point_words

        state.load(data, "frontier:" + point_words(data, c.lang))
        st.rerun()

    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    staffing_tab.render(c.scenario, c.lang, on_load=load,
                        store=str(folder / LEAST_STAFFING_STORE))


def _sensitivity(c: Context) -> None:
    """Which assumptions matter (issue 9): the sources come from the loaded file's comments,
    with the planner's own changes marked as such."""
    import streamlit as st

    from webapp import state
    from webapp.tabs import sensitivity as sensitivity_tab

    if c.scenario is None:
        st.info(t("least.invalid", c.lang))
        return
    sensitivity_tab.render(c.scenario, state.current_sources(c.data), c.lang)


def _calibration(c: Context) -> None:
    """Calibration from an organisation's records (issue 10); the upload stays in memory."""
    from webapp.tabs import calibration as calibration_tab

    calibration_tab.render(c.lang)


def _downloads(c: Context) -> None:
    from webapp.tabs import downloads

    downloads.render(c.lang)


def _scenario(c: Context) -> None:
    from webapp.tabs import scenario

    scenario.render(c.lang, c.scenario)


def _sweeps(c: Context) -> None:
    from webapp.tabs import sweeps

    sweeps.render(c.lang, c.scenario)


def _own(key: str, render: Callable[[Context], None]) -> Tab:
    """A tab of this package, labelled from ``webapp.i18n`` (``tab.<key>``)."""
    return Tab(key, t(f"tab.{key}", "nl"), t(f"tab.{key}", "en"), render)


TABS: list[Tab] = [
    _own("results", _results),
    _own("compare", _compare),
    _own("minimum", _minimum),
    _own("least", _least),
    _own("downloads", _downloads),
    _own("scenario", _scenario),
    _own("sweeps", _sweeps),
    _own("sensitivity", _sensitivity),
    _own("calibration", _calibration),
]
