/**
 * Names and paths of the generated Dockerfile that several of its parts (and the escape hatches)
 * must agree on.
 */
import { RUNTIME_BASE_STAGE, RUNTIME_STAGE } from '../plan/runtime-plan';

/** Stage names (`file.tryFindStage(STAGE.BUILDER)`). */
export const STAGE = {
  /** CARGO_CHEF: cargo-chef and the build packages. */
  CHEF: 'chef',
  /** CARGO_CHEF: computes recipe.json. */
  PLANNER: 'planner',
  /** SKELETON: the common base of the build stages. */
  BASE: 'base',
  /** SKELETON: manifests and stub targets. */
  SKELETON: 'skeleton',
  /** `auditable`: installs cargo-auditable, apart from the sources. */
  AUDITABLE: 'cargo-auditable',
  /** Compiles the binaries into OUT_DIR (every strategy). */
  BUILDER: 'builder',
  /** RUNNER: `FROM ${BINARIES}`, the builder stage or the runner's binaries (a named build context). */
  BINARIES: 'binaries',
  /** The runtime image before the binaries (glibc guard). */
  RUNTIME_BASE: RUNTIME_BASE_STAGE,
  /** Checks the binaries against runtime-base. */
  GLIBC_GUARD: 'glibc-guard',
  /** The final image. */
  RUNTIME: RUNTIME_STAGE,
} as const;

/** Folder of the builder stage that holds the compiled binaries, whatever the strategy. */
export const OUT_DIR = '/out';
/** File in which the builder stage records the Rust target triple (MUSL or cross builds). */
export const RUST_TARGET_FILE = '/rust-target';
/** `cargo install --root` of the cargo-auditable stage (the binary is in `bin/`). */
export const AUDITABLE_ROOT = '/opt/cargo-auditable';
/** Where the builder stage gets cargo-auditable (on the PATH of every image, whatever its CARGO_HOME). */
export const AUDITABLE_BIN = '/usr/local/bin/cargo-auditable';
/** Where the glibc guard mounts the runtime-base stage. */
export const GUARD_RUNTIME_ROOT = '/runtime';
