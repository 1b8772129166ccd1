# syntax=docker/dockerfile:1
#
# The GraphQL gateway as a slim, non-root image.
#
#   docker build -t yuno-graphql-gateway .
#   docker run --rm -p 8080:8080 -p 8081:8081 yuno-graphql-gateway   # embedded Yuno emulator
#   docker run --rm -p 8080:8080 --env-file yuno.env yuno-graphql-gateway
#
# No credentials are baked in: pass YUNO_PUBLIC_API_KEY, YUNO_PRIVATE_SECRET_KEY and
# YUNO_ACCOUNT_ID at run time (without them `gateway serve` embeds the Yuno emulator).
# tests/test_dockerfile.py lints this file and replays its recipe without Docker.

# Pinned to a patch release; the same base for both stages so the wheels match the runtime.
ARG PYTHON_IMAGE=python:3.11.17-slim-bookworm

# ---- builder: the project's wheel and a wheel of every dependency, in /wheels ----
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /src

# Only what the wheel is built from (README.md is the package's readme in pyproject.toml).
COPY pyproject.toml README.md ./
COPY gateway ./gateway

RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# ---- runtime: the installed wheels, nothing else ----
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="yuno-graphql-gateway" \
      org.opencontainers.image.description="A GraphQL gateway in front of Yuno's payments API."

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Installs from the builder's wheels alone (--no-index): the versions the builder resolved,
# no network, no compiler. The wheels are bind-mounted, so they never become a layer. The
# base image's build tools go (nothing here runs them), and `pip check` proves nothing needed them.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index /wheels/*.whl \
    && pip uninstall --yes setuptools wheel \
    && pip check

# A fixed numeric uid/gid, so `runAsNonRoot` can verify it and volume ownership is stable.
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin gateway

WORKDIR /app
USER 10001:10001

# In sandbox mode (no Yuno keys) the embedded Yuno emulator listens on all interfaces at
# 8081, so `docker run -p 8080:8080 -p 8081:8081` reaches its SDK endpoints and its 3DS and
# voucher pages from the host, at the address sdkConfig.apiBaseUrl gives.
ENV GATEWAY_SANDBOX_HOST=0.0.0.0 \
    GATEWAY_SANDBOX_PORT=8081
EXPOSE 8081

ENV GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8080
EXPOSE 8080

# No curl in a slim image: the interpreter asks /healthz; a refusal, a timeout or a non-2xx
# answer raises, and the non-zero exit marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('GATEWAY_PORT', '8080') + '/healthz', timeout=4)"]

# Exec form: the gateway is PID 1 and gets `docker stop`'s SIGTERM, which aiohttp turns into
# a graceful shutdown.
CMD ["gateway", "serve"]
