"""Staff hours per case from a time registration: hours registered at the scenario's rates,
week by week while each case is in a phase, come back as those rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibration.calibrate import calibrate
from calibration.errors import LogError
from calibration.hours import read_hours
from calibration.read import read_case_log
from calibration.synthetic import model_case_log, with_changes
from calibration.timeline import build
from sim.scenario.schema import total_hours

KEY = "hours-key-000000000"


def test_registered_hours_are_recovered_per_phase_and_role(baseline) -> None:
    truth = with_changes(baseline, {
        "horizon_weeks": 260, "referrals.schedule": [{"from_week": 0, "per_year": 20}],
        **{f"staff.{r}.schedule.0.hours": 500 for r in
           ("coordinator", "pnp_counsellor", "parent_counsellor")},
        "families.interested_per_year": 150})
    frame, end = model_case_log(truth, seed=4)
    log = read_case_log(frame.to_csv(index=False).encode(), "c.csv", KEY, end=end)
    tl = build(log)
    mult = {c: truth.complexity_effects[c].hours for c in ("low", "medium", "high")}
    raw_ids = dict(zip(log.cases.index, log.cases.index, strict=True))
    rows = []
    st = tl.stays[tl.stays["state"].isin(["assessment", "fitting", "guidance"])]
    for case, state, s0, s1 in zip(st["case"], st["state"], st["start"], st["end"],
                                   strict=True):
        need = total_hours(truth.phases.spec(state).hours)
        m = mult[log.cases.loc[case, "complexity"]]
        for week in range(int(np.floor(s0)), int(np.ceil(s1))):
            share = max(0.0, min(s1, week + 1) - max(s0, week))
            if share <= 0:
                continue
            for role, h in need.items():
                rows.append((raw_ids[case], role, week, h * m * share))
    reg = pd.DataFrame(rows, columns=["case_id", "role", "week", "hours"])
    # the registration's case ids are already pseudonyms here: hash them once more alike
    hours = read_hours(reg.to_csv(index=False).encode(), "hours.csv", KEY, None)
    back = {log.cases.index[i]: log.cases.index[i] for i in range(len(log.cases))}
    hours["case"] = reg["case_id"].map(back).to_numpy()
    cal = calibrate(log, truth, gof=False, hours=hours)
    got = {f.path: f for f in cal.fitted}
    for phase in ("assessment", "fitting", "guidance"):
        for role, h in total_hours(truth.phases.spec(phase).hours).items():
            e = got[f"phases.{phase}.hours.{role}"].est
            # mid-week attribution blurs the edges of short stays: within 15%
            assert e is not None and e.value == pytest.approx(h, rel=0.15), (phase, role)
    assert "[base" not in "".join(f.tag("x") for f in cal.fitted)


def test_bad_registration_names_row_and_column() -> None:
    with pytest.raises(LogError) as exc:
        read_hours(b"case_id,role,week,hours\nA,coordinatr,3,2\nA,coordinator,4,-1\n",
                   "hours.csv", KEY, None)
    msg = str(exc.value)
    assert "row 2, column 'role'" in msg and "did you mean 'coordinator'" in msg
    assert "row 3, column 'hours'" in msg
