"""Numbers as a planner types them, and back: no Streamlit, so it is tested alone.

Streamlit's number box drops a decimal comma ("12,5" became 125 hours), so the app's number
fields are text boxes read here. In Dutch the comma is the decimal sign and a point only groups
thousands ("1.000,5"); a point used as a decimal sign ("12.5") is refused with a hint rather
than guessed, since "1.000" means a thousand to a Flemish reader. In English it is the other way
round. Infinity, NaN, exponents and empty boxes are refused; every refusal carries a code that
the page turns into a sentence in the page's language (``in.num.<code>`` in ``webapp.i18n``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = {"nl": re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?"),
            "en": re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")}
_DECIMAL = {"nl": ",", "en": "."}
_GROUP = {"nl": ".", "en": ","}


@dataclass
class NumberError(ValueError):
    """Why a typed text is no acceptable number: ``code`` names the sentence, ``args`` fill it."""

    code: str
    args_: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.args_}"


def parse_number(text: str, lang: str, *, integer: bool = False,
                 low: float | None = None, high: float | None = None) -> float | int:
    """The number ``text`` means to a reader of ``lang``, within ``[low, high]``.

    Raises :class:`NumberError` (codes: empty, point, comma, not_number, not_integer,
    too_small, too_large) instead of guessing.
    """
    lang = lang if lang in _DECIMAL else "nl"
    s = _SPACES.sub("", str(text))
    if not s:
        raise NumberError("empty")
    dec, group = _DECIMAL[lang], _GROUP[lang]
    if _GROUPED[lang].fullmatch(s):
        s = s.replace(group, "")
    elif group in s:
        # "12.5" in Dutch, "12,5" in English: say which sign to use instead of guessing.
        raise NumberError("point" if group == "." else "comma", {"text": text})
    s = s.replace(dec, ".")
    if not _PLAIN.fullmatch(s):
        raise NumberError("not_number", {"text": text})
    value = float(s)
    if not math.isfinite(value):  # pragma: no cover - the pattern admits no inf/nan
        raise NumberError("not_number", {"text": text})
    if integer and not value.is_integer():
        raise NumberError("not_integer", {"text": text})
    if low is not None and value < low:
        raise NumberError("too_small", {"low": low})
    if high is not None and value > high:
        raise NumberError("too_large", {"high": high})
    return int(value) if integer else value


def format_input(value: Any, lang: str, integer: bool = False) -> str:
    """``value`` as the text a number box shows: no grouping, no trailing zeros, the decimal
    sign of ``lang`` ("12,5" in Dutch, "12.5" in English, "19" for 19.0)."""
    v = float(value)
    if integer or v.is_integer():
        return str(int(round(v)))
    text = f"{v:.9f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nl" else text


def bound_text(value: float, lang: str) -> str:
    """A bound inside a message ("168", "0,5")."""
    return format_input(value, lang)
