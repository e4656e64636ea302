"""`make demo`: try the bot without Telegram, in a browser (see bot/demo/server.py)."""
