# One image for every process of the GCC Partner Portal: web (gunicorn, the default CMD),
# Celery worker and Celery beat. docker-compose.yml picks the process by overriding the
# command. There is deliberately no HEALTHCHECK here: the image is shared, so each service
# defines its own check in docker-compose.yml.
FROM python:3.11-slim

# PYTHONPATH=/app: import the project from /app, never from the copy `pip install .` puts in
# site-packages, because the settings derive BASE_DIR (templates/, static/, var/) from their
# own file location.
# WEB_CONCURRENCY: gunicorn's default worker count; override it per deploy (a common rule of
# thumb is 2 x CPU cores + 1).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    WEB_CONCURRENCY=3

WORKDIR /app

# Runtime dependencies first, read from pyproject.toml, so this layer stays cached until
# the dependency list changes (not on every code change).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (runtime dependencies only, no [dev] extra; they are already satisfied
# by the layer above). Remove setuptools' build leftovers from the source tree.
COPY . .
RUN pip install . \
    && rm -rf build *.egg-info

# Static files are collected into the image (served by WhiteNoise). With DEBUG off the
# settings require SECRET_KEY and ALLOWED_HOSTS, so pass throwaway values for this step only:
# they are not baked into the image's environment.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

# Run unprivileged. The code stays root-owned (read-only for the app); only var/ (which the
# settings create at import) and the user's home are writable. The home directory holds
# gunicorn's control socket (~/.gunicorn/gunicorn.ctl, for `gunicornc`); Celery beat keeps
# its schedule in /tmp (see docker-compose.yml).
RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var \
    && chown -R app:app /app/var
USER app

EXPOSE 8000

# Meant to run behind a buffering reverse proxy (docker-compose.yml's `proxy`, nginx): gunicorn's
# sync workers must not face slow clients themselves. Forwarding headers (X-Forwarded-Proto) are
# believed only from GCC_TRUSTED_PROXIES (empty: from nobody), as the settings do for Django.
CMD ["sh", "-c", "exec gunicorn gccportal.wsgi:application --bind 0.0.0.0:8000 --access-logfile - --forwarded-allow-ips \"${GCC_TRUSTED_PROXIES:-}\""]
