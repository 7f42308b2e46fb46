# pmsync as a container: `docker run -v $PWD:/work -e PMSYNC_CONFIG=/work/pmsync.toml pmsync sync`
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sync ./sync
COPY mappings ./mappings
COPY reports ./reports
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 pmsync
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY examples /opt/pmsync/examples
ENV PMSYNC_EXAMPLES=/opt/pmsync/examples/postmortems
USER pmsync
WORKDIR /work
ENTRYPOINT ["pmsync"]
CMD ["--help"]
