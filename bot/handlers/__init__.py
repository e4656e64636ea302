"""Update handlers, grouped by what the user is doing. Registration lives in bot.app."""
