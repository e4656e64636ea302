"""Scenario 3: `python -m bot` with many users: seconds until ready and peak RSS."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import REPO, TOKEN, Row, database_urls, fake_bot_api, fresh_database, median_of
from bench.seed import seed_users

GOAL_SECONDS, GOAL_MB = 3.0, 150.0


def read_peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def startup(url: str, base_url: str, folder: Path) -> dict[str, float]:
    """`python -m bot` on a database of many users: seconds until ready, peak RSS."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_API_BASE_FILE_URL": base_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=folder, env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    ready = float("nan")
    for line in process.stderr:
        if "Ready as" in line:
            ready = time.perf_counter() - started
            break
    time.sleep(3)  # let the dispatcher's first pass and the first polls run
    peak = read_peak_rss_mb(process.pid)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    return {"ready_seconds": ready, "peak_rss_mb": peak, "exit_code": float(process.returncode)}


async def run(quick: bool, folder: Path) -> list[Row]:
    users, runs = (2_000, 1) if quick else (100_000, 3)
    rows = []
    with fake_bot_api() as api:
        async with database_urls(folder, "startup") as urls:
            for backend, url in urls:
                engine = await fresh_database(url)
                await seed_users(engine, users, datetime.now(UTC))
                await engine.dispose()
                result = median_of([startup(url, api.base_url, folder) for _ in range(runs)])
                rows += [
                    Row(
                        f"3. start-up, {users:,} users, every reminder on, {backend}",
                        f"{result['ready_seconds']:.2f} s",
                        f"<= {GOAL_SECONDS:.0f} s",
                        result["ready_seconds"] <= GOAL_SECONDS,
                        result | {"users": users, "runs": runs},
                    ),
                    Row(
                        "   peak RSS",
                        f"{result['peak_rss_mb']:.0f} MB",
                        f"<= {GOAL_MB:.0f} MB",
                        result["peak_rss_mb"] <= GOAL_MB,
                    ),
                ]
    return rows
