# syntax=docker/dockerfile:1
# Baseline "naive": copy the whole project and build. Any change (source, README, manifest)
# invalidates the one build layer, so every dependency recompiles.
ARG RUST_VERSION=1.95
FROM rust:${RUST_VERSION}-slim-bookworm AS build
ARG APP_NAME=app
WORKDIR /app
COPY . .
RUN cargo build --release --locked && cp "target/release/$APP_NAME" /usr/local/bin/app

FROM debian:bookworm-slim AS final
COPY --from=build /usr/local/bin/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
