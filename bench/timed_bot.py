"""`python -m bot` with core.timings on: `python -m bench.timed_bot OUT.json` runs the bot
as `python -m bot` does and, once it has stopped, writes what the timers recorded (every
update's phases, every garbage collection's pause) as JSON to OUT.json."""

import json
import sys
from pathlib import Path

from bot.__main__ import main as run_bot
from core import timings


def main() -> None:
    out = Path(sys.argv[1])
    timings.enable()
    try:
        run_bot()
    finally:
        out.write_text(json.dumps(timings.collected()))


if __name__ == "__main__":
    main()
