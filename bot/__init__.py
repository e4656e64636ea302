"""Everything Telegram: settings, handlers, keyboards, texts and the application."""
