"""No untranslated labels: every text key exists in both languages, and the rendered page in each
language shows no raw keys."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from app_helpers import ROOT, click_run, new_app, open_tab, set_number
from google.protobuf.descriptor import FieldDescriptor

from sim.outputs.kpi_defs import KPIS
from sim.scenario.domain import CHILD_PHASES, ROLES
from webapp import inputs as inp
from webapp.i18n import EXTRA_TERMS, LANGS, TEXT, t, term

SOURCES = [ROOT / "app.py", *sorted((ROOT / "webapp").glob("*.py"))]
#: Keys used literally, t("key", ...), and key families built with an f-string, t(f"pre.{x}").
LITERAL = re.compile(r"""\bt\(\s*"([A-Za-z0-9_.]+)\"""")
PREFIXED = re.compile(r"""\bt\(\s*f"([A-Za-z0-9_.]+)\{""")


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_in_both_languages_with_the_same_placeholders() -> None:
    for key, texts in TEXT.items():
        assert set(texts) == set(LANGS), key
        for lang in LANGS:
            assert texts[lang].strip(), (key, lang)
            assert texts[lang] != key, key
        assert placeholders(texts["nl"]) == placeholders(texts["en"]), key
    for key, texts in EXTRA_TERMS.items():
        assert set(texts) == set(LANGS) and all(texts.values()), key


def test_every_key_the_code_uses_exists() -> None:
    used, prefixes = set(), set()
    for path in SOURCES:
        src = path.read_text(encoding="utf-8")
        used |= set(LITERAL.findall(src))
        prefixes |= set(PREFIXED.findall(src))
    assert used, "the scan found no keys: the pattern is wrong"
    missing = sorted(k for k in used if k not in TEXT)
    assert not missing, missing
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in TEXT), prefix
    # And the families the page builds are complete.
    for family in ("in.policy.", "in.unit.", "lang.", "min."):
        assert any(k.startswith(family) for k in TEXT)
    for policy in inp.POLICIES:
        assert f"in.policy.{policy}" in TEXT
    for unit in inp.TIME_UNITS:
        assert f"in.unit.{unit}" in TEXT and f"in.from_{unit}" in TEXT
    for verdict in ("met", "not_met", "uncertain"):
        assert f"min.{verdict}" in TEXT
    for chart in ("waiting", "phases", "util", "dist", "flow"):
        assert f"chart.{chart}.help" in TEXT and f"chart.{chart}.title" in TEXT


def test_missing_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        t("no.such.key", "nl")


def test_domain_terms_are_translated() -> None:
    for key in (*ROLES, *CHILD_PHASES, "waiting_staff", "waiting_family", "crisis_admission",
                *inp.SOURCES, *EXTRA_TERMS):
        for lang in LANGS:
            assert term(key, lang) != key, (key, lang)
    assert term("pnp_counsellor", "nl") == "P&P-begeleider"


# --------------------------------------------------------------------------- rendered page

SKIP_FIELDS = {"id", "form_id", "key", "spec", "datasets", "scope", "vega_lite_chart"}


def proto_strings(msg: Any, out: list[str], skip: set[str]) -> None:
    for fd, value in msg.ListFields():
        if fd.name in skip:
            continue
        values = value if fd.is_repeated else [value]
        for v in values:
            if fd.type == FieldDescriptor.TYPE_STRING:
                out.append(v)
            elif fd.type == FieldDescriptor.TYPE_BYTES:
                out.append(v.decode("utf-8", errors="ignore"))
            elif fd.type == FieldDescriptor.TYPE_MESSAGE:
                proto_strings(v, out, skip)


def page_strings(at: Any, skip: set[str]) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") != "text_area":
            proto_strings(proto, out, skip)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def chart_specs(at: Any) -> list[str]:
    """Each chart's spec and data (titles, legends, tooltips, series names)."""
    out: list[str] = []
    for node in at.get("vega_lite_chart"):
        proto_strings(node.proto, out, {"id"})
    return out


TAB_KEYS = ("results", "compare", "minimum", "downloads", "scenario", "sweeps")


def rendered(lang: str) -> tuple[str, str, str]:
    """Two runs and a minimum check, then every tab in turn (only the open tab is drawn).

    Returns (all strings incl. chart specs, visible strings, visible strings plus chart data).
    """
    at = new_app(reps=3)
    at.radio(key="ui:lang").set_value(lang).run()
    click_run(at)
    set_number(at, inp.k_step("staff.pnp_counsellor", 0, "value"), 25.0).run()
    click_run(at)
    everything: list[str] = []
    visible: list[str] = []
    charts: list[str] = []
    for key in TAB_KEYS:
        open_tab(at, key, lang)
        if key == "minimum":
            at.button(key="ui:min_run").click().run()
        assert not at.exception
        specs = chart_specs(at)
        if key in ("results", "compare"):
            assert specs, f"no charts on the {key} tab"
        everything += page_strings(at, {"id", "form_id"}) + specs
        visible += page_strings(at, SKIP_FIELDS)
        charts += specs
    return "\n".join(everything), "\n".join(visible), "\n".join(visible + charts)


RAW_DOMAIN = [k for k in (*ROLES, *CHILD_PHASES, *inp.SOURCES, "waiting_staff", "waiting_family",
                          "crisis_admission", *KPIS) if "_" in k or k in ("assessment",
                                                                           "guidance", "anchoring")]


@pytest.mark.parametrize("lang", LANGS)
def test_rendered_page_has_no_raw_keys(spy: Any, lang: str) -> None:
    # Chart data (legends, axis titles, tooltips) counts as visible too; its field names
    # (week, mean, ci_low, ...) are no domain keys.
    everything, visible, with_charts = rendered(lang)
    assert len(visible) > 5000  # the scan really saw the page
    # A key shows raw when it stands alone: not inside a longer run of word characters and
    # dots. Keys made of those characters only are looked up among the page's runs (one scan
    # of the page instead of one regex search per key, which took most of this test's time).
    runs = set(re.findall(r"[\w.]+", everything))
    raw_text_keys = [k for k in TEXT
                     if (k in runs if re.fullmatch(r"[\w.]+", k)
                         else re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", everything))]
    assert not raw_text_keys, raw_text_keys
    # Table and chart data are Arrow buffers in which values follow each other without a
    # separator, so keys with an underscore are looked for as plain substrings.
    raw = [k for k in RAW_DOMAIN if "_" in k and k in with_charts]
    if lang == "nl":
        raw += [k for k in RAW_DOMAIN if "_" not in k and re.search(rf"\b{k}\b", with_charts)]
    assert not raw, raw
    # Texts of the other language do not leak in (long ones only: short ones can coincide).
    other = "en" if lang == "nl" else "nl"
    leaked = [k for k, v in TEXT.items()
              if len(v[other]) > 25 and v[other] != v[lang] and "{" not in v[other]
              and v[other] in visible]
    assert not leaked, leaked
    assert t("run.button", lang) in visible and t("tab.results", lang) in visible
