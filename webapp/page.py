"""The page: the sidebar (language, run button, scenario and inputs) and the result tabs.

``app.py`` calls :func:`main`. The state lives in ``webapp.state``, the sidebar in
``webapp.sidebar``, each tab in ``webapp.tabs`` (registry: ``webapp.tabs.TABS``), and the
presentation that needs no Streamlit (charts, tables, texts, report) in its own modules.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.scenario import Scenario
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
            import streamlit.components.v1 as components

            components.html(script, height=0)


#: Streamlit's own file-uploader texts -> the catalogue key that replaces them.
STREAMLIT_TEXTS = {"Upload": "ui.upload_button", "Drag and drop file here": "ui.upload_drop",
                   "File type not allowed.": "ui.upload_type",
                   "Remove file": "ui.upload_remove"}


def streamlit_texts_script(lg: str) -> str:
    """A script that puts Streamlit's own uploader texts ("Upload", "50MB per file", "File
    type not allowed.") into the page's language.

    Streamlit offers no setting for them; the script (in a same-origin component frame) rewrites
    those text nodes in the page whenever Streamlit draws them again. It maps Streamlit's own
    English and every language's version to the page's language, so that after a language
    switch the texts an earlier script rewrote (and Streamlit does not draw again) follow too."""
    import json
    import re

    exact: dict[str, str] = {}
    for original, key in STREAMLIT_TEXTS.items():
        exact[original] = t(key, lg)
        for other in LANGS:
            exact[t(key, other)] = t(key, lg)
    per_file = t("ui.upload_limit", lg, size="$1")
    size = r"([0-9.,]+\s?[KMG]?B)"
    patterns = [
        "^" + re.escape(t("ui.upload_limit", other, size="@@")).replace("@@", size) + "$"
        for other in LANGS]
    return rf"""<script>
(function() {{
  const doc = window.parent.document;
  const exact = {json.dumps(exact)};
  const perFile = {json.dumps(per_file)};
  const patterns = {json.dumps(patterns)}.map(p => new RegExp(p));
  const typeText = exact["File type not allowed."];
  function fix(root) {{
    const walk = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walk.nextNode())) {{
      const v = n.nodeValue;
      if (!v || v.length > 60) continue;
      const s = v.trim();
      if (exact[s] !== undefined) {{
        if (exact[s] !== s) n.nodeValue = exact[s];
        continue;
      }}
      let done = false;
      for (const re of patterns) {{
        const m = s.match(re);
        if (m) {{
          const want = perFile.replace("$1", m[1]);
          if (want !== s) n.nodeValue = want;
          done = true;
          break;
        }}
      }}
      if (!done && s.endsWith(" files are not allowed.")) n.nodeValue = typeText;
    }}
    root.querySelectorAll && Object.keys(exact).forEach(label => {{
      if (label.startsWith("Remove") || label.startsWith("Bestand weg"))
        root.querySelectorAll('[aria-label="' + label + '"]').forEach(
          b => b.setAttribute("aria-label", exact["Remove file"]));
    }});
  }}
  const obs = new MutationObserver(ms => ms.forEach(m => fix(m.target.parentNode || m.target)));
  obs.observe(doc.body, {{childList: true, subtree: true, characterData: true}});
  fix(doc.body);
}})();
</script>"""


def main_area(lg: str, data: dict[str, Any], scenario: Scenario | None) -> None:
    from sim import __version__ as pkg_version  # the one version lookup (sim.stamp)


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
