"""Resuming an interrupted experiment: each finished replication in its own small JSON file.

The folder is keyed by (scenario hash, seed, detail, code version), and each file by the
replication index, so a checkpoint is reused only by exactly the same computation: another
scenario, seed, package version or model code (its fingerprint) starts afresh. Files are
plain JSON (no pickle: a checkpoint folder can never run code) and written under a temporary
name and renamed, so a kill leaves either the whole file or none.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from sim.outputs.stamp import code_version
from sim.running.replication import ReplicationResult


class Checkpoint:
    """Finished replications of one (scenario hash, seed, detail, code version)."""

    def __init__(self, root: str | Path, digest: str, seed: int, detail: bool):
        self.root = Path(root)
        self.version = code_version()
        tag = self.version.replace("+", "-").replace("/", "_")
        self.dir = self.root / f"{digest}-s{seed}-{'d' if detail else 'k'}-{tag}"
        self.key = {"scenario_hash": digest, "seed": seed, "detail": detail,
                    "code_version": self.version}

    def load(self, reps: int) -> dict[int, ReplicationResult]:
        """The stored replications with an index below ``reps`` (damaged files are skipped:
        they are simply run again)."""
        found: dict[int, ReplicationResult] = {}
        if not self.dir.is_dir():
            return found
        for path in sorted(self.dir.glob("rep-*.json")):
            try:
                data = json.loads(path.read_text())
                if data.get("key") != self.key:
                    continue
                res = ReplicationResult.from_json_dict(data["result"])
            except Exception:  # noqa: BLE001 - a damaged file is simply run again
                continue
            if 0 <= res.rep < reps:
                found[res.rep] = res
        return found

    def save(self, res: ReplicationResult) -> None:
        """Write one finished replication (atomically)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        final = self.dir / f"rep-{res.rep:05d}.json"
        tmp = self.dir / f".rep-{res.rep:05d}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"key": self.key, "result": res.to_json_dict()}))
        os.replace(tmp, final)

    def clear(self) -> None:
        """Remove this checkpoint (and the root folder when nothing else is left in it)."""
        shutil.rmtree(self.dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.root.rmdir()
