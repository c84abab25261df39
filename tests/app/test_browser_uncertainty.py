"""Issue 17 item 4 in a real browser: calibrate the synthetic example log with a few parameter
sets, use it, run it: the Results tab shows each KPI with the noise-only interval and the "95%
interval including what we do not know about your inputs", the number of sets and why, and
the run's hash is the loaded scenario's hash shown in the sidebar. Kept short (4 sets x 2
replications per set); waits are on visible conditions only.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from app_helpers import ROOT
from test_browser import (  # noqa: F401 - fixtures
    OUT,
    browser_page,
    click_until,
    open_tab,
    run_and_time,
    save_failure,
    server,
    shot,
    type_text,
    upload,
    wait_idle,
)
from test_browser_scenario import loaded_hash, origin

from webapp.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def test_calibrated_run_shows_both_parts(server: str, browser_page: Any) -> None:  # noqa: F811
    try:
        _journey(server, browser_page)
    except BaseException:
        save_failure(browser_page, "uncertainty")
        raise


def _set_plain_number(page: Any, key: str, value: int) -> None:
    """A Streamlit number input (``st.number_input``) keyed ``key``: type, Enter, and wait
    until the page shows the value (``type_text``)."""
    type_text(page, f".st-key-{key} input", str(value), lambda shown: shown == str(value))


def _journey(url: str, page: Any) -> None:
    start = time.perf_counter()
    marks: list[str] = []

    def mark(what: str) -> None:
        marks.append(f"{what} {time.perf_counter() - start:.1f} s")

    page.goto(url)
    page.get_by_role("button", name=t("run.button", "nl")).wait_for(timeout=60_000)
    wait_idle(page)
    # Calibrate the synthetic log with 4 parameter sets (few, to keep the journey short).
    open_tab(page, "calibration", "nl")
    page.get_by_role("button", name="Kalibreren").wait_for(timeout=60_000)
    _set_plain_number(page, "cal-sets", 4)
    examples = ROOT / "calibration" / "examples"
    upload(page, "cal-cases", examples / "synthetic_cases.csv")
    upload(page, "cal-mapping", examples / "mapping.yaml")
    drawn = page.get_by_text(t("caltab.sets_drawn", "nl").format(n=4))
    click_until(page, "Kalibreren", drawn, 90_000, 120_000)
    wait_idle(page)
    mark("calibrated")
    page.get_by_role("button", name=t("caltab.use", "nl")).click()
    page.locator(".st-key-loaded").get_by_text(re.compile("4 parametersets")).wait_for(
        timeout=60_000)
    wait_idle(page)
    calibrated = loaded_hash(page)

    # The Results tab offers the run over the sets, switched on. The scenario runs as
    # loaded (its own 20 replications), so the run's hash is the loaded one.
    open_tab(page, "results", "nl")
    options = page.locator(".st-key-unc-options")
    options.wait_for(timeout=60_000)
    assert options.get_by_role("checkbox").is_checked()
    _set_plain_number(page, "ui-unc_reps", 2)
    mark("options")
    run_and_time(page)
    mark("usual run")
    result = page.locator(".st-key-unc-result")
    result.wait_for(timeout=240_000)
    wait_idle(page)
    mark("sets run")
    text = result.inner_text()
    assert "95%-interval inclusief wat we niet weten over je invoer" in text, text
    assert "4 parametersets × 2 replicaties" in text, text
    assert "bootstrap over de dossiers van log" in text, text  # the method in Dutch
    assert result.locator('[data-testid="stDataFrame"]').count() == 1  # the per-KPI table
    assert "Let op: met 4 sets" in text, text  # why four is not enough to decide on
    # One hash: the run over the sets, the run and the loaded scenario in the sidebar.
    stamp = re.search(r"Scenario-hash ([0-9a-f]{8,}) · seed", text)
    assert stamp and stamp.group(1) == calibrated, text
    the_run = origin(page)
    assert the_run.startswith("Zoals geladen") and calibrated in the_run, the_run
    assert calibrated == loaded_hash(page)
    # The cards carry the interval with the inputs under the usual one.
    assert page.get_by_text(re.compile(r"^Incl\. invoer: 95% ")).count() >= 12
    result.scroll_into_view_if_needed()
    shot(page, "20-uncertainty", docs=True)
    mark("done")
    # a measurement, not an assertion: the journey's steps on this machine
    (OUT / "uncertainty-timings.txt").write_text("\n".join(marks) + "\n", encoding="utf-8")
    print("; ".join(marks))
