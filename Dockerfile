# The MASH Front Door service: gunicorn serving wsgi:app as a non-root user.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system mash && useradd --system --gid mash --home-dir /app --shell /usr/sbin/nologin mash

WORKDIR /app
COPY pyproject.toml README.md ./
COPY mash ./mash
COPY schemas ./schemas
COPY workers ./workers
COPY integrations ./integrations
COPY wsgi.py gunicorn.conf.py ./
RUN pip install . && mkdir -p /app/instance && chown -R mash:mash /app/instance

USER mash
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
