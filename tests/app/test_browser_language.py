"""Issue 18, item 3: one language per page, checked in a real browser.

In each language: run twice, open every tab, download the board report (HTML and PDF), and
collect every visible text (sidebar, tabs, report, the PDF's text by pdftotext). The test
fails on words of the other language (unambiguous words, found as whole words) and on raw text
keys. A small allow-list holds proper names and file formats. Waits are on visible conditions
only. The texts seen go to test-output/browser/visible-<lang>.txt for a human reader.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from test_browser import (  # noqa: F401 - fixtures
    OUT,
    browser_page,
    download,
    no_raw_keys,
    open_tab,
    run_and_time,
    server,
    set_number,
    wait_idle,
    wait_uploader_texts,
)

from webapp.tabs import TABS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

#: Words that are English and not Dutch. A hit is reported with its context.
ENGLISH = {
    "the", "and", "with", "your", "you", "from", "this", "that", "which", "when", "what",
    "where", "there", "these", "those", "would", "should", "could", "into", "are", "were",
    "been", "has", "have", "its", "not", "drag", "drop", "browse", "choose", "options",
    "select", "upload", "file", "files", "limit", "sensitivity", "calibration", "staffing",
    "report", "waiting", "counsellor", "children", "hours", "state", "start state",
    "per file", "assume", "method", "domain", "true", "false", "none",
}
#: Words that are Dutch and not English.
DUTCH = {
    "de", "het", "een", "en", "van", "niet", "voor", "met", "geen", "wordt", "zijn", "worden",
    "wachtlijst", "uren", "kinderen", "gezinnen", "per jaar", "weken", "bron", "aanname",
    "ja", "nee", "bestand", "kiezen", "simulatie", "resultaten", "vergelijken", "rapport",
}
#: Proper names, formats and notations that are the same in both languages.
ALLOWED = {"P&P", "pnp-sim", "YAML", "CSV", "Parquet", "HTML", "PDF", "KPI", "Morris",
           "duckdb", "DuckDB", "Excel", "SimPy"}


def foreign_hits(text: str, lang: str = "nl") -> list[str]:
    """Each word of the other language found, with thirty characters of context either side."""
    foreign = ENGLISH if lang == "nl" else DUTCH
    hits = []
    for match in re.finditer(r"[A-Za-zë][A-Za-zë'-]*(?: [a-z]+)?", text):
        for word in (match.group(0).split(" ")[0], match.group(0)):
            if word.lower() in foreign and word not in ALLOWED:
                a, b = max(0, match.start() - 30), match.end() + 30
                hits.append(f"{word!r} in …{text[a:b]!r}…")
                break
    return hits


def visible(page: Any, lang: str) -> str:
    """The page's visible text, without icon names (Material icons are drawn from words such
    as "upload"; the reader sees a picture), once the uploaders show their texts in ``lang``
    (the page's script rewrites Streamlit's English ones a moment after each redraw)."""
    wait_uploader_texts(page, lang)
    return str(page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('[data-testid="stIconMaterial"], style, script').forEach(
            e => e.remove());
        document.documentElement.appendChild(body);
        const text = body.innerText;
        body.remove();
        return text;
    }"""))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_visible_text_is_in_the_page_s_language(server: str, browser_page: Any,  # noqa: F811
                                                      lang: str) -> None:
    try:
        _walk(server, browser_page, lang)
    except BaseException:
        browser_page.screenshot(path=str(OUT / f"language-failure-{lang}.png"), full_page=True)
        raise


def _walk(url: str, page: Any, lang: str) -> None:
    from webapp.i18n import t

    page.goto(f"{url}/?lang={lang}")  # a fresh session in that language
    page.get_by_role("button", name=t("run.button", lang)).wait_for(timeout=60_000)
    wait_idle(page)
    texts: dict[str, str] = {"first screen": visible(page, lang)}
    set_number(page, "in-reps", 3, section="exp-run")
    run_and_time(page, lang)
    # 12 h: the list grows (its warning is checked too) while children are still placed, so
    # all five charts are drawn (run_and_time waits for them)
    set_number(page, "in-staff-pnp_counsellor-0-value", 12, section="exp-staff")
    run_and_time(page, lang)
    for tab in TABS:
        open_tab(page, tab.key, lang)  # waits until the tab is drawn
        texts[f"tab {tab.key}"] = visible(page, lang)
    open_tab(page, "downloads", lang)
    report = download(page, "dl_report", OUT / f"language-report-{lang}.html")
    html = report.read_text(encoding="utf-8")
    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", html, flags=re.S)
    texts["report"] = re.sub(r"<[^>]+>", " ", body).replace("&amp;", "&")
    if shutil.which("pdftotext"):
        pdf = download(page, "dl_pdf", OUT / f"language-report-{lang}.pdf")
        texts["pdf"] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                      capture_output=True, text=True).stdout
    (OUT / f"visible-{lang}.txt").write_text(
        "\n\n".join(f"===== {k}\n{v}" for k, v in texts.items()), encoding="utf-8")
    problems = []
    for where, text in texts.items():
        problems += [f"{where}: raw key {k}" for k in no_raw_keys(text)]
        problems += [f"{where}: {hit}" for hit in foreign_hits(text, lang)]
    assert not problems, "\n".join(problems[:80])
