"""Scenario 3: `python -m bot` with many users: seconds until ready and peak RSS, side by
side with a baseline scheduling the same reminders as one JobQueue job per user and kind
(bench/baseline_jobqueue.py), on the same seeded database; runs alternate between them."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import REPO, TOKEN, Row, api_and_databases, fresh_database, median_of
from bench.seed import seed_users

GOAL_SECONDS, GOAL_MB = 3.0, 150.0
OURS, BASELINE = "bot", "bench.baseline_jobqueue"
# After ready, let the dispatcher's first pass (or the first jobs) and the first polls run.
SETTLE_SECONDS = 3.0


def read_peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bot_env(url: str, base_url: str, **extra: str) -> dict[str, str]:
    """The environment of `python -m bot` (or the baseline) against the fake and `url`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_API_BASE_FILE_URL": base_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
        **extra,
    }


def startup(url: str, base_url: str, folder: Path, module: str = OURS) -> dict[str, float]:
    """`python -m <module>` on a database of many users: seconds until ready, peak RSS
    (and the baseline's own timings)."""
    env = bot_env(url, base_url)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", module], cwd=folder, env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    ready, timings = float("nan"), {}
    for line in process.stderr:
        if "Baseline timings " in line:
            timings = json.loads(line.split("Baseline timings ", 1)[1])
        if "Ready as" in line:
            ready = time.perf_counter() - started
            break
    time.sleep(SETTLE_SECONDS)
    peak = read_peak_rss_mb(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        # Only the baseline is this slow to stop (APScheduler unwinding 500,000 jobs);
        # its stop is not what is measured.
        process.kill()
        process.communicate()
    return timings | {
        "ready_seconds": ready,
        "peak_rss_mb": peak,
        "exit_code": float(process.returncode),
    }


async def run(quick: bool, folder: Path) -> list[Row]:
    users, runs = (2_000, 1) if quick else (100_000, 3)
    rows = []
    # The fake knows every chat: reminders falling due during a run are delivered, so no
    # user is deactivated between runs and both sides keep seeing the same users.
    async with api_and_databases(folder, "startup", users) as (api, urls):
        for backend, url in urls:
            engine = await fresh_database(url)
            await seed_users(engine, users, datetime.now(UTC))
            await engine.dispose()
            ours_runs, base_runs = [], []
            for _ in range(runs):
                ours_runs.append(startup(url, api.base_url, folder, OURS))
                base_runs.append(startup(url, api.base_url, folder, BASELINE))
            ours, base = median_of(ours_runs), median_of(base_runs)
            time_ratio = base["ready_seconds"] / ours["ready_seconds"]
            rss_ratio = base["peak_rss_mb"] / ours["peak_rss_mb"]
            rows += [
                Row(
                    f"3. start-up, {users:,} users, every reminder on, {backend}",
                    f"{ours['ready_seconds']:.2f} s",
                    f"<= {GOAL_SECONDS:.0f} s",
                    ours["ready_seconds"] <= GOAL_SECONDS,
                    ours | {"users": users, "runs": runs},
                ),
                Row(
                    "   peak RSS",
                    f"{ours['peak_rss_mb']:.0f} MB",
                    f"<= {GOAL_MB:.0f} MB",
                    ours["peak_rss_mb"] <= GOAL_MB,
                ),
                Row(
                    "   baseline: one JobQueue job per user and kind, ready",
                    f"{base['ready_seconds']:.2f} s",
                    details=base | {"users": users, "runs": runs},
                ),
                Row("   baseline peak RSS", f"{base['peak_rss_mb']:.0f} MB"),
                Row("   baseline / ours, time to ready", f"{time_ratio:.1f}x"),
                Row("   baseline / ours, peak RSS", f"{rss_ratio:.1f}x"),
            ]
    return rows
