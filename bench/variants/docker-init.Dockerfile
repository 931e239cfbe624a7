# syntax=docker/dockerfile:1
# Baseline "docker-init": the Rust template of `docker init` (Docker Desktop), which builds with
# bind mounts of the sources and BuildKit cache mounts for the cargo registry, git db and target
# dir, then copies the binary out of the (cache-mounted) target dir.
# Adapted to this machine: the template's rust:<ver>-alpine + `apk add clang lld musl-dev git` and
# alpine runtime become rust:<ver>-slim-bookworm (gcc/libc6-dev included) and debian:bookworm-slim
# (no Alpine images here); structure, mounts and user setup are the template's.
ARG RUST_VERSION=1.95
ARG APP_NAME=app

FROM rust:${RUST_VERSION}-slim-bookworm AS build
ARG APP_NAME
WORKDIR /app

# Build the application.
# Leverage a cache mount to /usr/local/cargo/registry/
# for downloaded dependencies, a cache mount to /usr/local/cargo/git/db
# for git repository dependencies, and a cache mount to /app/target/ for
# compiled dependencies which will speed up subsequent builds.
# Leverage a bind mount to the src directory to avoid having to copy the
# source code into the container. Once built, copy the executable to an
# output directory before the cache mounted /app/target is unmounted.
RUN --mount=type=bind,source=src,target=src \
    --mount=type=bind,source=Cargo.toml,target=Cargo.toml \
    --mount=type=bind,source=Cargo.lock,target=Cargo.lock \
    --mount=type=cache,target=/app/target/ \
    --mount=type=cache,target=/usr/local/cargo/git/db \
    --mount=type=cache,target=/usr/local/cargo/registry/ \
    cargo build --locked --release && \
    cp ./target/release/$APP_NAME /bin/server

FROM debian:bookworm-slim AS final

# Create a non-privileged user that the app will run under.
ARG UID=10001
RUN useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --uid "${UID}" appuser
USER appuser

# Copy the executable from the "build" stage.
COPY --from=build /bin/server /bin/

# Expose the port that the application listens on.
EXPOSE 8000

# What the container should run when it is started.
ENTRYPOINT ["/bin/server"]
