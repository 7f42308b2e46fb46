# pmsync as a container (see README "Running as a service" and "Docker").
#
#   docker build -t pmsync .
#   docker run --rm -p 9464:9464 -v "$PWD:/work" -e PMSYNC_CONFIG=/work/pmsync.toml pmsync serve
#   # write-back into a bind-mounted docs checkout: run as its owner
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" pmsync --config /work/pmsync.toml sync --write-back
#
# Which optional features to install (the service needs `service`; `postgres` for a PostgreSQL state).
ARG EXTRAS=postgres,service

# Build stage: wheels for pmsync and its runtime dependencies only (no test or dev extras).
FROM python:3.11-slim AS build
ARG EXTRAS
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sync ./sync
COPY mappings ./mappings
COPY reports ./reports
# Wheels of pmsync and of exactly the dependencies its extras name (pip only warns about an extra
# that a given version does not define).
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[${EXTRAS}]"

FROM python:3.11-slim
ARG EXTRAS
# A non-root user by default; its ids are build arguments so the image can match the owner of a
# bind-mounted docs directory (or run with --user "$(id -u):$(id -g)": nothing needs a home dir).
ARG PMSYNC_UID=10001
ARG PMSYNC_GID=10001
# tzdata: [due_dates] timezone and [schedule] timezone resolve anywhere, not only in UTC.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid "${PMSYNC_GID}" pmsync \
    && useradd --uid "${PMSYNC_UID}" --gid pmsync --create-home --shell /usr/sbin/nologin pmsync
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "pmsync[${EXTRAS}]" && rm -rf /wheels
COPY examples/postmortems /opt/pmsync/examples/postmortems
ENV PMSYNC_EXAMPLES=/opt/pmsync/examples/postmortems \
    PMSYNC_SERVICE__LISTEN=0.0.0.0:9464 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER pmsync
WORKDIR /work
EXPOSE 9464
# /healthz of `pmsync serve`; one-shot commands (sync, report) exit before it matters.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4)"]
ENTRYPOINT ["pmsync"]
CMD ["serve"]
