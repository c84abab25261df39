"""Plain-language texts built from results and errors; no Streamlit, so they are tested alone.

- :func:`error_text`: a scenario error with field paths in the planner's words (Dutch labels
  beside the field path) and the messages translated, one line per problem;
- :func:`run_name`: a run named by what changed against the loaded scenario
  ("P&P-begeleider 12 u");
- :func:`fmt_number_input`: the printf format of a number input (Streamlit's number inputs
  cannot show a decimal comma, so the Dutch interface shows whole numbers where it can).
"""

from __future__ import annotations

import re
from typing import Any

from sim.domain import ROLES
from webapp.i18n import t, term

#: Field names in scenario paths, as the planner knows them.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "staff": ("Personeel", "Staffing"),
    "schedule": ("rooster", "schedule"),
    "hours": ("uren per week", "hours per week"),
    "from_week": ("vanaf week", "from week"),
    "leave_share": ("verlof, vorming en overleg", "leave, training and meetings"),
    "referrals": ("Aanmeldingen", "Referrals"),
    "per_year": ("per jaar", "per year"),
    "sources": ("herkomst", "sources"),
    "share": ("aandeel", "share"),
    "families": ("P&P-gezinnen", "P&P families"),
    "interested_per_year": ("geïnteresseerd per jaar", "interested per year"),
    "screening": ("screening", "screening"),
    "pass_rate": ("slaagkans", "pass rate"),
    "leave_per_year": ("stoppen per jaar", "stopping per year"),
    "breakdown": ("Breukrisico", "Breakdown risk"),
    "weekly_hazard": ("risico per week", "hazard per week"),
    "underserved": ("extra risico bij te weinig uren", "extra risk when underserved"),
    "policy": ("Werkwijze", "Service policy"),
    "start_state": ("Beginsituatie", "Start state"),
    "children": ("kinderen", "children"),
    "families_in_pool": ("gezinnen in de pool", "families in the pool"),
    "horizon_weeks": ("Horizon (weken)", "Horizon (weeks)"),
    "warmup_weeks": ("Opwarmperiode (weken)", "Warm-up (weeks)"),
    "replications": ("Replicaties", "Replications"),
    "seed": ("Seed", "Seed"),
    "name": ("Naam", "Name"),
}

#: English messages from ``sim.scenario`` -> Dutch (regular expressions, first match wins).
_NL_MESSAGES: list[tuple[str, str]] = [
    (r"expected a value at least (.+)", r"verwacht een waarde van minstens \1"),
    (r"expected a value at most (.+)", r"verwacht een waarde van hoogstens \1"),
    (r"expected a value more than (.+)", r"verwacht een waarde groter dan \1"),
    (r"expected a value less than (.+)", r"verwacht een waarde kleiner dan \1"),
    (r"expected at least (\S+) item\(s\)", r"verwacht minstens \1 element(en)"),
    (r"expected at most (\S+) item\(s\)", r"verwacht hoogstens \1 element(en)"),
    (r"expected one of (.+)", r"verwacht een van \1"),
    (r"expected a whole number", "verwacht een geheel getal"),
    (r"expected a number", "verwacht een getal"),
    (r"expected true or false", "verwacht waar of onwaar (true/false)"),
    (r"expected text", "verwacht tekst"),
    (r"expected a list of two whole numbers", "verwacht een lijst van twee gehele getallen"),
    (r"expected a list", "verwacht een lijst"),
    (r"expected a mapping of fields at the top level", "verwacht velden op het hoogste niveau"),
    (r"expected a mapping of fields", "verwacht een groep velden"),
    (r"required field is missing", "verplicht veld ontbreekt"),
    (r"unknown field; did you mean '([^']+)'\?", r"onbekend veld; bedoelde je '\1'?"),
    (r"unknown field", "onbekend veld"),
    (r"\(expected one of: ", "(verwacht een van: "),
    (r"not valid YAML at line (\d+), column (\d+)", r"geen geldige YAML op regel \1, kolom \2"),
    (r"not valid YAML", "geen geldige YAML"),
    (r"expected a UTF-8 text file", "verwacht een tekstbestand (UTF-8)"),
    (r"\(got ", "(kreeg "),
    (r" or ", " of "),
]


def translate_message(msg: str, lang: str) -> str:
    """A message from the scenario validation in ``lang`` (English as it comes)."""
    if lang != "nl":
        return msg
    out = msg
    for pattern, repl in _NL_MESSAGES:
        out = re.sub(pattern, repl, out, count=1)
    return out


def path_label(path: str, lang: str) -> str:
    """'staff.pnp_counsellor.leave_share' -> 'Personeel › P&P-begeleider › verlof, ...'."""
    if not path:
        return t("err.top", lang)
    parts = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(t("err.step", lang, n=int(part) + 1))
        elif part in FIELD_LABELS:
            parts.append(FIELD_LABELS[part][0 if lang == "nl" else 1])
        else:
            parts.append(term(part, lang))
    return " › ".join(parts)


def error_lines(exc: Any, lang: str) -> list[str]:
    """One line per problem of a :class:`sim.scenario.InputError`: the field in words, its path
    in code font and what was expected, translated."""
    problems = getattr(exc, "problems", None)
    if problems is None:
        return [translate_message(str(exc), lang)]
    return [f"**{path_label(p, lang)}**" + (f" (`{p}`)" if p else "") + ": "
            + translate_message(m, lang) for p, m in problems]


def error_text(exc: Any, lang: str) -> str:
    """:func:`error_lines` as a Markdown list (wraps in the sidebar, unlike a code block)."""
    return "\n".join(f"- {line}" for line in error_lines(exc, lang))


# --------------------------------------------------------------------------- run names


def _hours(steps: list[dict[str, Any]], lang: str) -> str:

    h = "u" if lang == "nl" else "h"
    return " → ".join(f"{_num(float(s['hours']), lang)} {h}" for s in steps)


def _num(x: float, lang: str) -> str:
    """Whole numbers without decimals, others with one."""
    from sim.kpi_defs import format_number

    return format_number(x, lang, 0 if float(x).is_integer() else 1)


def run_name(base: dict[str, Any], data: dict[str, Any], lang: str) -> str:
    """A name that says what changed against the loaded scenario ("P&P-begeleider 12 u");
    the base scenario's name when nothing did."""
    from sim.kpi_defs import format_number

    parts = []
    for role in ROLES:
        steps = data["staff"][role]["schedule"]
        if steps != base["staff"][role]["schedule"]:
            parts.append(f"{term(role, lang)} {_hours(steps, lang)}")
        if data["staff"][role].get("leave_share") != base["staff"][role].get("leave_share"):
            parts.append(f"{term(role, lang)} {t('name.leave', lang)} "
                         f"{_num(round(100 * float(data['staff'][role]['leave_share'])), lang)}%")
    if data["referrals"]["schedule"] != base["referrals"]["schedule"]:
        rates = " → ".join(format_number(float(s["per_year"]), lang, 0
                                         if float(s["per_year"]).is_integer() else 1)
                           for s in data["referrals"]["schedule"])
        parts.append(t("name.referrals", lang, rate=rates))
    for field, key in (("policy", "name.policy"), ("families", "name.families"),
                       ("breakdown", "name.breakdown"), ("start_state", "name.start"),
                       ("horizon_weeks", "name.horizon"), ("seed", "name.seed")):
        if data.get(field) != base.get(field):
            if field == "policy":
                parts.append(t(f"in.policy.{data['policy']}", lang).split(":")[0])
            elif field == "seed":
                parts.append(f"seed {data['seed']}")
            else:
                parts.append(t(key, lang))
    if data["referrals"].get("sources") != base["referrals"].get("sources"):
        parts.append(t("name.sources", lang))
    if not parts:
        return str(base.get("name") or t("name.base", lang))
    return ", ".join(parts)
