"""Storage: models, engine and sessions, migrations, and repositories that never commit."""
