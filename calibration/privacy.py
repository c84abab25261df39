"""What of a raw log may reach a message, a report or a log line.

Errors must help the user find a bad cell without showing it: a cell from an identifier,
date or free-text column can name a child. So a raw value is shown only when it is a known
vocabulary word or occurs in at least :data:`MIN_CASES` different cases (an activity or
attribute name of the organisation, not something about one child); otherwise only its
*shape* is shown (digits as 9, letters as a or A, at most 20 characters) with a keyed
reference the user can recompute with their key. See ``calibration/README.md`` (threat model).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

#: A value seen in fewer different cases than this is never shown (same rule as the
#: reports' small-cell suppression).
MIN_CASES = 5
#: Keys shorter than this (in bytes) are refused from every source: a short key can be
#: found by trying them all, and then every pseudonym can be reversed from a list of names.
MIN_KEY_BYTES = 16


def key_problem(key: str | None) -> str | None:
    """Why ``key`` cannot be used, or None."""
    if key is None or len(key.strip().encode("utf-8")) < MIN_KEY_BYTES:
        return (f"a pseudonymisation key must be at least {MIN_KEY_BYTES} bytes long "
                "(leave it out to have a fresh random key made for you)")
    return None


def shape(value: object) -> str:
    """The form of a value without its content: ``'Jan 2009'`` -> ``'Aaa 9999'``."""
    text = str(value)
    out = re.sub(r"[0-9]", "9", text)
    out = re.sub(r"[^\W\d_]", lambda m: "A" if m.group().isupper() else "a", out)
    return out[:20] + ("…" if len(out) > 20 else "")


def ref(key: str, value: object) -> str:
    """A short keyed reference to a value (the user can recompute it; a reader cannot)."""
    return hmac.new(key.encode(), b"cell:" + str(value).encode(), hashlib.sha256).hexdigest()[:8]


def redact(value: object, key: str, common: Iterable[str] = ()) -> str:
    """``repr`` of ``value`` when it is common (see module doc), else its shape and ref."""
    if str(value) in set(common):
        return repr(str(value))
    return (f"a value shaped {shape(value)!r} (hidden: it may identify someone; "
            f"ref {ref(key, value)})")


def start_state_text(value: object) -> str:
    """A start-state figure as plain text a reader may see: counts under :data:`MIN_CASES`
    as "<5", and per-case lists (weeks already done) only as a median over at least
    :data:`MIN_CASES` cases, never the list (one value per child or family)."""
    import statistics

    def one(v: object) -> str:
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, int):
            return "<5" if 0 < v < MIN_CASES else str(v)
        if isinstance(v, list) and any(isinstance(x, dict) for x in v):
            return "<5 known" if 0 < len(v) < MIN_CASES else f"{len(v)} known"
        if isinstance(v, list):
            return (f"median {statistics.median(v):.3g} weeks done" if len(v) >= MIN_CASES
                    else "suppressed (<5)")
        return str(v)

    if isinstance(value, dict):
        return "; ".join(f"{k}: {one(v)}" for k, v in value.items()) or "none"
    return one(value)
