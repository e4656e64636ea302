"""Pure domain logic: no Telegram, no database. Everything here is unit-tested on its own."""
