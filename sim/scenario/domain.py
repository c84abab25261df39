"""The programme's vocabulary: phases, roles, layers and their Dutch/English labels.

Keys are stable English identifiers used in scenario files and outputs; the labels are what
users see. Dutch is the programme's own language, so it comes first.
"""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["coordinator", "pnp_counsellor", "parent_counsellor"]
Layer = Literal["families", "child", "parents"]
PhaseKey = Literal[
    "sensibiliseren",
    "assessment",
    "prematching",
    "discrete_matching",
    "open_matching",
    "fitting",
    "training",
    "guidance",
    "anchoring",
]

ROLES: tuple[str, ...] = get_args(Role)
LAYERS: tuple[str, ...] = get_args(Layer)

#: Phases a child moves through, in order (phase 1, sensibiliseren, is family recruitment).
CHILD_PHASES: tuple[str, ...] = get_args(PhaseKey)[1:]
MATCHING_PHASES: tuple[str, ...] = ("prematching", "discrete_matching", "open_matching")
#: Phases in which the child lives (part-time or full-time) with the foster family.
PLACED_PHASES: tuple[str, ...] = ("fitting", "training", "guidance", "anchoring")

#: Programme phase number (1-7) of each phase key.
PHASE_NUMBER: dict[str, int] = {
    "sensibiliseren": 1,
    "assessment": 2,
    "prematching": 3,
    "discrete_matching": 3,
    "open_matching": 3,
    "fitting": 4,
    "training": 5,
    "guidance": 6,
    "anchoring": 7,
}

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "sensibiliseren": "Sensibiliseren",
        "assessment": "Aanmelding & beeldvorming",
        "prematching": "Prematching",
        "discrete_matching": "Discrete matching",
        "open_matching": "Open matching",
        "fitting": "Fitting",
        "training": "Training",
        "guidance": "Begeleiding",
        "anchoring": "Verankeren & oriënteren",
        "coordinator": "Inhoudelijk coördinator",
        "pnp_counsellor": "P&P-begeleider",
        "parent_counsellor": "Ouder-/gezinsbegeleider",
        "families": "P&P-ouders",
        "child": "Kind",
        "parents": "Ouders",
        "waiting_family": "Wacht op P&P-gezin",
        "crisis_admission": "Crisisopname",
        "own_groups": "Eigen leefgroepen",
        "regular_foster": "Reguliere pleegzorg",
        "other_facility": "Andere voorziening",
    },
    "en": {
        "sensibiliseren": "Awareness & recruitment",
        "assessment": "Referral & assessment",
        "prematching": "Prematching",
        "discrete_matching": "Discrete matching",
        "open_matching": "Open matching",
        "fitting": "Fitting",
        "training": "Training",
        "guidance": "Guidance",
        "anchoring": "Anchoring & handover",
        "coordinator": "Content coordinator",
        "pnp_counsellor": "P&P counsellor",
        "parent_counsellor": "Parent/family counsellor",
        "families": "P&P parents",
        "child": "Child",
        "parents": "Parents",
        "waiting_family": "Waiting for a family",
        "crisis_admission": "Crisis admission",
        "own_groups": "Own residential groups",
        "regular_foster": "Regular foster care",
        "other_facility": "Other facility",
    },
}


def label(key: str, lang: str = "nl") -> str:
    """User label for a domain key; falls back to the key itself so nothing disappears."""
    return LABELS.get(lang, LABELS["nl"]).get(key, key)
