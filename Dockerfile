# Cramp Coach, started as `make run` starts it (python -m bot), with the versions pinned in
# requirements.lock. See README.md, "Running in production".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The dependencies first, from the lock file: a change to the code does not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md LICENSE alembic.ini ./
COPY bot ./bot
COPY core ./core
COPY db ./db
COPY scheduler ./scheduler
RUN pip install --no-deps .

# A user without privileges, with a home for matplotlib's font cache and a folder for SQLite.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin coach \
    && install -d -o coach -g coach /app/data
USER coach
RUN python -c "import matplotlib.font_manager"

# The HTTP server on every interface of the container, so that /healthz, /metrics (and the
# webhook, when WEBHOOK_URL is set) can be reached; in polling mode it runs because
# LISTEN_PORT is set.
ENV LISTEN_ADDRESS=0.0.0.0 \
    LISTEN_PORT=8080 \
    DATA_DIR=/app/data
EXPOSE 8080

# 200 from /healthz, or the container is marked unhealthy (503: the database does not answer
# or the dispatcher stopped). No proxy: the check is about this container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.build_opener(r.ProxyHandler({})).open('http://127.0.0.1:%s/healthz' % (os.environ.get('LISTEN_PORT') or '8080'), timeout=4)"]

CMD ["python", "-m", "bot"]
