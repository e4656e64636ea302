"""When things happen: reminder planning and dispatch, weekly sweeps (see the reminders issue)."""
