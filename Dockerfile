# syntax=docker/dockerfile:1
#
# FFP Case production image.
#   Stage "assets": compiles the front-end (GOV.UK Frontend SCSS, JS, fonts) into static/build/.
#   Stage "app":    Python 3.11 + WeasyPrint system libraries + the locked dependencies, run as a non-root user.
# The same image serves every role in docker-compose.yml (migrate, web, worker, beat); only the command differs.

############################
# Stage 1: front-end assets
############################
FROM node:20-bookworm-slim AS assets

WORKDIR /src

# Lockfile first so the npm layer is cached until the dependencies change.
COPY package.json package-lock.json ./
COPY assets/ ./assets/

RUN npm ci && npm run build


############################
# Stage 2: the application
############################
FROM python:3.11-slim-bookworm AS app

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    VIRTUAL_ENV=/app/.venv \
    PATH="/app/.venv/bin:${PATH}" \
    DJANGO_SETTINGS_MODULE=ffp.settings.prod

# Shared libraries WeasyPrint loads at runtime (PDF export), plus a font it can always fall back on.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libharfbuzz-subset0 \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN pip install uv

WORKDIR /app

# Dependencies only (not the project itself), from the lockfile, so this layer is reused
# across source changes. --frozen: fail rather than silently re-resolve if uv.lock is stale.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# DfE's CIN census validator in a venv of its own (Python 3.11, pandas 1.x; see the Makefile's .venv-cin): the
# monthly draft census runs it (reporting.quality.validator).
COPY reporting/quality/requirements-cin.txt /tmp/requirements-cin.txt
RUN uv venv --python /usr/local/bin/python3.11 /app/.venv-cin \
    && uv pip install --python /app/.venv-cin/bin/python --require-hashes -r /tmp/requirements-cin.txt

# Application source (.dockerignore keeps out .venv, node_modules, local databases, build output).
COPY . .

# Compiled front-end from the assets stage.
COPY --from=assets /src/static/build ./static/build

# Gather static files into STATIC_ROOT at build time. The production settings insist on every
# variable being set, so give throwaway values: nothing connects to the database or Redis here,
# and prod.py accepts the literal SECRET_KEY "build-only" only so that this step can run.
RUN DJANGO_SETTINGS_MODULE=ffp.settings.prod \
    SECRET_KEY=build-only \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://x@localhost/x \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput

# Non-root runtime user. /var/lib/ffp holds celery beat's schedule file; creating it here owned
# by ffp means a fresh named volume mounted on it inherits that ownership.
RUN groupadd --system --gid 10001 ffp \
    && useradd --system --uid 10001 --gid ffp --home-dir /app --no-create-home --shell /usr/sbin/nologin ffp \
    && mkdir -p /var/lib/ffp \
    && chown ffp:ffp /var/lib/ffp

USER ffp

EXPOSE 8000

CMD ["gunicorn", "ffp.wsgi:application", "--config", "python:ffp.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
