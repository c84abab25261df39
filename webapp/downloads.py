"""Files the user can download: the scenario, the result tables, the report."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sim.scenario.schema import scenario_to_yaml


def safe_name(name: str) -> str:
    """A file-name-safe version of a run name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "run"


def scenario_yaml(result: Any, name: str | None = None, sources: Any = None,
                  header: str = "") -> bytes:
    """The simulated scenario, with the replications and seed that were run, as YAML.

    Uploading it again and running it gives identical results: same hash, reps and seed.
    ``name`` (the run's name) replaces the scenario's name, which the hash leaves out.
    ``sources`` (``sim.scenario.sources``) writes each number's source beside it as a comment, as
    the shipped scenarios have them, so a downloaded file keeps where its numbers come from.
    """
    update: dict[str, Any] = {"replications": int(result.stamp["replications"]),
                              "seed": int(result.seed)}
    if name:
        update["name"] = name
    scenario = result.scenario.model_copy(update=update)
    if sources is None:
        return scenario_to_yaml(scenario).encode("utf-8")
    from sim.scenario.sources import scenario_to_sourced_yaml

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


#: Decimals kept for figures that are no KPI (weekly means, event times): enough for any
#: spreadsheet use, without the 17 digits of a float.
OTHER_DECIMALS = 4
#: Columns of a summary-like table whose figures are in the unit of the row's KPI.
KPI_VALUE_COLUMNS = ("mean", "sd", "ci_low", "ci_high", "median", "min", "max", "diff_mean",
                     "diff_ci_low", "diff_ci_high", "low", "high")


def kpi_round(kpi: str, value: Any) -> Any:
    """``value`` rounded to the precision its KPI is shown with (a share to whole percents)."""
    import math

    from sim.outputs.kpi_defs import KPIS

    if not isinstance(value, int | float) or isinstance(value, bool) or \
            (isinstance(value, float) and not math.isfinite(value)):
        return value
    k = KPIS[kpi]
    digits = 2 if k.unit == "share" else k.decimals(float(value))
    out = round(float(value), digits)
    return 0.0 if out == 0 else out  # never "-0"


def excel_frame(frame: Any, dialect: str) -> Any:
    """``frame`` as a spreadsheet reader wants it: yes/no in words (ja/nee in Dutch), every
    KPI figure rounded to its KPI's precision (per column in a table with a column per KPI,
    per row in a table with a ``kpi`` column), other figures to :data:`OTHER_DECIMALS`."""
    import pandas as pd

    from sim.outputs.kpi_defs import KPIS

    yes, no = ("ja", "nee") if dialect == "nl" else ("yes", "no")
    out = frame.copy()
    per_row = "kpi" in out.columns
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series):
            out[col] = series.map({True: yes, False: no})
        elif series.dtype == object and series.map(lambda v: isinstance(v, bool)).any():
            out[col] = series.map(lambda v: (yes if v else no) if isinstance(v, bool) else v)
        elif pd.api.types.is_float_dtype(series):
            if col in KPIS:
                out[col] = [kpi_round(col, v) for v in series]
            elif per_row and col in KPI_VALUE_COLUMNS:
                out[col] = [kpi_round(k, v) if k in KPIS else round(v, OTHER_DECIMALS)
                            for k, v in zip(out["kpi"], series, strict=True)]
            else:
                out[col] = series.round(OTHER_DECIMALS)
    return out


def excel_csv(frame: Any, dialect: str) -> bytes:
    """``frame`` as CSV for Excel as its users open it: a UTF-8 byte-order mark (without it,
    Excel on Windows shows "coÃ¶rdinator"), the dialect's separator and decimal mark
    (:data:`CSV_DIALECTS`), yes/no in words and rounded figures (:func:`excel_frame`)."""
    sep, dec = CSV_DIALECTS[dialect]
    text: str = excel_frame(frame, dialect).to_csv(index=False, sep=sep, decimal=dec)
    return text.encode("utf-8-sig")


def results_zip(result: Any, fmt: str, dialect: str = "en") -> bytes:
    """Every table ``sim.write_outputs`` writes (``fmt`` "csv" or "parquet"), zipped. CSV files
    are written for Excel (:func:`excel_csv`) in ``dialect``; Parquet keeps full precision."""
    from sim.outputs.output import TABLES, stamped, write_outputs

    with tempfile.TemporaryDirectory(prefix="pnp-app-") as tmp:
        paths = write_outputs(result, Path(tmp), fmt=fmt)
        if fmt == "csv":
            for p in paths:
                if Path(p).suffix == ".csv" and Path(p).stem in TABLES:
                    frame = stamped(getattr(result, Path(p).stem), result.stamp)
                    Path(p).write_bytes(excel_csv(frame, dialect))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(Path(x) for x in paths):
                zf.write(p, arcname=p.relative_to(tmp).as_posix())
        return buf.getvalue()
