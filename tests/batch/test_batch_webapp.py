"""The Sweeps tab of the app, driven by Streamlit's AppTest on a real (small) sweep store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from batch_helpers import ROOT, write_spec

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from sim.batch.spec import load_spec  # noqa: E402
from sim.batch.store import Store  # noqa: E402
from sim.batch.sweep import run_sweep  # noqa: E402
from webapp.tabs import sweep_store as sweeps_tab  # noqa: E402
from webapp.tabs.sweep_store import LABELS  # noqa: E402


def _app(lang: str, path: str | None = None) -> None:
    from pathlib import Path

    from webapp.tabs.sweep_store import render_sweeps_tab

    # The app picks the store inside its results folder (webapp/sweep_jobs.py); the tab
    # itself never reads a path typed by the user.
    render_sweeps_tab(lang, Path(path) if path else None)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sweeps_tab")
    spec = write_spec(folder, replications=3, parameters=[
        {"path": "staff.pnp_counsellor.schedule.0.hours", "name": "pnp_hours",
         "values": [19, 30]},
        {"path": "referrals.schedule.0.per_year", "name": "referrals", "values": [8, 16]},
        {"path": "staff.parent_counsellor.schedule.0.hours", "name": "parent_hours",
         "values": [8, 12]},
    ])
    path = folder / "tab.duckdb"
    assert run_sweep(load_spec(spec), path, workers=2).complete
    return path


def _open(lang: str, store: Path) -> AppTest:
    at = AppTest.from_function(_app, args=(lang, str(store)), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _chart_specs(at: AppTest) -> list[str]:
    return [str(el.proto.spec) for el in at.get("vega_lite_chart")]


def test_labels_are_complete_in_both_languages() -> None:
    assert set(LABELS) == {"nl", "en"}
    assert LABELS["nl"].keys() == LABELS["en"].keys()
    for key in LABELS["nl"]:
        assert LABELS["nl"][key].strip() and LABELS["en"][key].strip(), key
        # the same placeholders in both languages
        assert sorted(_fields(LABELS["nl"][key])) == sorted(_fields(LABELS["en"][key])), key
    translated = [k for k in LABELS["nl"] if LABELS["nl"][k] != LABELS["en"][k]]
    assert len(translated) >= len(LABELS["nl"]) - 2  # only words like "KPI" stay the same
    assert sweeps_tab.tr("title", "xx") == LABELS["nl"]["title"]  # Dutch is the default


def test_every_kpi_unit_has_a_label() -> None:
    from sim.outputs.kpi_defs import KPIS

    for kpi in KPIS.values():
        if kpi.unit:
            for lang in ("nl", "en"):
                assert f"unit.{kpi.unit}" in LABELS[lang], (kpi.name, kpi.unit)
    assert sweeps_tab.unit_label("weeks", "nl") == "weken"


def _fields(text: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_empty_path_shows_a_hint() -> None:
    at = AppTest.from_function(_app, args=("nl",), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.info[0].value == LABELS["nl"]["store_hint"]


def test_a_missing_or_foreign_file_is_an_error_message(tmp_path: Path) -> None:
    for target in (tmp_path / "none.duckdb", ROOT / "README.md"):
        at = _open("en", target)
        # One message, the same whether the file is missing or not a store.
        assert at.error and at.error[0].value == LABELS["en"]["store_bad"], at.error


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_line_chart_with_interval_and_table(store: Path, lang: str) -> None:
    at = _open(lang, store)
    assert at.selectbox(key="sweeps_experiment").value == "test-sweep"
    assert at.selectbox(key="sweeps_kpi").label == LABELS[lang]["kpi"]
    # the KPI names and units shown are in the page's language
    shown = at.selectbox(key="sweeps_kpi").options
    from sim.outputs.kpi_defs import KPIS
    name = KPIS["wait_family_p90"].nl if lang == "nl" else KPIS["wait_family_p90"].en
    assert f"{name} ({LABELS[lang]['unit.weeks']})" in shown
    at.selectbox(key="sweeps_kpi").set_value("placements_per_year").run()
    at.selectbox(key="sweeps_x").set_value("referrals").run()
    assert not at.exception
    specs = _chart_specs(at)
    assert len(specs) == 1
    assert '"line"' in specs[0] and '"area"' in specs[0]  # mean line and its 95% band
    assert "ci_low" in specs[0] and "ci_high" in specs[0]

    # the other two parameters are fixed at one value each: two rows (referrals 8 and 16)
    assert at.selectbox(key="sweeps_fix_pnp_hours").label == \
        LABELS[lang]["fixed"].format(param="pnp_hours")
    at.selectbox(key="sweeps_fix_pnp_hours").set_value(30).run()
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["pnp_hours"]) == {"30"}
    assert {LABELS[lang]["mean"], LABELS[lang]["ci_low"], LABELS[lang]["ci_high"]} <= \
        set(table.columns)

    # the table shows the stored numbers: the mean of the replications of each point
    with Store(store, read_only=True) as st:
        kpis = st.kpi_table("test-sweep")
    # (formatted by the KPI's definition, in the page's language)
    for _, row in table.iterrows():
        sel = kpis[(kpis.pnp_hours == 30) & (kpis.referrals == float(row["referrals"]))
                   & (kpis.parent_hours == float(row["parent_hours"]))]
        assert row[LABELS[lang]["mean"]] == KPIS["placements_per_year"].format(
            sel["placements_per_year"].mean(), lang)


def test_heat_map_over_two_parameters(store: Path) -> None:
    at = _open("nl", store)
    at.selectbox(key="sweeps_x").set_value("pnp_hours").run()
    at.selectbox(key="sweeps_y").set_value("referrals").run()
    assert not at.exception
    specs = _chart_specs(at)
    assert len(specs) == 1 and '"rect"' in specs[0]
    assert len(at.dataframe[0].value) == 4  # 2 x 2 cells at the fixed parent hours
    assert LABELS["nl"]["chart_heat"].split("{")[0].strip() in " ".join(
        c.value for c in at.caption)
