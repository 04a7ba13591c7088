"""Two checkouts' build_brief on one big story, run alternately: A, B, A, B, ...

Usage:
    python benchmarks/big_story_ab.py --data ../shared/data --a ../main/src --b src [--size 1000] [--rounds 3]

On a shared machine one run's wall time swings with the load; two checkouts measured in
turns, on the same composed story (benchmarks/big_story.py: built and enriched once), as
CPU seconds, tell a change's cost from the host's swing. Each run is a fresh process of
big_story.py's child with PYTHONPATH set to the checkout's ``src``; the table gives each
run's wall and CPU seconds, peak RSS growth, and the brief's counts (the same counts on
both sides say the outputs agree in size, not that they are equal).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import big_story  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="the shared data folder (holds ecbplus/)")
    ap.add_argument("--a", type=Path, required=True, help="first checkout's src folder")
    ap.add_argument("--b", type=Path, required=True, help="second checkout's src folder")
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    pool = big_story._base(args.data)
    event = sum(1 for a, _ in pool if a.id.split("_")[0] == big_story.TOPIC)
    items = big_story.big_story(args.size, pool, event)
    script = str(Path(big_story.__file__).resolve())
    totals: dict[str, list[float]] = {"a": [], "b": []}
    print(f"{'run':>4} {'side':>4} {'seconds':>8} {'cpu s':>6} {'peak MB':>8} {'facts':>6} {'quotes':>6} {'disagr':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.pkl"
        path.write_bytes(pickle.dumps(items))
        for k in range(args.rounds):
            for side in ("a", "b"):
                src = str(getattr(args, side).resolve())
                env = {**os.environ, "PYTHONPATH": src}
                proc = subprocess.run([sys.executable, script, "--child", str(path)], capture_output=True,
                                      text=True, env=env)
                if proc.returncode != 0:
                    print(f"{k:>4} {side:>4}  FAILED: {proc.stderr.strip().splitlines()[-1:]}")
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                totals[side].append(r["cpu"])
                print(f"{k:>4} {side:>4} {r['seconds']:>8.2f} {r['cpu']:>6.2f} {r['peak_mb']:>8.0f} "
                      f"{r['facts']:>6} {r['quotes']:>6} {r['disagreements']:>6}", flush=True)
    for side in ("a", "b"):
        cpu = sorted(totals[side])
        if cpu:
            print(f"{side}: {getattr(args, side)}  CPU s min {cpu[0]:.2f}, median {cpu[len(cpu) // 2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
