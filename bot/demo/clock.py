"""The demo's clock: the bot's injected "now", run at x1, x60 or x600, and moved forward
by a jump. It never goes backwards: the database's schedule assumes time only advances."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

SPEEDS = (1, 60, 600)


class DemoClock:
    """Virtual time: `start`, plus real time elapsed since then times the speed."""

    def __init__(
        self,
        start: datetime | None = None,
        *,
        speed: float = 1,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._base = (start or datetime.now(UTC)).astimezone(UTC)
        self._since = monotonic()
        self.speed = speed

    def __call__(self) -> datetime:
        return self._base + timedelta(seconds=(self._monotonic() - self._since) * self.speed)

    def timestamp(self) -> float:
        """Now as seconds since the epoch (the local Bot API's message dates)."""
        return self().timestamp()

    def set_speed(self, speed: float) -> None:
        """Run on from now at `speed` times real time."""
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}")
        self._rebase(self())
        self.speed = speed

    def jump_to(self, when: datetime) -> bool:
        """Move forward to `when`; False (and no change) if that is not in the future."""
        if when.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        if when <= self():
            return False
        self._rebase(when)
        return True

    def _rebase(self, at: datetime) -> None:
        self._base, self._since = at.astimezone(UTC), self._monotonic()
