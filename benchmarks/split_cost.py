"""The split checks' share of the assignment CPU on benchmarks/cluster_scale.py's synthetic stream.

    .venv/bin/python benchmarks/split_cost.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --n 30000

Runs ``cluster_scale.py`` (its arguments after ``--data``, ``--n``; its tables are
printed as usual) with ``StreamClusterer._maybe_split`` timed in CPU seconds of
the process (``time.process_time``: on a shared machine other jobs count less),
then prints per N the checks run, how many of them made no cut (every cut
would have been declined as copies: split.alike_across_every_cut), their CPU
seconds, and their share of the assignment CPU. To compare two versions of the
clusterer, run this file from each checkout in turn (alternating, when the
machine is loaded) and take the ratio of the CPU seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster_scale  # noqa: E402
from storyscope.cluster import stream as stream_mod  # noqa: E402

SPENT = {"cpu": 0.0, "checks": 0, "skipped": 0}


def main(argv: list[str] | None = None) -> int:
    timed = stream_mod.StreamClusterer._maybe_split

    def _maybe_split(self, story):
        size, done = story.size, story.checks_done
        t = time.process_time()
        try:
            return timed(self, story)
        finally:
            SPENT["cpu"] += time.process_time() - t
            SPENT["checks"] += story.checks_done > done and size >= stream_mod._SPLIT_AT[done]

    stream_mod.StreamClusterer._maybe_split = _maybe_split
    alike = stream_mod.alike_across_every_cut

    def counted_alike(*args):
        got = alike(*args)
        SPENT["skipped"] += got
        return got

    stream_mod.alike_across_every_cut = counted_alike
    results = []
    run = cluster_scale.run

    def counted(gen, n, args):
        SPENT.update(cpu=0.0, checks=0, skipped=0)
        out = run(gen, n, args)
        results.append((n, SPENT["checks"], SPENT["skipped"], SPENT["cpu"], n / out["assign"]))
        return out

    cluster_scale.run = counted
    cluster_scale.main(argv)
    print(f"\n{'N':>10} {'checks':>7} {'no cut':>7} {'split CPU s':>12} {'assign CPU s':>13} {'share':>7}")
    for n, checks, skipped, cpu, assign in results:
        print(f"{n:>10,} {checks:>7,} {skipped:>7,} {cpu:>12.2f} {assign:>13.2f} {cpu / assign:>7.1%}")
    print("no cut: checks where no cut could be split (split.alike_across_every_cut), so none was made")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
