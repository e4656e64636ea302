"""Cramp Coach benchmarks: `python -m bench` (full sizes, figures) or `python -m bench
--quick` (small sizes, one run: proves the benchmarks still start).

Each scenario runs the real application code against the tests' fake Bot API, served
over loopback HTTP from a separate process, and returns rows of the results table.
Figures are medians; the table is printed and written as JSON to bench/results/.
"""

import argparse
import asyncio
import importlib
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import REPO, Row

RESULTS = REPO / "bench" / "results"
# Scenario number -> module in bench/ with `async def run(quick, folder) -> list[Row]`.
SCENARIOS = {
    1: "dispatch",
    2: "limits",
    3: "startup",
    4: "updates",
    5: "weekly",
    6: "messages",
    7: "scale",
}


async def main(quick: bool, only: set[int]) -> dict[str, Any]:
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "mode": "quick" if quick else "full",
        "postgresql": bool(os.environ.get("TEST_DATABASE_URL")),
        "rows": [],
        "seconds": {},
        "load_average": {},  # 1-minute, when each scenario ended: how shared the machine was
    }
    with tempfile.TemporaryDirectory() as tmp:
        for number, name in SCENARIOS.items():
            if only and number not in only:
                continue
            module = importlib.import_module(f"bench.{name}")
            started = time.perf_counter()
            rows: list[Row] = await module.run(quick, Path(tmp))
            results["seconds"][name] = round(time.perf_counter() - started, 1)
            results["load_average"][name] = round(os.getloadavg()[0], 1)
            for row in rows:
                print_row(row)
            results["rows"] += [row.as_json() for row in rows]
    return results


def print_row(row: Row) -> None:
    mark = {True: "yes", False: "NO", None: ""}[row.met]
    print(f"{row.scenario:<66}{row.figure:>18}  {row.goal:<16}{mark}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test")
    parser.add_argument(
        "--only", type=int, action="append", default=[], help="run only scenario N (repeatable)"
    )
    arguments = parser.parse_args()
    print(f"{'scenario':<66}{'figure':>18}  {'goal':<16}met")
    outcome = asyncio.run(main(arguments.quick, set(arguments.only)))
    print(f"\n{outcome['date']}, {outcome['machine']}, {outcome['mode']} mode")
    RESULTS.mkdir(exist_ok=True)
    suffix = "-" + "-".join(map(str, sorted(arguments.only))) if arguments.only else ""
    path = RESULTS / f"{outcome['mode']}{suffix}.json"
    path.write_text(json.dumps(outcome, indent=2))
    print(f"JSON: {path.relative_to(REPO)}")
