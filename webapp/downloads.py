"""Files the user can download: the scenario, the result tables, the report."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sim.scenario import scenario_to_yaml


def safe_name(name: str) -> str:
    """A file-name-safe version of a run name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "run"


def scenario_yaml(result: Any, name: str | None = None, sources: Any = None,
                  header: str = "") -> bytes:
    """The simulated scenario, with the replications and seed that were run, as YAML.

    Uploading it again and running it gives identical results: same hash, reps and seed.
    ``name`` (the run's name) replaces the scenario's name, which the hash leaves out.
    ``sources`` (``sim.sources``) writes each number's source beside it as a comment, as the
    shipped scenarios have them, so a downloaded file keeps where its numbers come from.
    """
    update: dict[str, Any] = {"replications": int(result.stamp["replications"]),
                              "seed": int(result.seed)}
    if name:
        update["name"] = name
    scenario = result.scenario.model_copy(update=update)
    if sources is None:
        return scenario_to_yaml(scenario).encode("utf-8")
    from sim.sources import scenario_to_sourced_yaml

    return scenario_to_sourced_yaml(scenario, sources, header).encode("utf-8")


#: CSV dialects offered: (separator, decimal mark). "nl" opens in columns in a Dutch-language
#: spreadsheet (Belgium, the Netherlands), where the comma is the decimal mark.
CSV_DIALECTS: dict[str, tuple[str, str]] = {"nl": (";", ","), "en": (",", ".")}


def to_dialect(text: str, dialect: str) -> str:
    """CSV text written with ',' and '.' rewritten in ``dialect`` (see :data:`CSV_DIALECTS`):
    numbers get the dialect's decimal mark, text cells are left as they are."""
    import pandas as pd

    sep, dec = CSV_DIALECTS[dialect]
    if (sep, dec) == (",", "."):
        return text
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    numeric = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
    for col in frame.columns:
        frame[col] = [v.replace(".", dec) if numeric.match(v) else v for v in frame[col]]
    out: str = frame.to_csv(index=False, sep=sep)
    return out


def results_zip(result: Any, fmt: str, dialect: str = "en") -> bytes:
    """Every table ``sim.write_outputs`` writes (``fmt`` "csv" or "parquet"), zipped; CSV files
    in ``dialect`` (separator and decimal mark, :data:`CSV_DIALECTS`)."""
    from sim.output import write_outputs

    with tempfile.TemporaryDirectory(prefix="pnp-app-") as tmp:
        paths = write_outputs(result, Path(tmp), fmt=fmt)
        if fmt == "csv" and dialect != "en":
            for p in paths:
                if Path(p).suffix == ".csv":
                    Path(p).write_text(to_dialect(Path(p).read_text(encoding="utf-8"), dialect),
                                       encoding="utf-8")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(Path(x) for x in paths):
                zf.write(p, arcname=p.relative_to(tmp).as_posix())
        return buf.getvalue()
