# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (celery); docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_LOG_FORMAT=json \
    DJANGO_STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
# Every dependency ships wheels (psycopg[binary] brings its own libpq): no compiler needed.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Hashed, compressed static files, served by whitenoise. Settings' embedded defaults suffice:
# collectstatic touches no database, so no secret or database URL is baked into the image.
RUN python manage.py collectstatic --noinput

# The code stays root-owned and read-only to the process that runs it.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent app
USER app

EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
