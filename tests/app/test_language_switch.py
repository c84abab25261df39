"""Switching the language between edits and runs keeps every input (issue 11, defect 1).

Streamlit's browser side sends back the *label* of the option a radio or select box shows.
After a switch from Dutch to English the old label ("Wachtlijst: ...") is no option of the
redrawn widget, and the page used to receive it as the value: the next edit or run said the
inputs were invalid. ``switch_language`` replays what a browser sends.
"""

from __future__ import annotations

from typing import Any

from app_helpers import click_run, new_app, number_value, set_number, switch_language

from sim.scenario.schema import parse_scenario, scenario_hash
from webapp import inputs as inp

#: Edits that need more than "one more than now" to stay valid.
SPECIAL: dict[str, Any] = {
    inp.K_REPS: 3,
    inp.K_HORIZON: 260.0,
    inp.K_WARMUP: 26.0,
    inp.K_BREAKDOWN: 1.5,
    inp.K_UNDERSERVED: 2.0,
}


def _edits(at: Any, done: set[str]) -> list[tuple[str, Any]]:
    """The next edits: one widget not edited yet (the source mix in a pair that keeps 100%)."""
    numbers = {w.key[3:]: at.session_state[w.key[3:]] for w in at.text_input
               if w.key and w.key.startswith("tx:" + inp.PREFIX)}
    for key, value in numbers.items():
        if key in done:
            continue
        if key in (inp.K_SOURCE["own_groups"], inp.K_SOURCE["other_facility"]):
            own, other = inp.K_SOURCE["own_groups"], inp.K_SOURCE["other_facility"]
            shift = 5.0 if numbers[own] >= 5 else -5.0
            return [(own, numbers[own] - shift), (other, numbers[other] + shift)]
        if key == inp.K_SOURCE["regular_foster"]:
            done.add(key)  # kept: the other two move together
            continue
        if key in SPECIAL:
            return [(key, SPECIAL[key])]
        if key.endswith(".n"):
            return [(key, 2)]
        return [(key, value + 1)]
    return []


def test_switching_language_between_every_edit_and_run(spy: Any) -> None:
    at = new_app()
    # The option widgets first, so that every later switch has a non-default label to keep.
    at.radio(key=inp.K_POLICY).set_value("share")
    at.radio(key=inp.TIME_UNIT_KEY).set_value("months")
    at.run()
    edited: dict[str, Any] = {}
    done: set[str] = {inp.K_REPS}
    langs = ["en", "nl"]
    step = 0
    while edits := _edits(at, done):
        for key, value in edits:
            set_number(at, key, value)
            edited[key] = value
            done.add(key)
        at.run()
        switch_language(at, langs[step % 2])
        step += 1
        # Nothing the planner entered is lost or replaced by a label.
        assert at.session_state[inp.K_POLICY] == "share"
        assert at.session_state[inp.TIME_UNIT_KEY] == "months"
        for key, value in edited.items():
            assert at.session_state[key] == value, key
        assert [e.value for e in at.error] == [], (step, edits)
        if step % 8 == 0:
            assert not at.button(key="ui:run").disabled
            click_run(at)
            assert [e.value for e in at.error] == []
    assert step > 30  # every input was edited once
    click_run(at)
    # What reached the model is exactly what was entered, whatever language it was entered in.
    values = {k: at.session_state[k] for k in at.session_state
              if isinstance(k, str) and k.startswith(inp.PREFIX)}
    want = parse_scenario(inp.build_scenario_dict(at.session_state["base"], values, "months"),
                          "test")
    assert values[inp.K_POLICY] == "share"
    assert spy.last.scenario.policy == "share"
    assert scenario_hash(spy.last.scenario) == scenario_hash(want)
    assert len(spy.calls) >= step // 8 + 1


def test_switch_then_run_in_both_directions(spy: Any) -> None:
    at = new_app()
    at.radio(key=inp.K_POLICY).set_value("share").run()
    for lang in ("en", "nl", "en"):
        switch_language(at, lang)
        set_number(at, inp.K_SEED, number_value(at, inp.K_SEED) + 1)
        at.run()
        assert [e.value for e in at.error] == []
        click_run(at)
        assert spy.last.scenario.policy == "share"


def test_switch_keeps_the_choices_in_the_tabs(spy: Any, tmp_path: Any,
                                             monkeypatch: Any) -> None:
    """The same for the option widgets of the tabs (CSV format, sweep parameters)."""
    from app_helpers import open_tab

    monkeypatch.setenv("PNP_RESULTS_DIR", str(tmp_path))
    at = new_app()
    click_run(at)
    open_tab(at, "downloads")
    assert at.radio(key="ui:csv_dialect").value == "nl"  # Dutch interface: ';' and ','
    at.radio(key="ui:csv_dialect").set_value("en").run()
    open_tab(at, "sweeps")
    at.selectbox(key="ui:sw_param_1").set_value("referrals").run()
    switch_language(at, "en")
    at.run()
    assert [e.value for e in at.error] == []
    assert at.session_state["ui:sw_param_1"] == "referrals"
    assert at.selectbox(key="ui:sw_param_1").value == "referrals"
    open_tab(at, "downloads", "en")
    assert at.radio(key="ui:csv_dialect").value == "en"


def test_a_text_the_page_wrote_before_a_switch_still_means_its_value(spy: Any) -> None:
    """A language switch whose rerun is cut short by the next edit leaves the browser with the
    text the page wrote in the old language ("1,5" on an English page): it means the value
    shown, not a typed text to refuse (found in the browser: the run stayed blocked)."""
    from webapp.numbers import format_input

    at = new_app(reps=2)
    key = inp.K_UNDERSERVED
    value = number_value(at, key)
    assert format_input(value, "nl") != format_input(value, "en")  # 1,5 against 1.5
    switch_language(at, "en")
    set_number(at, key, format_input(value, "nl")).run()
    assert not at.exception
    assert key not in at.session_state["ui:num_errors"]
    assert number_value(at, key) == value
    # a text the page never wrote is read in the page's language: a comma is refused
    set_number(at, key, "2,5").run()
    assert key in at.session_state["ui:num_errors"]
    assert number_value(at, key) == value
