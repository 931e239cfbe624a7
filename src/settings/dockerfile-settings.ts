/**
 * How the Dockerfile keeps compiled dependencies out of the rebuild of a source change.
 */
export enum DependencyCaching {
  /**
   * cargo-chef: chef → planner (`cargo chef prepare`) → builder (`cargo chef cook`) → runtime.
   * Dependencies live in their own image layer, restored by any layer cache (GHA `mode=max`).
   */
  CARGO_CHEF = 'cargo-chef',
  /**
   * The same layer-caching effect with no third-party tool: the library knows the workspace at
   * synth time and generates a stub skeleton (manifests + empty targets) that builds dependencies
   * in their own layer; then real sources are copied and only workspace crates are rebuilt.
   */
  SKELETON = 'skeleton',
  /**
   * `docker init`-style BuildKit cache mounts on the cargo registry, git db and `target/`.
   * Fast on a long-lived builder; mounts are not part of the GHA layer cache.
   */
  CACHE_MOUNTS = 'cache-mounts',
  /** Plain copy-and-build: every change recompiles everything. The honest baseline. */
  NONE = 'none',
  /**
   * Build on the GitHub runner, not in the image: each build job installs the toolchain with rustup,
   * restores `target/` and the cargo registry with `actions/cache` (falling back to the previous
   * Cargo.lock's cache, so a dependency bump recompiles only what changed), runs `cargo build` natively
   * and hands the binaries to the image build as a named build context (`BINARIES=runner-binaries`).
   * The Dockerfile keeps the CARGO_CHEF stages behind `ARG BINARIES=builder`, so `docker build` (and
   * `docker:build`) still builds it alone; the glibc-guard stage checks the runner's binaries against
   * the runtime image in both cases. A glibc binary needs a runtime at least as new as the runner
   * (ubuntu-24.04: glibc 2.39, so `debianRelease` TRIXIE), or use `targetLibc` MUSL. Not with QEMU or
   * CROSS_COMPILE multi-arch builds (NATIVE_RUNNERS builds each platform on its own runner).
   */
  RUNNER = 'runner',
}

/** The C library the Rust binary links against. */
export enum TargetLibc {
  /** glibc (`*-unknown-linux-gnu`): needs a runtime image with glibc. */
  GNU = 'gnu',
  /** musl (`*-unknown-linux-musl`): a static binary that runs on any runtime, even `scratch`. */
  MUSL = 'musl',
}

/**
 * The Debian release of the builder and the runtime images: one choice, from which the rust and
 * cargo-chef tags (`-slim-<release>`), the runtime (`debian:<release>-slim`, `distroless/cc-debian12|13`)
 * and the runtime package names (`libssl3` / `libssl3t64`) follow. A binary linked against a newer
 * glibc than the runtime's does not start, so builder and runtime must agree.
 */
export enum DebianRelease {
  /** Debian 12 (glibc 2.36): `rust:<v>-slim-bookworm`, `debian:bookworm-slim`, `distroless/*-debian12`. */
  BOOKWORM = 'bookworm',
  /** Debian 13, the current stable (glibc 2.41): `rust:<v>-slim-trixie`, `debian:trixie-slim`, `distroless/*-debian13`. */
  TRIXIE = 'trixie',
}

/** The base image of the final (runtime) stage. */
export enum RuntimeBase {
  /** `debian:<release>-slim`: glibc, a shell and apt for `runtimePackages`. */
  DEBIAN_SLIM = 'debian-slim',
  /** `gcr.io/distroless/cc-debian13` (`-debian12` on bookworm): glibc + libgcc + libssl, no shell, non-root user available. */
  DISTROLESS_CC = 'distroless-cc',
  /** `gcr.io/distroless/static-debian13` (`-debian12` on bookworm): no libc; needs a static (MUSL) binary. */
  DISTROLESS_STATIC = 'distroless-static',
  /** `scratch`: empty; needs a static (MUSL) binary and brings its own CA certificates. */
  SCRATCH = 'scratch',
  /**
   * `alpine:3`: musl, a shell and apk for `runtimePackages`; needs a MUSL binary (static, so the
   * builder's Debian release does not matter). Checked statically only: our real-build tests have no Alpine image.
   */
  ALPINE = 'alpine',
  /** The image named by the `runtimeImage` option. */
  CUSTOM = 'custom',
}

/**
 * A HEALTHCHECK (exec form): the `healthcheck` setting of the runtime image, and what
 * `DockerStage.healthcheck()` of the Dockerfile model takes. Unset fields render no flag (Docker's default).
 */
export interface DockerHealthcheck {
  /** The command, exec form (e.g. `["/usr/local/bin/svc", "health"]`). */
  readonly command: string[];
  /**
   * Seconds between checks (`--interval`, 1 to 2147483647).
   * @default - Docker's default (30)
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds before a check is considered failed (`--timeout`, 1 to 2147483647).
   * @default - Docker's default (30)
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds of start-up grace (`--start-period`, 0 to 2147483647); 0 renders no flag (Docker rejects `0s`).
   * @default - Docker's default (0)
   */
  readonly startPeriodSeconds?: number;
  /**
   * Consecutive failures before the container is unhealthy (`--retries`, 1 to 2147483647).
   * @default - Docker's default (3)
   */
  readonly retries?: number;
}

/** A BuildKit build secret (`RUN --mount=type=secret`), e.g. a private registry token. Never an ARG or ENV. */
export interface BuildSecret {
  /** Secret id, as passed by `docker build --secret id=<id>` / build-push-action `secrets:`. */
  readonly id: string;
  /**
   * Environment variable the secret is exposed as, during cargo commands only.
   * @default - mounted as a file at `/run/secrets/<id>`
   */
  readonly env?: string;
  /**
   * Whether the build fails when the secret is not provided.
   * @default false
   */
  readonly required?: boolean;
  /**
   * GitHub Actions secret (and, for `docker:build`, local environment variable) that provides the value.
   * @default - the id upper-cased with `-` and `.` replaced by `_` (id `npm-token` → `NPM_TOKEN`)
   */
  readonly githubSecret?: string;
}

/** Settings of the generated Rust Dockerfile (part of `RustDockerSettings`). */
export interface DockerfileSettings {
  /**
   * Path of the generated Dockerfile, relative to the project root.
   * @default - "Dockerfile" in the build context (the cargo folder)
   */
  readonly dockerfilePath?: string;

  /**
   * Binaries to build and ship; the first one is the image's entrypoint.
   * @default - the only binary of `packageName`, else of the packages `cargo build` builds by default (`default-members`, else the root package), else of the workspace; the `default-run` one when several (an error lists the choices when ambiguous)
   * @featured
   */
  readonly binaries?: string[];

  /**
   * Cargo package to build (`cargo build -p`).
   * @default - the package that owns the first binary
   */
  readonly packageName?: string;

  /**
   * Cargo features to enable (`--features`).
   * @default - none
   */
  readonly features?: string[];

  /**
   * Build with `--no-default-features`.
   * @default false
   */
  readonly noDefaultFeatures?: boolean;

  /**
   * Build with `--all-features`.
   * @default false
   */
  readonly allFeatures?: boolean;

  /**
   * Cargo profile (`--profile`).
   * @default "release"
   */
  readonly cargoProfile?: string;

  /**
   * Rust version of the builder image, used in every build stage (e.g. "1.95" or "1.95.0"). The
   * build uses the image's own toolchain (`RUSTUP_TOOLCHAIN`), so nothing is downloaded; a
   * rust-toolchain.toml channel that no image provides (nightly, beta) is installed once, in a cached layer.
   * @default - the channel of rust-toolchain.toml, else the workspace's `rust-version`, else "1"
   * @featured
   */
  readonly rustVersion?: string;

  /**
   * Debian release of the builder and runtime images (see `DebianRelease`).
   * @default DebianRelease.TRIXIE
   * @featured
   */
  readonly debianRelease?: DebianRelease;

  /**
   * Full builder image, overriding `rust:<rustVersion>-slim-<debianRelease>`. It must be Debian-based
   * (apt installs `buildPackages`, `musl-tools` and cross linkers) and name its release in the tag
   * (e.g. `rust:1.95-slim-bookworm`; see `checkImageRelease`); with CARGO_CHEF and no `chefImage`,
   * cargo-chef is installed into it (`cargo install cargo-chef --locked`).
   * @default - `rust:<rustVersion>-slim-<debianRelease>` (also for MUSL: `musl-tools` is installed, so every stage has the same Rust)
   */
  readonly rustImage?: string;

  /**
   * How dependency compilation is cached between builds.
   * @default - RUNNER wherever it can build the image (a workflow with a cache, one image, GitHub-hosted
   * Ubuntu runners whose glibc the runtime has, or MUSL; native builds; build secrets with an `env`);
   * otherwise CARGO_CHEF (SKELETON for a workspace cargo-chef cannot build), the reason in the Dockerfile header
   * @featured
   */
  readonly dependencyCaching?: DependencyCaching;

  /**
   * Image that provides cargo-chef for the CARGO_CHEF strategy and RUNNER's stand-alone build (rejected with other strategies).
   * @default - `lukemathwalker/cargo-chef:latest-rust-<rustVersion>-slim-<debianRelease>` (same Rust and Debian in every stage); with `rustImage`, that image plus `cargo install cargo-chef`
   */
  readonly chefImage?: string;

  /**
   * Refuse a `rustImage`, `chefImage` or `runtimeImage` whose Debian release cannot be read from its
   * reference, or whose glibc is newer in the builder than in the runtime (the binary would not start).
   * Set it to false for images that do not say (e.g. `ubuntu:24.04`, your own base images): the
   * build's library check (`glibcGuard`) still fails the build if the binary cannot run on the runtime.
   * @default true
   */
  readonly checkImageRelease?: boolean;

  /**
   * A build stage (`glibc-guard`) that fails the image build, not the container start, when a binary
   * needs a glibc symbol version or a shared library the runtime image lacks (the binaries' ELF
   * sections read with perl in the builder, or with RUNNER in a plain Debian image, against the
   * runtime's files). Needs perl in the builder image, which every Debian image has (perl-base is
   * essential). Not used with SCRATCH (static binaries only).
   * @default true
   */
  readonly glibcGuard?: boolean;

  /**
   * Build the shipped binaries with `cargo auditable build` (cargo-auditable, installed pinned with
   * `cargo install --locked` in a build stage of its own, cached apart from the sources), which
   * embeds the list of compiled crates (name, version, source kind) in a `.dep-v0` section of each
   * binary, so scanners that read it (trivy, grype, syft, osv-scanner, `cargo audit bin`) see the
   * crates in the image. Only the final link changes: the dependency layer is the same with or
   * without it. Installing it needs Rust 1.86 or newer in the builder and crates.io (not a vendored
   * or offline source); it takes ~20 s of CPU once per builder image (under the QEMU strategy it is
   * compiled emulated, once per platform), then comes from the layer cache.
   * @default true (false when the builder's Rust is a version older than 1.86, or the workspace vendors its crates)
   */
  readonly auditable?: boolean;

  /**
   * C library of the compiled binary. GNU is rejected for SCRATCH, DISTROLESS_STATIC and ALPINE.
   * MUSL builds with the target of the build machine's (or `TARGETARCH`'s) architecture and `musl-gcc` for C code.
   * @default TargetLibc.GNU (MUSL when the runtime is SCRATCH, DISTROLESS_STATIC or ALPINE)
   */
  readonly targetLibc?: TargetLibc;

  /**
   * System packages installed in the build stages (e.g. `libssl-dev`, `pkg-config`).
   * @default - none
   */
  readonly buildPackages?: string[];

  /**
   * System packages installed in the runtime image (DEBIAN_SLIM, ALPINE or CUSTOM with apt-get or apk); `[]` installs nothing.
   * Libraries renamed between bookworm and trixie are written under the release's name (`libssl3` ↔ `libssl3t64`, …).
   * @default - `ca-certificates` on DEBIAN_SLIM and ALPINE
   */
  readonly runtimePackages?: string[];

  /**
   * Base image of the runtime stage.
   * @default RuntimeBase.DEBIAN_SLIM
   * @featured
   */
  readonly runtime?: RuntimeBase;

  /**
   * The runtime image when `runtime` is CUSTOM (setting it implies CUSTOM).
   * @default - none
   */
  readonly runtimeImage?: string;

  /**
   * Pins images by digest: image reference → `sha256:…` digest.
   * @default - no pinning
   */
  readonly imageDigests?: { [image: string]: string };

  /**
   * Run the container as root. Off by default: the image runs as a fixed non-root UID.
   * @default false
   */
  readonly runAsRoot?: boolean;

  /**
   * UID (and GID) the container runs as.
   * @default 10001 (65532, the `nonroot` user, on distroless)
   */
  readonly uid?: number;

  /**
   * Working directory of the runtime image.
   * @default "/app"
   */
  readonly workdir?: string;

  /**
   * Ports to EXPOSE.
   * @default - none
   */
  readonly ports?: number[];

  /**
   * Environment variables of the runtime image.
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * HEALTHCHECK of the runtime image.
   * @default - none
   */
  readonly healthcheck?: DockerHealthcheck;

  /**
   * ENTRYPOINT (exec form).
   * @default - the first binary, `["/usr/local/bin/<binary>"]`
   */
  readonly entrypoint?: string[];

  /**
   * CMD (exec form): default arguments of the entrypoint.
   * @default - none
   */
  readonly cmd?: string[];

  /**
   * Extra image labels. `org.opencontainers.image.title` is the first binary; `org.opencontainers.image.`
   * source/revision/version/created come from the build args `OCI_SOURCE`/`OCI_REVISION`/`OCI_VERSION`/`OCI_CREATED`
   * (empty by default); a label given here replaces them.
   * @default - the OCI labels only
   */
  readonly labels?: { [name: string]: string };

  /**
   * Build secrets for private registries or git dependencies, mounted on cargo commands only.
   * @default - none
   */
  readonly buildSecrets?: BuildSecret[];

  /**
   * Cross-compile on the build platform (`FROM --platform=$BUILDPLATFORM`, `TARGETARCH` → Rust
   * target, cross linker) so multi-arch images need no QEMU to compile. Supports linux/amd64 and
   * linux/arm64 (`gcc-<arch>-linux-gnu` + `libc6-dev-<arch>-cross`); with MUSL, crates that compile C
   * code need a musl cross compiler (add it with `buildPackages` and `CC_<target>` through the escape hatches).
   * @default false (true with the CROSS_COMPILE multi-arch strategy)
   */
  readonly crossCompile?: boolean;

  /**
   * Extra arguments appended to every `cargo build` (e.g. `["--config", "net.git-fetch-with-cli=true"]`);
   * not passed to `cargo chef cook`, which does not accept them.
   * @default - none
   */
  readonly cargoBuildArgs?: string[];

  /**
   * The `# syntax=` parser directive on line 1; an empty string omits it.
   * @default "docker/dockerfile:1"
   */
  readonly dockerfileSyntax?: string;

  /**
   * STOPSIGNAL of the runtime image.
   * @default - Docker's default (SIGTERM)
   */
  readonly stopSignal?: string;
}
