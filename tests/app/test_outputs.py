"""Downloads, the HTML report, and the pure helpers behind the page (inputs, minimum, cache)."""

from __future__ import annotations

import html as html_mod
import io
import re
import zipfile
from typing import Any

import pandas as pd
import pytest
from app_helpers import ROOT

from sim.running import runner
from sim.scenario.schema import (
    load_scenario,
    parse_scenario,
    parse_scenario_text,
    scenario_hash,
    scenario_to_dict,
)
from webapp import charts as ch
from webapp import engine
from webapp import inputs as inp
from webapp import minimum_check as mn
from webapp.downloads import results_zip, safe_name, scenario_yaml
from webapp.i18n import LANGS, fmt_kpi, kpi_label, t
from webapp.report import build_report

BASE = load_scenario(ROOT / "scenarios/baseline.yaml")


@pytest.fixture(scope="module")
def result() -> Any:
    scenario = BASE.model_copy(update={"replications": 3, "seed": 11, "name": "report-test"})
    return runner.run_experiment(scenario, workers=1)


@pytest.fixture(scope="module")
def grown() -> Any:
    """Issue 11's growing waiting list: the baseline with the P&P counsellor at 12 h."""
    data = scenario_to_dict(BASE)
    data["staff"]["pnp_counsellor"]["schedule"] = [{"from_week": 0.0, "hours": 12.0}]
    data.update(replications=30, seed=11, name="pnp-12")
    return runner.run_experiment(parse_scenario(data, "pnp-12"), workers=1)


# --------------------------------------------------------------------------- downloads


def test_yaml_download_reloads_to_the_same_run(result: Any) -> None:
    text = scenario_yaml(result, "Meer uren").decode("utf-8")
    again = parse_scenario_text(text, "download.yaml")
    assert again.name == "Meer uren"
    assert scenario_hash(again) == result.stamp["scenario_hash"]
    assert again.replications == 3 and again.seed == 11
    rerun = runner.run_experiment(again, workers=1)
    pd.testing.assert_frame_equal(rerun.kpis, result.kpis)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_results_zip_holds_every_table(result: Any, fmt: str) -> None:
    data = results_zip(result, fmt)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        for table in ("kpis", "summary", "weekly", "events", "little"):
            assert f"{table}.{fmt}" in names
        raw = zf.read(f"kpis.{fmt}")
    frame = (pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig") if fmt == "csv"
             else pd.read_parquet(io.BytesIO(raw)))
    assert len(frame) == 3
    assert set(frame["scenario_hash"]) == {result.stamp["scenario_hash"]}
    # CSV: rounded to the KPI's precision (one decimal) for Excel; Parquet: every digit
    assert frame["placements_per_year"].tolist() == pytest.approx(
        result.kpis["placements_per_year"].tolist(), abs=0.05 + 1e-9 if fmt == "csv" else 1e-12)


def test_safe_name() -> None:
    assert safe_name("Run 1: meer uren!") == "Run-1-meer-uren"
    assert safe_name("///") == "run"


# --------------------------------------------------------------------------- report


@pytest.mark.parametrize("lang", LANGS)
def test_report_is_complete_and_self_contained(result: Any, lang: str) -> None:
    html = build_report({"Mijn run": result}, lang)
    stamp = result.stamp
    for needle in (stamp["scenario_hash"], str(stamp["version"]), t("rep.options", lang),
                   t("rep.assumptions", lang), "Mijn run", stamp["model_fingerprint"][:12]):
        assert needle in html, needle
    # The KPIs with their values, as the page shows them.
    row = result.summary.set_index("kpi").loc["placements_per_year"]
    assert kpi_label("placements_per_year", lang) in html
    assert html_mod.escape(fmt_kpi("placements_per_year", row["mean"], lang)) in html
    # Every chart is an inline SVG with its reading guide; nothing is fetched from elsewhere.
    assert html.count("<svg") == len(ch.SINGLE_CHARTS)
    for key, _ in ch.SINGLE_CHARTS:
        assert html_mod.escape(t(f"chart.{key}.help", lang)) in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    # No YAML for a board (issue 18): the appendix names the run by its hash, seed and
    # replications, which the downloadable scenario file carries.
    assert "<pre>" not in html
    appendix = html.split(html_mod.escape(t("rep.appendix", lang)))[1]
    assert stamp["scenario_hash"] in appendix and str(stamp["seed"]) in appendix


def test_report_for_a_decision_between_runs(result: Any, grown: Any) -> None:
    """Issue 11: one report over the ticked runs, in the order a board reads it."""
    for lang in LANGS:
        html = build_report({"Basis": result, "P&P 12 u": grown}, lang)
        order = [t("rep.question", lang, options="Basis, P&amp;P 12 u")[:20],
                 t("rep.options", lang), t("rep.growth", lang), t("rep.charts", lang),
                 t("rep.assumptions", lang), t("rep.appendix", lang)]
        at = [html.find(html_mod.escape(x) if "&amp;" not in x else x) for x in order]
        assert all(a >= 0 for a in at) and at == sorted(at), (lang, at)
        # Print layout: page breaks and an A4 page.
        assert "break-before:page" in html and "@page" in html
        # The growing waiting list is flagged, naming the queue.
        assert t("growth.queue.staff", lang) in html
        # Better/worse marks against the first option.
        assert t("cmp.mark.worse", lang) in html
        body = html.split("<style>")[1].split("</style>")[1]
        # The YAML (appendix, and file lines quoted beside their sources) is the file itself.
        text = re.sub(r"<(pre|code)>.*?</\1>", "",
                      re.sub(r"<svg.*?</svg>", "", body, flags=re.S), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"(methodedocument|method document) \d+(\.\d+)*", "", text)
        if lang == "nl":
            # No English decimals in the Dutch report (outside the YAML appendix and hashes).
            # (section numbers of the method document, "[method 3.2]", are no decimals)
            numbers = re.findall(r"(?<!method )(?<![\w.])\d+\.\d+(?![\w.])", text)
            assert not [n for n in numbers if not re.match(r"^\d+\.\d+$", n) or
                        len(n.split(".")[1]) != 3], numbers


# --------------------------------------------------------------------------- charts


def test_bands_match_sim_stats(result: Any) -> None:
    """Bands come from sim.outputs.stats and stop at zero children (issue 11, defect 5)."""
    from sim.outputs.stats import summarise

    bands = ch.t_bands(result.weekly, "waiting_family")
    assert (bands["ci_low"] >= 0).all()
    for week in range(0, 520, 13):
        values = result.weekly.loc[result.weekly["week"] == week, "waiting_family"].to_numpy()
        s = summarise(values, ch.COUNT)
        row = bands.set_index("week").loc[week]
        assert (row["mean"], row["ci_low"], row["ci_high"], row["n"]) == pytest.approx(
            (s.mean, s.low, s.high, s.n))
    flow = ch.flow_frame(result, "nl")
    assert (flow["ci_low"] >= 0).all()


def test_placement_times_agree_with_the_kpi(result: Any) -> None:
    times = ch.placement_times(result)
    assert not times.empty and (times["weeks"] >= 0).all()
    per_rep = times.groupby("rep")["weeks"].mean()
    kpi = result.kpis.set_index("rep")["referral_to_placement_mean"]
    assert per_rep.to_numpy() == pytest.approx(kpi.loc[per_rep.index].to_numpy(), rel=0.05)


def test_flow_counts_are_consistent(result: Any) -> None:
    flow = ch.flow_frame(result, "en").set_index("stage")["mean"]
    assert flow["Referred"] >= flow[ch.term("assessment", "en")] > 0
    assert flow["Referred"] >= flow["Placed"] >= flow[ch.term("anchoring", "en")]
    kpi = result.kpis
    years = (BASE.horizon_weeks - BASE.warmup_weeks) / 52.0
    assert flow["Referred"] == pytest.approx(kpi["referrals_per_year"].mean() * years, rel=0.05)


# --------------------------------------------------------------------------- inputs


def test_defaults_give_back_the_scenario_exactly() -> None:
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert len(files) >= 2
    for path in files:
        data = scenario_to_dict(load_scenario(path))
        for unit in inp.TIME_UNITS:
            shown = inp.defaults(data, unit)
            assert inp.build_scenario_dict(data, shown, unit) == data


def test_months_are_converted_to_weeks() -> None:
    data = scenario_to_dict(BASE)
    values = inp.defaults(data, "months")
    values[inp.k_steps("ref")] = 2
    values[inp.k_step("ref", 1, "from")] = 12.0
    values[inp.k_step("ref", 1, "value")] = 8.0
    out = inp.build_scenario_dict(data, values, "months")
    assert out["referrals"]["schedule"][1] == {"from_week": 52.0, "per_year": 8.0}


def test_removing_a_step() -> None:
    data = scenario_to_dict(load_scenario(ROOT / "scenarios/minimum-requirements.yaml"))
    values = inp.defaults(data)
    values[inp.k_steps("staff.pnp_counsellor")] = 1
    out = inp.build_scenario_dict(data, values)
    assert out["staff"]["pnp_counsellor"]["schedule"] == [{"from_week": 0.0, "hours": 8.0}]


def test_unit_conversion_round_trips() -> None:
    state = {inp.k_step("ref", 1, "from"): 10.0}
    for old, new in (("weeks", "months"), ("months", "weeks")):
        inp.convert_from_values(state, inp.from_keys(), old, new)
    assert state[inp.k_step("ref", 1, "from")] == 10.0


# --------------------------------------------------------------------------- minimum check


def _summary(mean: float, low: float, high: float, kpi: str = "referral_to_placement_p90"
             ) -> pd.DataFrame:
    return pd.DataFrame([{"kpi": kpi, "mean": mean, "ci_low": low, "ci_high": high}])


@pytest.mark.parametrize("low, high, verdict", [
    (40.0, 50.0, mn.MET), (50.0, 52.0, mn.MET), (53.0, 60.0, mn.NOT_MET),
    (45.0, 60.0, mn.UNCERTAIN),
])
def test_judge_uses_the_whole_interval(low: float, high: float, verdict: str) -> None:
    target = mn.Target("p90", "referral_to_placement_p90", 52.0)
    (judged,) = mn.judge(_summary((low + high) / 2, low, high), [target])
    assert judged.verdict == verdict


def test_overall_verdict() -> None:
    tg = mn.Target("p90", "x", 1.0)
    j = {v: mn.Judged(tg, 0, 0, 0, v) for v in (mn.MET, mn.NOT_MET, mn.UNCERTAIN)}
    assert mn.overall([j[mn.MET]]) == mn.MET
    assert mn.overall([j[mn.MET], j[mn.UNCERTAIN]]) == mn.UNCERTAIN
    assert mn.overall([j[mn.UNCERTAIN], j[mn.NOT_MET]]) == mn.NOT_MET


def test_minimum_scenario_keeps_everything_but_staffing() -> None:
    user = scenario_to_dict(BASE)
    user["referrals"]["schedule"][0]["per_year"] = 15.0
    out = mn.build_minimum_dict(user, 26.0)
    scenario = parse_scenario(out, "minimum")
    assert [(s.from_week, s.hours) for s in scenario.staff.pnp_counsellor.schedule] == [
        (0.0, 8.0), (26.0, 19.0)]
    assert scenario.referrals.schedule[0].per_year == 15.0
    for section in ("referrals", "families", "breakdown", "phases", "start_state"):
        assert out[section] == user[section]
    assert mn.build_minimum_dict(user, 0.0)["staff"]["pnp_counsellor"]["schedule"] == [
        {"from_week": 0.0, "hours": 19.0}]
    template = mn.load_template()
    assert template is not None and mn.template_start_week(template) == 26.0


def test_make_targets() -> None:
    targets = mn.make_targets(52, 85, None)
    assert [tg.kpi for tg in targets] == ["referral_to_placement_p90", "utilisation_coordinator",
                                          "utilisation_pnp_counsellor",
                                          "utilisation_parent_counsellor"]
    assert targets[1].limit == 0.85
    assert mn.make_targets(None, None, None) == []


# --------------------------------------------------------------------------- cache


def test_result_cache_is_lru() -> None:
    cache = engine.ResultCache(max_entries=2)
    cache.put(("a", 1, 1), 1)
    cache.put(("b", 1, 1), 2)
    assert cache.get(("a", 1, 1)) == 1  # a is now the most recent
    cache.put(("c", 1, 1), 3)
    assert ("b", 1, 1) not in cache and ("a", 1, 1) in cache and len(cache) == 2


def test_run_cached_runs_once(result: Any) -> None:
    calls: list[Any] = []

    def fake_runner(scenario: Any, **kw: Any) -> Any:
        calls.append(kw)
        return result

    cache = engine.ResultCache()
    scenario = result.scenario
    first = engine.run_cached(scenario, cache=cache, runner=fake_runner)
    second = engine.run_cached(scenario, cache=cache, runner=fake_runner)
    assert len(calls) == 1 and calls[0]["reps"] == 3 and calls[0]["seed"] == 11
    assert not first.cached and second.cached and second.result is first.result
    assert calls[0]["workers"] == engine.default_workers(3)


# --------------------------------------------------------------------------- any input values

_FLOAT = {"allow_nan": False, "allow_infinity": False}


def _widget_values() -> Any:
    from hypothesis import strategies as hs

    from sim.scenario.domain import ROLES

    fields: dict[str, Any] = {}
    for role in ROLES:
        g = inp.staff_group(role)
        fields[inp.k_steps(g)] = hs.integers(1, inp.MAX_STEPS)
        for i in range(inp.MAX_STEPS):
            fields[inp.k_step(g, i, "from")] = hs.floats(0, 5200, **_FLOAT)
            fields[inp.k_step(g, i, "value")] = hs.floats(0, 168, **_FLOAT)
        fields[inp.K_LEAVE[role]] = hs.floats(0, 95, **_FLOAT)
    fields[inp.k_steps("ref")] = hs.integers(1, inp.MAX_STEPS)
    fields[inp.k_step("ref", 0, "value")] = hs.floats(0, 1000, **_FLOAT)
    fields[inp.k_step("ref", 1, "from")] = hs.floats(0, 5200, **_FLOAT)
    for src in inp.SOURCES:
        fields[inp.K_SOURCE[src]] = hs.sampled_from([0.0, 10.0, 20.0, 70.0, 80.0, 100.0])
    fields[inp.K_INTERESTED] = hs.floats(0, 10000, **_FLOAT)
    fields[inp.K_PASS_RATE] = hs.floats(0, 100, **_FLOAT)
    fields[inp.K_FAMILY_LEAVE] = hs.floats(0, 100, **_FLOAT)
    fields[inp.K_BREAKDOWN] = hs.floats(0, 20, **_FLOAT)
    fields[inp.K_UNDERSERVED] = hs.floats(0, 20, **_FLOAT)
    fields[inp.K_POLICY] = hs.sampled_from(inp.POLICIES)
    for key in inp.START_KEYS:
        fields[inp.K_START[key]] = hs.integers(0, 50)
    fields[inp.K_POOL] = hs.integers(0, 50)
    fields[inp.K_HORIZON] = hs.floats(1, 5200, **_FLOAT)
    fields[inp.K_WARMUP] = hs.floats(0, 5200, **_FLOAT)
    fields[inp.K_REPS] = hs.integers(1, 10000)
    fields[inp.K_SEED] = hs.integers(0, 2**31 - 1)
    return hs.fixed_dictionaries({}, optional=fields)


def test_any_widget_values_give_a_scenario_or_a_readable_error() -> None:
    from hypothesis import given, settings

    from sim.scenario.schema import ScenarioError

    base = scenario_to_dict(BASE)

    @settings(max_examples=150, deadline=None)
    @given(values=_widget_values(), unit=st_units())
    def check(values: dict[str, Any], unit: str) -> None:
        data = inp.build_scenario_dict(base, values, unit)
        try:
            scenario = parse_scenario(data, "inputs")
        except ScenarioError as exc:
            assert exc.problems and str(exc).startswith("inputs: invalid scenario")
            return
        # Whatever was entered and accepted is what will be simulated.
        shown = inp.defaults(base, unit)
        key = inp.k_step("staff.pnp_counsellor", 0, "value")
        if key in values and values[key] != shown[key]:
            assert scenario.staff.pnp_counsellor.schedule[0].hours == pytest.approx(values[key],
                                                                             abs=1e-9)
        if inp.K_HORIZON in values and values[inp.K_HORIZON] != shown[inp.K_HORIZON]:
            assert scenario.horizon_weeks == pytest.approx(values[inp.K_HORIZON], abs=1e-9)
        if inp.K_PASS_RATE in values and values[inp.K_PASS_RATE] != shown[inp.K_PASS_RATE]:
            assert scenario.families.screening.pass_rate == pytest.approx(
                values[inp.K_PASS_RATE] / 100, abs=1e-9)

    check()


def st_units() -> Any:
    from hypothesis import strategies as hs

    return hs.sampled_from(inp.TIME_UNITS)


def test_schedule_frame_follows_the_steps() -> None:
    data = scenario_to_dict(load_scenario(ROOT / "scenarios/minimum-requirements.yaml"))
    frame = ch.schedule_frame(data, "en")
    pnp = frame[frame["series"] == "P&P counsellor"]
    horizon = data["horizon_weeks"]
    assert list(zip(pnp["week"], pnp["hours"], strict=True)) == [
        (0.0, 8.0), (26.0, 19.0), (horizon, 19.0)]
