"""The page: the sidebar (language, run button, scenario and inputs) and the result tabs.

``app.py`` calls :func:`main`. The state lives in ``webapp.state``, the sidebar in
``webapp.sidebar``, each tab in ``webapp.tabs`` (registry: ``webapp.tabs.TABS``), and the
presentation that needs no Streamlit (charts, tables, texts, report) in its own modules.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.scenario.schema import Scenario
from webapp import sidebar
from webapp.i18n import LANGS, t
from webapp.state import current_scenario, init_state, ss
from webapp.tabs import TABS, Context


def main() -> None:
    st.set_page_config(page_title="P&P planner", layout="wide")
    # No developer menu (deploy, clear cache, ...) for the planners using the page; the same
    # is set in .streamlit/config.toml so that it holds from the first paint.
    st.set_option("client.toolbarMode", "minimal")
    init_state()
    with st.sidebar:
        lg = sidebar.language()
    if st.query_params.get("lang") != lg:
        st.query_params["lang"] = lg  # so that a reload keeps the language
    data, scenario, error = current_scenario()
    with st.sidebar:
        sidebar.run_box(lg, data, scenario, error)
    main_area(lg, data, scenario)
    # The inputs come last in the script (they still sit in the sidebar): after a run, the key
    # figures reach the browser before the sixty-odd input widgets are sent again.
    with st.sidebar:
        st.divider()
        sidebar.source(lg)
        sidebar.inputs(lg)
        script = streamlit_texts_script(lg)
        if script:
            page_script(script)


def page_script(html: str) -> None:
    """Run ``html``'s script in the page itself, where it takes no room.

    ``st.html`` runs it where Streamlit allows scripts there; ``components.html`` (a frame of
    no height, which Streamlit marks for removal) only on the older versions the pin allows."""
    try:
        st.html(html, unsafe_allow_javascript=True)
    except TypeError:  # a Streamlit without the option
        import streamlit.components.v1 as components

        components.html(html, height=0)


#: Streamlit's own file-uploader texts -> the catalogue key that replaces them.
STREAMLIT_TEXTS = {"Upload": "ui.upload_button", "Drag and drop file here": "ui.upload_drop",
                   "File type not allowed.": "ui.upload_type",
                   "Remove file": "ui.upload_remove"}


def streamlit_texts_script(lg: str) -> str:
    """A script that puts Streamlit's own uploader texts ("Upload", "50MB per file", "File
    type not allowed.") into the page's language.

    Streamlit offers no setting for them; the script (run by :func:`page_script`, in the page
    or in an older Streamlit's same-origin frame, hence ``window.parent``) rewrites those text
    nodes in the page whenever Streamlit draws them again. Each rewritten element
    keeps Streamlit's original text (``data-pnp-orig``), so that after a language switch the
    next page's script translates from the original: texts Streamlit does not draw again follow
    the switch too, and no page carries the other language's words."""
    import json

    exact = {original: t(key, lg) for original, key in STREAMLIT_TEXTS.items()}
    per_file = t("ui.upload_limit", lg, size="$1")
    return rf"""<script>
(function() {{
  const doc = window.parent.document;
  const exact = {json.dumps(exact)};
  const perFile = {json.dumps(per_file)};
  const typeText = exact["File type not allowed."];
  function want(orig) {{
    if (exact[orig] !== undefined) return exact[orig];
    const m = orig.match(/^([0-9.]+\s?[KMG]?B) per file$/);
    if (m) return perFile.replace("$1", m[1]);
    if (orig.endsWith(" files are not allowed.")) return typeText;
    return null;
  }}
  function fix(root) {{
    const walk = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walk.nextNode())) {{
      const v = n.nodeValue;
      const el = n.parentNode;
      if (!v || v.length > 60 || !el || !el.dataset) continue;
      const s = v.trim();
      // one original per text node: an element can hold several ("50MB per file", " • YAML")
      const i = [...el.childNodes].filter(c => c.nodeType === 3).indexOf(n);
      const slot = i > 0 ? "pnpOrig" + i : "pnpOrig";
      const orig = el.dataset[slot] || s;
      const text = want(orig);
      if (text === null) continue;
      if (!el.dataset[slot]) el.dataset[slot] = orig;
      if (text !== s) n.nodeValue = text;
    }}
    root.querySelectorAll && root.querySelectorAll("[aria-label]").forEach(b => {{
      const orig = b.dataset.pnpLabel || b.getAttribute("aria-label");
      if (orig === "Remove file") {{
        b.dataset.pnpLabel = orig;
        b.setAttribute("aria-label", exact["Remove file"]);
      }}
    }});
  }}
  const obs = new MutationObserver(ms => ms.forEach(m => fix(m.target.parentNode || m.target)));
  // run in the page itself, an earlier run's observer (another language) stops here
  if (window.pnpTextsObserver) window.pnpTextsObserver.disconnect();
  window.pnpTextsObserver = obs;
  obs.observe(doc.body, {{childList: true, subtree: true, characterData: true}});
  fix(doc.body);
}})();
</script>"""


def main_area(lg: str, data: dict[str, Any], scenario: Scenario | None) -> None:
    from sim import __version__ as pkg_version  # the one version lookup (sim.outputs.stamp)


    st.title(t("app.title", lg))
    st.caption(t("app.caption", lg) + " " + t("app.version", lg, version=pkg_version))
    labels = {tab.key: tab.label(lg) for tab in TABS}
    state = ss()
    if state.get("ui:tab") not in labels.values():
        # After a language switch, stay on the same tab under its new name.
        opened = next((tab.key for tab in TABS for code in LANGS
                       if state.get("ui:tab") == tab.label(code)), TABS[0].key)
        state["ui:tab"] = labels[opened]
    # Only the open tab runs (on_change="rerun"): hidden tabs cost nothing.
    containers = st.tabs(list(labels.values()), key="ui:tab", on_change="rerun")
    context = Context(lg, data, scenario)
    for tab, container in zip(TABS, containers, strict=True):
        if container.open is not False:
            with container:
                tab.render(context)


__all__ = ["main"]
