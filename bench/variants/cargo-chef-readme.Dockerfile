# syntax=docker/dockerfile:1
# Baseline "cargo-chef-readme": the recipe from cargo-chef's README (planner computes recipe.json,
# builder cooks the dependencies in their own layer, then builds the app).
# Needs the lukemathwalker/cargo-chef image (the lab's chef-images.sh builds it; bench/run.sh skips
# the variant with a note where it is missing). One change to the README's text: the Rust version is
# an ARG (default 1, the README's tag), which bench/run.sh's toolchain scenario sets.
ARG APP_NAME=app
ARG RUST_VERSION=1
FROM lukemathwalker/cargo-chef:latest-rust-${RUST_VERSION} AS chef
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
ARG APP_NAME
COPY --from=planner /app/recipe.json recipe.json
# Build dependencies - this is the caching Docker layer!
RUN cargo chef cook --release --recipe-path recipe.json
# Build application
COPY . .
RUN cargo build --release --bin "$APP_NAME" && cp "target/release/$APP_NAME" /usr/local/bin/app

# We do not need the Rust toolchain to run the binary!
FROM debian:bookworm-slim AS runtime
WORKDIR /app
COPY --from=builder /usr/local/bin/app /usr/local/bin
ENTRYPOINT ["/usr/local/bin/app"]
