# pmsync as a container: `docker run -v $PWD:/work -e PMSYNC_CONFIG=/work/pmsync.toml pmsync sync`
# The image is the service's: PostgreSQL state, the Jira and GitHub trackers and `pmsync serve`.
# Charts for `pmsync report` need matplotlib: `docker build --build-arg EXTRAS=all .`
ARG EXTRAS=postgres,jira,github,service

FROM python:3.11-slim AS build
ARG EXTRAS
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sync ./sync
COPY mappings ./mappings
COPY reports ./reports
# Wheels of pmsync and of exactly the dependencies its extras name, nothing else.
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[${EXTRAS}]"

FROM python:3.11-slim
ARG EXTRAS
RUN useradd --create-home --uid 10001 pmsync
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "pmsync[${EXTRAS}]" && rm -rf /wheels
COPY examples /opt/pmsync/examples
ENV PMSYNC_EXAMPLES=/opt/pmsync/examples/postmortems
USER pmsync
WORKDIR /work
ENTRYPOINT ["pmsync"]
CMD ["--help"]
