"""Issue 18: what the planner sees is what is run.

One loading path sets every input; a run uses exactly what the inputs show and says which
loaded scenario it came from and what changed; numbers are read as a Flemish planner types
them, and a refused number blocks the run instead of running an older value.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from app_helpers import click_run, new_app, number_value, open_tab, set_number
from hypothesis import given
from hypothesis import strategies as hs

from sim.scenario.schema import load_scenario, parse_scenario, scenario_hash, scenario_to_dict
from webapp import inputs as inp
from webapp.i18n import t
from webapp.numbers import NumberError, format_input, parse_number
from webapp.scenario_diff import differences

PNP_HOURS = inp.k_step("staff.pnp_counsellor", 0, "value")
REFERRALS = inp.k_step("ref", 0, "value")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("text", "lang", "value"), [
    ("12,5", "nl", 12.5), ("12", "nl", 12.0), (" 12,5 ", "nl", 12.5), ("1.000", "nl", 1000.0),
    ("1.000,5", "nl", 1000.5), ("1\u00a0000", "nl", 1000.0), ("-5", "nl", -5.0),
    (",5", "nl", 0.5), ("12.5", "en", 12.5), ("1,000.5", "en", 1000.5), ("0", "en", 0.0),
])
def test_numbers_as_typed(text: str, lang: str, value: float) -> None:
    assert parse_number(text, lang) == value


@pytest.mark.parametrize(("text", "lang", "code"), [
    ("", "nl", "empty"), ("   ", "nl", "empty"), ("12.5", "nl", "point"),
    ("1.00", "nl", "point"), ("12,5", "en", "comma"), ("inf", "nl", "not_number"),
    ("nan", "en", "not_number"), ("1e5", "en", "not_number"), ("12,5,3", "nl", "not_number"),
    ("--1", "nl", "not_number"), ("twaalf", "nl", "not_number"), ("1,2.3", "nl", "point"),
])
def test_hostile_numbers_are_refused_with_a_reason(text: str, lang: str, code: str) -> None:
    with pytest.raises(NumberError) as err:
        parse_number(text, lang)
    assert err.value.code == code


def test_whole_numbers_and_bounds() -> None:
    assert parse_number("3", "nl", integer=True) == 3
    with pytest.raises(NumberError, match="not_integer"):
        parse_number("2,5", "nl", integer=True)
    with pytest.raises(NumberError, match="too_large"):
        parse_number("100000", "nl", high=168)
    with pytest.raises(NumberError, match="too_small"):
        parse_number("-5", "nl", low=0)
    assert parse_number("0", "nl", low=0, high=168) == 0.0


@given(hs.decimals(min_value=-10**6, max_value=10**6, places=6, allow_nan=False,
                   allow_infinity=False), hs.sampled_from(["nl", "en"]))
def test_a_shown_number_reads_back_as_itself(d: Any, lang: str) -> None:
    value = float(d)
    assert math.isclose(parse_number(format_input(value, lang), lang), value, abs_tol=1e-9)


def test_shown_numbers_use_the_page_s_decimal_sign() -> None:
    assert format_input(12.5, "nl") == "12,5"
    assert format_input(12.5, "en") == "12.5"
    assert format_input(19.0, "nl") == "19"
    assert format_input(1 / 3, "nl") == "0,333333333"


def test_differences_lists_only_what_differs() -> None:
    a = {"name": "a", "x": {"y": [1, 2]}, "z": 0.0}
    b = {"name": "b", "x": {"y": [1, 3]}, "z": -0.0}
    assert differences([a, b]) == [("x.y.1", [2, 3])]
    assert differences([a, a]) == []


# --------------------------------------------------------------------------- the page


def test_decimal_comma_is_run_as_typed(spy: Any) -> None:
    at = new_app()
    set_number(at, PNP_HOURS, "12,5").run()
    assert not at.error, [e.value for e in at.error]
    click_run(at)
    assert spy.last.scenario.staff.pnp_counsellor.schedule[0].hours == 12.5


@pytest.mark.parametrize("text", ["100000", "-5", "12.5", "abc", ""])
def test_a_refused_number_blocks_the_run_and_never_runs_the_old_value(spy: Any,
                                                                    text: str) -> None:
    at = new_app()
    click_run(at)
    calls = len(spy.calls)
    runs_before = list(at.session_state["runs"])
    set_number(at, PNP_HOURS, text).run()
    errors = " ".join(e.value for e in at.error)
    # The reason in Dutch under the field, and the run refused in the run box.
    assert t("run.fields_bad", "nl", n=1, fields=t("in.hours", "nl")) in errors
    assert at.button(key="ui:run").disabled
    at.run()
    assert len(spy.calls) == calls
    assert list(at.session_state["runs"]) == runs_before
    # The field still shows what was typed; the value behind it was not changed.
    assert at.text_input(key="tx:" + PNP_HOURS).value == text
    assert number_value(at, PNP_HOURS) == 19.0


def test_zero_hours_is_allowed_but_warned(spy: Any) -> None:
    at = new_app()
    set_number(at, PNP_HOURS, 0).run()
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert t("in.zero_hours", "nl", role="P&P-begeleider") in warnings
    assert not at.button(key="ui:run").disabled


def _loaded_hash(at: Any) -> str:
    return str(scenario_hash(parse_scenario(at.session_state["base"], "base")))


def test_a_loaded_scenario_sets_every_input_and_is_run_as_loaded(spy: Any) -> None:
    """The calibration bug: the sidebar kept 3 referrals a year after loading 6.27."""
    at = new_app()
    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data["referrals"]["schedule"][0]["per_year"] = 6.2727
    data["families"]["interested_per_year"] = 41.0
    data["replications"] = 2
    # What a tab does when it loads a scenario mid-page (a frontier or sweep point).
    at.session_state["ui:pending_load"] = (data, "frontier:test point", None)
    at.run()
    assert at.text_input(key="tx:" + REFERRALS).value == "6,2727"
    assert at.text_input(key="tx:" + inp.K_INTERESTED).value == "41"
    loaded = _loaded_hash(at)
    assert loaded in at.sidebar.caption[0].value or any(
        loaded in c.value for c in at.sidebar.caption)
    click_run(at)
    assert scenario_hash(spy.last.scenario) == loaded
    run = next(iter(at.session_state["runs"].values()))
    assert run.origin[2] == loaded and run.changes == []
    # One edit: the run differs from the loaded scenario by exactly that field.
    set_number(at, PNP_HOURS, 32).run()
    click_run(at)
    run = at.session_state["runs"][at.session_state["ui:view_run"]]
    assert run.changes == [("staff.pnp_counsellor.schedule.0.hours", 19.0, 32.0)]
    assert run.origin[2] == loaded
    open_tab(at, "results")
    origin = " ".join(c.value for c in at.caption)
    assert "uren per week: 19 → 32" in origin and loaded in origin


def test_a_text_the_browser_still_held_from_before_a_load_is_not_run(spy: Any) -> None:
    """A rerun sent while the load's run is still reaching the browser (a tab's timer) carries
    the old texts of the boxes it has not yet redrawn: the browser journey once ran a
    calibrated scenario with one old source share (shares adding up to 98%)."""
    at = new_app()
    old_text = at.text_input(key="tx:" + REFERRALS).value
    assert old_text == "3"
    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data["referrals"]["schedule"][0]["per_year"] = 6.2727
    data["replications"] = 2
    at.session_state["ui:pending_load"] = (data, "calibration:test", None)
    at.run()
    assert at.text_input(key="tx:" + REFERRALS).value == "6,2727"
    # the browser sends the box's old text back, as it does before it has the new one
    at.text_input(key="tx:" + REFERRALS).input(old_text).run()
    assert number_value(at, REFERRALS) == pytest.approx(6.2727)
    assert at.text_input(key="tx:" + REFERRALS).value == "6,2727"  # written anew
    click_run(at)
    assert scenario_hash(spy.last.scenario) == _loaded_hash(at)
    # once the box has shown its new text, the old number typed again is an edit like any
    set_number(at, REFERRALS, "3").run()
    assert number_value(at, REFERRALS) == 3.0
    click_run(at)
    assert spy.last.scenario.referrals.schedule[0].per_year == 3.0


def test_loading_clears_a_refused_text(spy: Any) -> None:
    at = new_app()
    set_number(at, PNP_HOURS, "100000").run()
    assert at.button(key="ui:run").disabled
    at.selectbox(key="ui:source_file").set_value("two-counsellors.yaml").run()
    assert not at.button(key="ui:run").disabled
    shown = at.text_input(key="tx:" + PNP_HOURS).value
    loaded = at.session_state["base"]["staff"]["pnp_counsellor"]["schedule"][0]["hours"]
    assert shown == format_input(loaded, "nl")
    click_run(at)
    assert scenario_hash(spy.last.scenario) == _loaded_hash(at)


def test_growth_flag_names_the_role_with_no_hours() -> None:
    """A P&P counsellor at 0 h placed nobody, yet the flag named the parent counsellor."""
    from sim.running import runner
    from webapp import growth as gr

    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data["staff"]["pnp_counsellor"]["schedule"] = [{"from_week": 0, "hours": 0}]
    data.update(horizon_weeks=260, warmup_weeks=0, replications=4, seed=5)
    res = runner.run_experiment(parse_scenario(data, "zero"), workers=1)
    g = gr.assess(res)
    assert g.no_hours == ("pnp_counsellor",)
    assert g.short_role == "pnp_counsellor"
    assert g.growing
    text = gr.warning_text(g, "nl")
    assert text is not None and "P&P-begeleider: 0 uur" in text
    assert "ouderbegeleider" not in text.lower()


def test_the_language_survives_a_reload() -> None:
    """A reload opened the page in Dutch again: the language is kept in the address."""
    from app_helpers import APP
    from streamlit.testing.v1 import AppTest

    at = new_app()
    at.radio(key="ui:lang").set_value("en").run()
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    again = AppTest.from_file(APP, default_timeout=120)
    again.query_params["lang"] = "en"
    again.run()
    assert again.session_state["ui:lang"] == "en"
    assert any(b.label == t("run.button", "en") for b in again.button)


def test_a_refused_number_in_a_tab_blocks_that_tab_s_run(spy: Any) -> None:
    at = new_app()
    open_tab(at, "minimum")
    set_number(at, "ui:min_p90", "52.5").run()  # a decimal point in Dutch
    assert at.button(key="ui:min_run").disabled
    assert t("in.num.point", "nl", text="52.5") in [e.value for e in at.error]
    set_number(at, "ui:min_p90", "52,5").run()
    assert not at.button(key="ui:min_run").disabled
    assert number_value(at, "ui:min_p90") == 52.5
    open_tab(at, "sweeps")
    set_number(at, "ui:sw_reps", "0").run()  # at least 1
    assert at.button(key="ui:sw_start").disabled


def test_a_page_that_forgot_its_widgets_sends_back_what_was_chosen(spy: Any) -> None:
    """On a loaded machine Streamlit's page forgot the sidebar's widget states (a tab's
    one-second fragment ended while a full run redrew the page) and the redrawn widgets sent
    their *defaults* back: untouched number boxes came back empty, nine fields were refused
    and the run was blocked (a browser journey at load 10). Each widget's default is now the
    value it holds, so a forgetful page sends back what the planner chose."""
    at = new_app()
    at.selectbox(key="ui:source_file").set_value("two-counsellors.yaml").run()
    at.radio(key=inp.K_POLICY).set_value(inp.POLICIES[1]).run()
    at.radio(key=inp.TIME_UNIT_KEY).set_value(inp.TIME_UNITS[1]).run()
    set_number(at, PNP_HOURS, 12.5).run()
    at.text_input(key="ui:run_name").input("mijn run").run()
    assert not at.button(key="ui:run").disabled
    before = {k: at.session_state[k]
              for k in (inp.K_POLICY, inp.TIME_UNIT_KEY, PNP_HOURS, "ui:source_file")}
    texts = {w.key: w.value for w in at.text_input if w.key}
    radios = {w.key: w.index for w in at.radio}
    # what each widget would send if the page forgot it: its default
    assert {w.key: w.proto.default for w in at.text_input if w.key} == texts
    assert {w.key: w.proto.default for w in at.radio} == radios
    assert at.selectbox(key="ui:source_file").proto.default == 2  # two-counsellors.yaml
    for w in at.text_input:
        if w.key:
            w.input(w.proto.default)
    for w in at.radio:
        w.set_value(w.options[w.proto.default])
    select = at.selectbox(key="ui:source_file")
    select.set_value(select.options[select.proto.default])
    at.run()
    assert not at.button(key="ui:run").disabled
    assert {k: at.session_state[k] for k in before} == before
    assert at.session_state[inp.K_POLICY] == inp.POLICIES[1]
    assert number_value(at, PNP_HOURS) == 12.5
    click_run(at)
    assert spy.last.scenario.policy == inp.POLICIES[1]
    assert spy.last.scenario.staff.pnp_counsellor.schedule[0].hours == 12.5


def _defaults_differing(at: Any) -> list[str]:
    """Keyed widgets whose default (what a forgetful page sends back) is not what they hold."""
    wrong = []
    for w in [*at.text_input, *at.checkbox, *at.number_input]:
        if w.key and w.proto.default != w.value:
            wrong.append(f"{w.key}: default {w.proto.default!r}, holds {w.value!r}")
    for w in [*at.radio, *at.selectbox]:
        if w.key and w.index is not None and w.proto.default != w.index:
            wrong.append(f"{w.key}: default {w.proto.default!r}, holds {w.index!r}")
    for w in at.slider:
        if w.key and list(w.proto.default) != list(w.value if isinstance(w.value, tuple)
                                                   else [w.value]):
            wrong.append(f"{w.key}: default {list(w.proto.default)!r}, holds {w.value!r}")
    for w in at.select_slider:
        if w.key and list(w.proto.default) != [w.options.index(w.format_func(w.value))]:
            wrong.append(f"{w.key}: default {list(w.proto.default)!r}, holds {w.value!r}")
    for w in at.multiselect:
        held = list(w.indices)
        if w.key and list(w.proto.default) != held:
            wrong.append(f"{w.key}: default {list(w.proto.default)!r}, holds {held!r}")
    return wrong


@pytest.mark.parametrize("tab", ["results", "compare", "minimum", "downloads", "sweeps",
                                 "sensitivity", "least", "calibration"])
def test_every_keyed_widget_s_default_is_what_it_holds(spy: Any, tab: str) -> None:
    """The sidebar's and each tab's widgets, after choices that differ from the first option
    and from the coded defaults: none would send back anything but what it holds."""
    at = new_app()
    click_run(at)
    set_number(at, PNP_HOURS, 12).run()
    click_run(at)
    at.radio(key=inp.K_POLICY).set_value(inp.POLICIES[1]).run()
    open_tab(at, tab)
    for w in at.checkbox:  # the other choice than the coded one
        if w.key:
            w.set_value(not w.value)
    for w in at.selectbox:
        if w.key and len(w.options) > 1 and w.index == len(w.options) - 1:
            w.set_value(w.options[0])
    for w in at.slider:
        if w.key and isinstance(w.value, tuple):
            w.set_range(w.value[0] + 1, w.value[1] - 1)
    for w in at.select_slider:
        if w.key:
            w.set_value(0.9)
    for w in at.number_input:
        if w.key:
            w.increment()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _defaults_differing(at) == []
