# Buurtkaart production image: gunicorn serves the app (static files via whitenoise); the same
# image runs the migrations, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# GeoDjango loads GDAL, GEOS and PROJ through the dynamic linker; SpatiaLite keeps the embedded
# set-up usable in the image; gettext's msgfmt compiles the translations below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data libsqlite3-mod-spatialite gettext \
    && rm -rf /var/lib/apt/lists/*

# PYTHONPATH: the code runs from /app, where settings find templates/, static/ and var/ next to
# it, never from site-packages. gunicorn reads its number of workers from WEB_CONCURRENCY.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    WEB_CONCURRENCY=2

RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home buurtkaart

WORKDIR /app

# The pinned dependencies get their own layer, so a code change does not reinstall them. Only the
# project metadata is copied first: pip installs the dependencies and an empty distribution; the
# code itself is then copied once, to /app (no second copy in site-packages).
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt . && rm -rf build *.egg-info

COPY . .

# DEBUG=0 makes collectstatic write the compressed, hashed files whitenoise serves in production.
# Settings refuse to load without a SECRET_KEY when DEBUG is off: this one exists only for this
# build step; the real key comes from the environment at run time.
# Code and static files stay root-owned; the app may write only to var/ (the beat schedule).
RUN export DEBUG=0 SECRET_KEY=build-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    && python manage.py collectstatic --no-input -v 0 \
    && python manage.py compilemessages -v 0 \
    && mkdir -p var/media var/celerybeat \
    && chown -R buurtkaart:buurtkaart var

USER buurtkaart

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/app/scripts/healthcheck"]

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
