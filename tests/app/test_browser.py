"""A real browser against the served app: Playwright driving Debian's Chromium.

Open the app, change a role's hours, run, see the KPIs change, compare two runs, download the
report, switch language. Screenshots of each step go to test-output/browser/; the time from
the click on "Start simulatie" to the KPI cards (and to the charts) on screen is written to
test-output/browser/timings.txt and printed (a measurement, not a timed assertion).

Needs /usr/bin/chromium (``make browser``); skipped when it is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import ROOT

from webapp.i18n import TEXT, kpi_label, t

CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "test-output" / "browser"
DOCS = ROOT / "docs" / "img"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

# On CI (`make test` installs Chromium first) a missing browser is a failure, not a skip.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif((not CHROMIUM.exists() or shutil.which("pdftoppm") is None)
                       and os.environ.get("CI") != "true",
                       reason="Chromium or pdftoppm missing: run `make browser`"),
    pytest.mark.timeout(900),  # a limit for a stuck browser on a loaded machine, no timing
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app served like `make app` does, on a free port."""
    port = _free_port()
    streamlit = Path(sys.executable).parent / "streamlit"
    OUT.mkdir(parents=True, exist_ok=True)
    # one server log and results folder per pytest-xdist worker: modules run side by side
    tag = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log = open(OUT / f"server-{tag}.log", "w")  # noqa: SIM115 - closed when the server stops
    env = {**os.environ, "PNP_RESULTS_DIR": str(OUT / f"results-{tag}")}
    shutil.rmtree(OUT / f"results-{tag}", ignore_errors=True)
    proc = subprocess.Popen(
        [str(streamlit), "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the app did not start; see "
                                       f"test-output/browser/server-{tag}.log") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="pnp-chromium-")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            user_data, executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1500, "height": 1000}, accept_downloads=True,
        )
        try:
            yield ctx.new_page()
        finally:
            ctx.close()
            shutil.rmtree(user_data, ignore_errors=True)


def metric_value(page: Any, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return str(card.locator('[data-testid="stMetricValue"]').inner_text())


def save_failure(page: Any, name: str) -> None:
    """What a failed journey's page showed: a full-page screenshot, the error being handled,
    and every number box's key, text and message (collapsed sections included), for the one
    who reads the failure (a journey that passed on its rerun prints no traceback)."""
    page.screenshot(path=str(OUT / f"{name}-failure.png"), full_page=True)
    boxes = page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-tx-"]')]
        .map(el => {
            const key = [...el.classList].find(c => c.startsWith('st-key-tx-'));
            const input = el.querySelector('input');
            const next = el.closest('[data-testid="stElementContainer"]')?.nextElementSibling;
            const alert = next?.querySelector('[data-testid="stAlert"]')?.textContent || '';
            return `${key}\t${input ? JSON.stringify(input.value) : '-'}\t${alert}`;
        })""")
    sidebar = page.locator('[data-testid="stSidebar"]').text_content() or ""
    (OUT / f"{name}-failure-page.txt").write_text(
        "error:\n" + traceback.format_exc() + "\nnumber boxes (key, text, message):\n"
        + "\n".join(boxes) + "\n\nsidebar:\n" + sidebar, encoding="utf-8")


def one_element(page: Any, selector: str) -> None:
    """Until the page is idle and shows one element ``selector``: a rerun's old elements
    linger until it ends (on a loaded machine, for a while), and a locator that finds two
    refuses to act."""
    wait_idle(page)
    page.wait_for_function("sel => document.querySelectorAll(sel).length === 1",
                           arg=selector, timeout=60_000)


def one_value(page: Any, selector: str, not_in: tuple[str, ...] = ()) -> str:
    """The value of the one element ``selector`` once the page is idle and shows one, and
    (given ``not_in``) once it shows none of those texts: a box a run is still redrawing keeps
    its old text for a moment. Read in the page in the same step as the count, so that a copy
    drawn in between (a rerun's old element, on a loaded machine) cannot make the read find
    two."""
    wait_idle(page)
    found = page.wait_for_function(
        "([sel, not_in]) => { const e = document.querySelectorAll(sel);"
        " return e.length === 1 && !not_in.includes(e[0].value) ? [e[0].value] : null; }",
        arg=[selector, list(not_in)], timeout=60_000)
    return str(found.json_value()[0])


def open_section(page: Any, key: str) -> None:
    """Open the sidebar's expander ``key`` if it is closed.

    An expander's open state lives only in the browser (Streamlit keeps no state for an
    expander without ``on_change``): when a loaded page redraws it after a run, it can fall
    back to closed, and the boxes in it cannot be typed into."""
    page.wait_for_function("k => document.querySelector(`.st-key-${k} details`)", arg=key,
                           timeout=60_000)
    page.evaluate("""k => {
        const details = document.querySelector(`.st-key-${k} details`);
        if (!details.open) details.querySelector('summary').click();
    }""", key)


def type_text(page: Any, selector: str, text: str, taken: Callable[[str], bool],
              section: str | None = None) -> None:
    """Type ``text`` into the text box ``selector`` and press Enter until, with the page
    idle, the box shows a text that ``taken`` accepts.

    A rerun in flight redraws the box and drops what was typed, for a moment the page can
    hold two copies of it, and a redrawn expander (``section``, its key) can close over it (a
    loaded machine makes all three likely): open it and type again."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(selector)
    for _ in range(4):
        if section is not None:
            open_section(page, section)
        one_element(page, selector)
        try:
            box.fill(text, timeout=15_000)
            box.press("Enter")
        except PlaywrightTimeout:
            continue  # the box was hidden again (a closed expander) or redrawn
        except PlaywrightError as exc:
            if "strict mode violation" not in str(exc):
                raise
            continue  # a second copy appeared between the count and the typing
        page.wait_for_timeout(600)
        wait_idle(page)
        page.wait_for_timeout(300)
        if taken(one_value(page, selector)):
            return
    raise AssertionError(f"{selector}: the page did not take {text!r}")


def set_number(page: Any, key: str, value: float, section: str | None = None) -> None:
    """Type a number into a number field (a text box keyed ``tx:<key>``, see
    webapp.widgets.number), in sidebar expander ``section`` if given, and wait for the page
    to take it."""
    def taken(shown: str) -> bool:
        shown = shown.replace(",", ".")
        return bool(shown) and float(shown) == float(value)

    type_text(page, f".st-key-tx-{key} input", str(value), taken, section)


def wait_idle(page: Any) -> None:
    """Until Streamlit's script is no longer running."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def wait_uploader_texts(page: Any, lang: str) -> None:
    """Until every file uploader on the page shows Streamlit's texts in ``lang``.

    Streamlit draws them in English; the page's script (``webapp.page.streamlit_texts_script``)
    rewrites them a moment later. A rewritten element keeps its original (``data-pnp-orig``),
    but a redraw can put English back in it before the script has rewritten it again: so the
    wait is on the texts themselves."""
    from webapp.i18n import t

    wanted = [t("ui.upload_button", lang), t("ui.upload_limit", lang, size="50MB")]
    page.wait_for_function(
        """wanted => [...document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')]
                 .every(z => z.querySelector('[data-pnp-orig]')
                             && wanted.every(w => z.innerText.includes(w)))""",
        arg=wanted, timeout=60_000)


def upload(page: Any, key: str, path: Path) -> None:
    """Upload ``path`` into uploader ``key`` until its file name is on screen (an upload
    during a rerun can be dropped on a loaded machine: upload again)."""
    shown = page.locator(f".st-key-{key}").get_by_text(path.name)
    for _attempt in range(4):
        wait_idle(page)
        page.locator(f'.st-key-{key} input[type="file"]').set_input_files(str(path))
        try:
            shown.wait_for(timeout=30_000)
            break
        except Exception:  # noqa: BLE001 - not taken: upload again
            continue
    shown.wait_for(timeout=60_000)
    wait_idle(page)


def click_until(page: Any, button: str, shown: Any, each_ms: int, last_ms: int) -> None:
    """Click ``button`` until ``shown`` is on screen (a click during a rerun can be dropped:
    click again; the result is the same), waiting ``each_ms`` per click, ``last_ms`` at the
    end."""
    for _attempt in range(4):
        wait_idle(page)
        page.get_by_role("button", name=button).click()
        try:
            shown.wait_for(timeout=each_ms)
            break
        except Exception:  # noqa: BLE001 - not on screen yet: click again
            continue
    shown.wait_for(timeout=last_ms)


def run_and_time(page: Any, lang: str = "nl") -> tuple[float, float, str]:
    """Click run; seconds until the run's KPI cards, and until its charts, are on screen, and
    the name the run got (the page names it by what changed)."""
    wait_idle(page)  # the click is timed from an idle page, not behind an earlier rerun
    view = page.locator(".st-key-ui-view_run input")
    before = view.input_value() if view.count() else None
    start = time.perf_counter()
    page.get_by_role("button", name=t("run.button", lang)).click()
    # the new run is shown: the run selector moves to a name it did not show before (the name
    # box may still be catching up with the last edit when the click lands, so its text is
    # read from the run, not before it)
    page.wait_for_function(
        "prev => { const v = document.querySelector('.st-key-ui-view_run input')?.value;"
        " return v !== undefined && v !== null && v !== '' && v !== prev; }",
        arg=before, timeout=120_000)
    run_name = view.input_value()
    page.locator('[data-testid="stMetricValue"]').nth(11).wait_for(timeout=120_000)
    kpis = time.perf_counter() - start
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] canvas, "
        "[data-testid=\"stVegaLiteChart\"] svg.marks').length >= 5", timeout=120_000)
    charts = time.perf_counter() - start
    wait_idle(page)
    return kpis, charts, run_name


def reported_seconds(page: Any) -> float:
    """The time the page itself reports for the run ("Klaar: 30 replicaties in 1,23 s.")."""
    text = page.get_by_text(re.compile(r"^Klaar: ")).inner_text()
    match = re.search(r"in ([0-9]+,[0-9]+) s", text)
    assert match, text
    return float(match.group(1).replace(",", "."))


def no_raw_keys(text: str) -> list[str]:
    return [k for k in TEXT if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]


def test_planner_in_a_real_browser(server: str, browser_page: Any) -> None:
    try:
        _walk_through(server, browser_page)
    except BaseException:
        save_failure(browser_page, "planner")
        raise


def shot(page: Any, name: str, docs: bool = False) -> None:
    """A screenshot into test-output/browser/, and (``make screenshots``, which sets
    PNP_SCREENSHOTS=1) into docs/img/ for the guide: a test run leaves the tree as it was."""
    page.screenshot(path=str(OUT / f"{name}.png"))
    if docs and os.environ.get("PNP_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(OUT / f"{name}.png", DOCS / f"app-{name.split('-', 1)[1]}.png")


def open_tab(page: Any, key: str, lang: str) -> None:
    """Open a tab and wait until it is drawn: the page draws only the open tab, by a rerun
    after the click, and until then the tab's panel is empty (a look at it before that, such
    as the run shown, would read nothing or an earlier state)."""
    page.get_by_role("tab", name=t(f"tab.{key}", lang)).click()
    page.get_by_role("tab", name=t(f"tab.{key}", lang), selected=True).wait_for(timeout=60_000)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[role="tabpanel"]')].some(
            p => p.offsetParent !== null && p.innerText.trim().length > 40)""",
        timeout=120_000)
    wait_idle(page)


def download(page: Any, key: str, target: Path) -> Path:
    """Click download button ``key`` and save what it sends to ``target``.

    The file is made on the server when the button is clicked (a report takes 3-4 s quiet);
    on a loaded machine a click was lost (no download in three minutes, and one at once on
    the next try): click again, as a reader would, after a minute."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = page.locator(f".st-key-ui-{key} [data-testid^='stBaseButton']").first
    waits_s = (60, 60, 180)
    for i, wait_s in enumerate(waits_s):
        wait_idle(page)
        try:
            with page.expect_download(timeout=wait_s * 1000) as dl:
                button.click()
            break
        except PlaywrightTimeout:
            if i == len(waits_s) - 1:
                raise
    dl.value.save_as(str(target))
    return target


def pdf_pages(pdf: Path, stem: str) -> list[Path]:
    """The PDF's pages as PNG images (pdftoppm, poppler-utils)."""
    for old in OUT.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUT / stem)], check=True)
    return sorted(OUT.glob(f"{stem}-*.png"))


def switch_language(page: Any, lang: str) -> None:
    page.get_by_text("English" if lang == "en" else "Nederlands", exact=True).click()
    page.get_by_role("button", name=t("run.button", lang)).wait_for()
    wait_idle(page)


def edit_seed(page: Any, lang: str, seed: int) -> None:
    del lang  # the section is found by its key, in either language
    set_number(page, "in-seed", seed, section="exp-run")


def _walk_through(server: str, page: Any) -> None:
    hosts: set[str] = set()
    page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    page.goto(server)
    page.get_by_role("button", name=t("run.button", "nl")).wait_for(timeout=60_000)
    wait_idle(page)
    # The first screen says what the tool answers and what to do first; no Deploy button.
    page.get_by_text("Wat eerst doen").wait_for()
    assert page.get_by_role("button", name="Deploy").count() == 0
    shot(page, "01-first-screen", docs=True)

    # 30 replications, as in the speed requirement (the setting sits in a closed expander).
    set_number(page, "in-reps", 30, section="exp-run")
    kpi_s, chart_s, run1 = run_and_time(page)
    assert run1 == "baseline"
    sim_s = reported_seconds(page)
    util = kpi_label("utilisation_pnp_counsellor", "nl")
    before = metric_value(page, util)
    saving = metric_value(page, kpi_label("net_saving_per_year", "nl"))
    assert saving.startswith("€ ") and "," not in saving, saving
    shot(page, "02-results", docs=True)
    page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
    shot(page, "03-charts", docs=True)

    # Asking again for the same scenario is instant (cache).
    kpi2_s, chart2_s, run2 = run_and_time(page)
    assert metric_value(page, util) == before

    # Fewer hours for the P&P-begeleider: the waiting list grows, and the page says so.
    set_number(page, "in-staff-pnp_counsellor-0-value", 12, section="exp-staff")
    page.get_by_text(t("res.stale", "nl")[:40]).wait_for(timeout=30_000)
    kpi3_s, chart3_s, run3 = run_and_time(page)
    assert run3 == "P&P-begeleider 12 u"
    sim3_s = reported_seconds(page)
    # The cards of the previous run stay on screen until the new ones replace them.
    deadline = time.time() + 60
    while (after := metric_value(page, util)) == before and time.time() < deadline:
        page.wait_for_timeout(250)
    assert before != after, (before, after)
    warning = page.get_by_text("De wachtlijst groeit").first
    warning.wait_for()
    page.mouse.wheel(0, -3000)
    warning.scroll_into_view_if_needed()
    shot(page, "04-growing", docs=True)

    # Compare the baseline with the 12 h run.
    open_tab(page, "compare", "nl")
    header = page.get_by_text(t("cmp.diff_header", "nl", other=run3, base=run2))
    header.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').last.wait_for()
    wait_idle(page)
    shot(page, "05-compare", docs=True)
    header.scroll_into_view_if_needed()
    shot(page, "06-compare-differences", docs=True)

    # The report for a decision: HTML and PDF over the ticked runs.
    open_tab(page, "downloads", "nl")
    report = download(page, "dl_report", OUT / "report-nl.html")
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and run3 in html.replace("&amp;", "&") and "<script" not in html
    pdf = download(page, "dl_pdf", OUT / "report-nl.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = pdf_pages(pdf, "report-nl")
    assert len(pages) >= 3, pages
    for i, png in enumerate(pages[:2]):
        if os.environ.get("PNP_SCREENSHOTS") == "1":
            shutil.copy(png, DOCS / f"app-report-page{i + 1}.png")
    shot(page, "07-downloads")

    # Download the scenario and upload it again: the same scenario, the same results.
    scenario_file = download(page, "dl_yaml", OUT / "scenario.yaml")
    page.locator(".st-key-ui-upload input[type=file]").set_input_files(str(scenario_file))
    page.locator(".st-key-loaded").get_by_text(
        re.compile(re.escape(t("src.uploaded", "nl", name="scenario.yaml")))).wait_for(
        timeout=60_000)
    wait_idle(page)
    open_tab(page, "results", "nl")
    kpi4_s, _, _ = run_and_time(page)
    page.get_by_text(t("run.cached", "nl")).wait_for(timeout=30_000)
    assert metric_value(page, util) == after
    assert not no_raw_keys(page.locator("body").inner_text())

    # A sweep started from the app, in the background, into the results folder.
    open_tab(page, "sweeps", "nl")
    box = page.locator(".st-key-ui-sw_values_0_hours_pnp_counsellor input")
    box.fill("12; 19")
    box.press("Enter")
    wait_idle(page)
    set_number(page, "ui-sw_reps", 3)
    set_number(page, "ui-sw_workers", 2)
    page.locator(".st-key-ui-sw_start button").click()
    page.get_by_text(re.compile(r"klaar \(")).first.wait_for(timeout=180_000)
    page.reload()
    page.get_by_role("button", name=t("run.button", "nl")).wait_for(timeout=60_000)
    wait_idle(page)
    open_tab(page, "sweeps", "nl")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=180_000)  # the store is read and drawn anew after the reload
    chart.scroll_into_view_if_needed()
    shot(page, "08-sweep", docs=True)

    # English: switch between runs, run, compare, and download the report as PDF.
    open_tab(page, "results", "nl")
    switch_language(page, "en")
    assert not no_raw_keys(page.locator("body").inner_text())
    for seed in (101, 102):
        edit_seed(page, "en", seed)
        assert t("run.invalid", "en") not in page.locator("body").inner_text()
        name = page.locator(".st-key-ui-run_name input").input_value()
        assert name == f"seed {seed}", name  # only the seed changed
        run_and_time(page, "en")
    shot(page, "09-english", docs=True)
    open_tab(page, "compare", "en")
    page.get_by_text(t("cmp.side_by_side", "en")).wait_for()
    open_tab(page, "downloads", "en")
    pdf_en = download(page, "dl_pdf", OUT / "report-en.pdf")
    assert len(pdf_pages(pdf_en, "report-en")) >= 3
    # And back to Dutch: the next edit and run still work (issue 11, defect 1).
    open_tab(page, "results", "en")
    switch_language(page, "nl")
    edit_seed(page, "nl", 103)
    assert t("run.invalid", "nl") not in page.locator("body").inner_text()
    run_and_time(page, "nl")
    assert not no_raw_keys(page.locator("body").inner_text())

    # The analysis tabs: least staffing and sensitivity draw from the current scenario, with
    # each input's source beside it; calibration takes a (synthetic) case log.
    open_tab(page, "least", "nl")
    page.get_by_role("button", name="Zoeken").wait_for(timeout=60_000)
    body = page.locator("body").inner_text()
    assert "Minimale bezetting" in body and "Bron: methodedocument 3.2" in body
    shot(page, "10-least-staffing", docs=True)
    open_tab(page, "sensitivity", "nl")
    page.get_by_role("button", name="Gevoeligheid berekenen").wait_for(timeout=60_000)
    shot(page, "11-sensitivity", docs=True)
    open_tab(page, "calibration", "nl")
    page.get_by_text("Kalibratie op eigen gegevens").wait_for(timeout=60_000)
    page.get_by_role("button", name="Kalibreren").wait_for(timeout=60_000)
    wait_idle(page)
    examples = ROOT / "calibration" / "examples"
    upload(page, "cal-cases", examples / "synthetic_cases.csv")
    upload(page, "cal-mapping", examples / "mapping.yaml")
    # an upload reruns the page; a click that lands during that rerun is clicked again
    click_until(page, "Kalibreren", page.get_by_text("Geschatte waarden (95%-interval)"),
                30_000, 60_000)
    shot(page, "12-calibration", docs=True)
    page.get_by_role("button", name="Gebruik als huidig scenario").click()
    page.get_by_text("Het gekalibreerde scenario is nu het huidige scenario.").wait_for(
        timeout=60_000)
    assert not no_raw_keys(page.locator("body").inner_text())

    # Nothing but the app itself was contacted.
    assert hosts <= {server.split("/")[2]}, hosts

    timings = {
        "first_run_30_reps_simulation_s": sim_s,
        "first_run_30_reps_kpis_s": round(kpi_s, 2),
        "first_run_30_reps_charts_s": round(chart_s, 2),
        "cached_run_kpis_s": round(kpi2_s, 2),
        "cached_run_charts_s": round(chart2_s, 2),
        "changed_run_30_reps_simulation_s": sim3_s,
        "changed_run_30_reps_kpis_s": round(kpi3_s, 2),
        "changed_run_30_reps_charts_s": round(chart3_s, 2),
        "reupload_cached_kpis_s": round(kpi4_s, 2),
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    (OUT / "timings.txt").write_text(json.dumps(timings, indent=2) + "\n")
    print("\nbrowser timings (click -> on screen):", json.dumps(timings))
