import { createHash } from 'crypto';
import * as path from 'path';
import { AuditablePlan, BuildSecretPlan, RUNNER_BINARIES_ARG, RUNNER_BINARIES_CONTEXT } from './builder-plan';
import { cargoBuildArgs } from './cargo-build-plan';
import { ImagePlan } from './image-plan';
import { RUNNER_GLIBC } from './runner-support';
import { officialRustVersion } from './rust-toolchain-plan';
import { DependencyCaching, DockerIgnoreMode, MultiArchStrategy, TargetLibc } from '../settings';

export { RUNNER_GLIBC };

/**
 * The size (MiB) over which a `target/` restored from an older Cargo.lock's cache is dropped before the
 * build: artifacts of crate versions no longer locked pile up over dependency bumps, and GitHub keeps
 * 10 GB of caches per repository.
 */
export const RUNNER_TARGET_LIMIT_MB = 4096;

/** A platform the runner build runs on: its runner and that runner's glibc. */
export interface RunnerPlatformPlan {
  /** Docker platform (`linux/amd64`). */
  readonly platform: string;
  /** The runner label that builds it natively. */
  readonly runner: string;
  /** glibc of that runner; undefined for an unknown label (MUSL builds only). */
  readonly glibc?: string;
}

/**
 * DependencyCaching.RUNNER: the binaries are compiled on the GitHub runner, before the image build,
 * with `target/` and the cargo registry restored by `actions/cache`; the image build takes them as the
 * named build context. Everything here is data; the workflow renderer writes the steps.
 */
export interface RunnerBuildPlan {
  /** The rustup toolchain the runner installs and cargo uses (`RUSTUP_TOOLCHAIN`): `stable`, `1.95`, `nightly-2026-01-01`. */
  readonly toolchain: string;
  /** The C library of the target triple (`<uname -m>-unknown-linux-<gnu|musl>`). */
  readonly targetLibc: TargetLibc;
  /** The platforms built, each on its own runner. */
  readonly platforms: RunnerPlatformPlan[];
  /** apt packages installed on the runner before the build (the Dockerfile's `buildPackages`, musl-tools for MUSL). */
  readonly aptPackages: string[];
  /** Arguments after `cargo build` before `--target`, unquoted (shared with the Dockerfile: `cargoBuildArgs`). */
  readonly cargoArgs: string[];
  /** `cargoBuildArgs` option: after `--target`, unquoted. */
  readonly extraArgs: string[];
  /** cargo-auditable, installed on the runner (cached with `target/`); undefined: plain `cargo build`. */
  readonly auditable?: AuditablePlan;
  /** Binaries copied to the build context's `out/`. */
  readonly binaries: string[];
  /** Folder of the profile's artifacts under `target/<triple>/`. */
  readonly profileDir: string;
  /** Where cargo runs: the build context, relative to the repository root. */
  readonly contextDir: string;
  /** The lock file the cache key hashes (relative to the repository root); undefined: no Cargo.lock. */
  readonly lockFile?: string;
  /** The workspace's own crates (package and binary names): their artifacts are pruned before the cache is saved. */
  readonly ownCrates: string[];
  /** Environment of the cargo commands (MUSL: `CC_<arch>_unknown_linux_musl=musl-gcc`). */
  readonly env: { [name: string]: string };
  /** Build secrets, passed to cargo as environment variables (each has `env`). */
  readonly secrets: BuildSecretPlan[];
  /** The cache key up to the runner and Cargo.lock parts: scope, toolchain, libc, profile, a hash of every build input above. */
  readonly cacheKeyBase: string;
  /** See `RUNNER_TARGET_LIMIT_MB`. */
  readonly targetLimitMb: number;
  /**
   * Every file the binaries are compiled from: the allow-list `.dockerignore`'s entries (manifests,
   * Cargo.lock, the cargo config, vendored sources, each package's sources, build script and
   * compile-time inputs, the user's `dockerignoreAllow`), as `hashFiles` patterns. The built binaries
   * are cached under a key hashing them (see `runnerBuildSteps`), so a commit that changes none of them
   * runs no cargo at all. Undefined when they cannot all be named (a deny-list or no `.dockerignore`, a
   * compile-time input the scan could not resolve, sqlx checking queries against a database, no
   * Cargo.lock, an entry outside the context or whose wildcards `hashFiles` reads otherwise than
   * Docker): cargo then always runs.
   */
  readonly binaryInputs?: RunnerBinaryInputs;
  /** The build arg naming the binaries' source (`BINARIES`). */
  readonly buildArg: string;
  /** The named build context holding `out/` (`runner-binaries`). */
  readonly buildContext: string;
}

/** The files the runner's binaries are compiled from (see `RunnerBuildPlan.binaryInputs`). */
export interface RunnerBinaryInputs {
  /**
   * `hashFiles` (@actions/glob) patterns relative to the repository root, one per allow-list entry,
   * selecting what Docker's context does for that entry: a folder stands for everything below it (both
   * take a match's descendants), `*`, `?`, `[…]` and whole-segment `**` mean the same, and a leading
   * `!`, `#` or `~` (negation, comment, home folder for @actions/glob) is escaped. The user's deny
   * entries are left out: more files only cost a miss.
   */
  readonly patterns: string[];
  /**
   * The literal part of each pattern (the folder above its first wildcard, or the file or folder
   * itself), relative to the repository root: the files below them are a superset of the patterns'
   * files, whose names the key hashes too (`hashFiles` hashes contents only).
   */
  readonly roots: string[];
}

/** A platform of the workflow and its runner label (input of the runner plan). */
export interface RunnerPlatformInput {
  /** Docker platform. */
  readonly platform: string;
  /** Runner label. */
  readonly runner: string;
}

/** What the runner plan reads of the workflow plan. */
export interface RunnerBuildInput {
  /** The workflow's platforms. */
  readonly platforms: RunnerPlatformInput[];
  /** The multi-platform strategy (several platforms only). */
  readonly multiArchStrategy?: MultiArchStrategy;
  /** The workflow's cache scope (first part of the cache key). */
  readonly cacheScope: string;
}

/**
 * The runner build of DependencyCaching.RUNNER, or undefined for the other strategies. What RUNNER
 * refuses (QEMU, a runner glibc unknown or newer than the runtime's, file build secrets, …) is decided
 * with the strategy, by `runnerRefusals` (`runner-support.ts`); file secrets are left out here.
 */
export function resolveRunnerBuildPlan(image: ImagePlan, input: RunnerBuildInput): RunnerBuildPlan | undefined {
  const b = image.builder;
  if (b.dependencyCaching !== DependencyCaching.RUNNER || b.runner === undefined) return undefined;
  const platforms = input.platforms.map(p => ({ platform: p.platform, runner: p.runner, glibc: RUNNER_GLIBC[p.runner] }));
  const secrets = b.secrets.filter(s => s.env !== undefined);

  const userImage = b.chef?.image ?? b.rustImage;
  const version = b.toolchain.install ?? officialRustVersion(userImage) ?? b.rustVersion;
  const toolchain = version === '1' ? 'stable' : version;
  const cargo = image.cargo;
  const env: { [name: string]: string } = b.targetLibc === TargetLibc.MUSL
    ? { CC_x86_64_unknown_linux_musl: 'musl-gcc', CC_aarch64_unknown_linux_musl: 'musl-gcc' } : {};
  const inputs = {
    toolchain,
    libc: b.targetLibc,
    cargoArgs: cargoBuildArgs(cargo),
    extraArgs: cargo.extraBuildArgs,
    auditable: b.auditable?.version,
    apt: b.packages,
    env,
    secrets: secrets.map(s => s.env),
  };
  const hash = createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 12);
  const contextDir = image.context.dir;
  return {
    toolchain,
    targetLibc: b.targetLibc,
    platforms,
    aptPackages: [...b.packages],
    cargoArgs: inputs.cargoArgs,
    extraArgs: [...cargo.extraBuildArgs],
    auditable: b.auditable,
    binaries: cargo.binaries.map(x => x.name),
    profileDir: cargo.profileDir,
    contextDir,
    lockFile: cargo.locked ? path.posix.join(contextDir, 'Cargo.lock') : undefined,
    ownCrates: [...new Set([...cargo.packages.map(p => p.name), ...cargo.binaries.map(x => x.name)])],
    env,
    secrets,
    cacheKeyBase: `${input.cacheScope}-rust-${toolchain}-${b.targetLibc}-${cargo.profile}-${hash}`,
    targetLimitMb: RUNNER_TARGET_LIMIT_MB,
    binaryInputs: binaryInputs(image),
    buildArg: RUNNER_BINARIES_ARG,
    buildContext: RUNNER_BINARIES_CONTEXT,
  };
}

/**
 * The files cargo reads to compile the binaries (see `RunnerBuildPlan.binaryInputs`), or undefined when
 * the plan cannot name them all. They are the allow-list's entries because the allow-list is, by
 * construction, what a cargo build in the image needs: a file it misses fails the Dockerfile's own build
 * (`docker build` without the runner's binaries), and the scan's doubts, the unresolved inputs, are
 * exactly what turns this off. (Cargo on the runner reads the whole checkout: a file the build reads
 * that neither the allow-list nor the scan names would be read there but not hashed.)
 */
function binaryInputs(image: ImagePlan): RunnerBinaryInputs | undefined {
  const ignore = image.context.dockerignore;
  if (ignore?.mode !== DockerIgnoreMode.ALLOW_LIST) return undefined;
  // without a lock, cargo resolves the dependencies anew at each build: the files do not decide the binary
  if (!image.cargo.locked) return undefined;
  if (image.cargo.packages.some(p => p.unresolvedInputs.length > 0 || p.missingBuildData.length > 0)) return undefined;
  // the user's deny entries (after the allow entries) are left out: hashing more files only costs a miss
  const entries = ignore.patterns.filter(p => p.startsWith('!')).map(p => p.slice(1));
  const globs = entries.map(e => hashFilesPattern(e, image.context.dir));
  if (globs.some(g => g === undefined)) return undefined;
  const defined = globs as Array<{ pattern: string; root: string }>;
  return { patterns: [...new Set(defined.map(g => g.pattern))], roots: [...new Set(defined.map(g => g.root))] };
}

/** Characters @actions/glob reads as wildcards (with `\\`, its escape on Linux). */
const GLOB_CHARS = /[*?[\\]/;

/**
 * A `.dockerignore` pattern (relative to the context `contextDir`) as a `hashFiles` pattern relative to
 * the repository root that selects the same files, and the literal path above its first wildcard; or
 * undefined when the two syntaxes would read it differently. Docker trims the pattern, cleans it
 * (`filepath.Clean`: no `.` segment, no trailing slash) and drops a leading `/`; a match takes its
 * descendants. @actions/glob trims too, takes a match's descendants (`implicitDescendants`), and shares
 * `*`, `?`, `[…]`, `\\` escapes and whole-segment `**`; it differs on `**` inside a segment (one
 * segment there, any depth for Docker), on `[!…]` (a negated class there, `!` a member for Go) and
 * POSIX classes, and reads a leading `!`, `#`, `~` as negation, comment and home folder.
 */
export function hashFilesPattern(pattern: string, contextDir: string): { pattern: string; root: string } | undefined {
  if (/[\r\n]/.test(pattern)) return undefined;
  const cleaned = path.posix.normalize(pattern.trim()).replace(/^\/+/, '').replace(/\/+$/, '');
  const segments = cleaned === '' || cleaned === '.' ? [] : cleaned.split('/');
  // outside the context: Docker cannot send it, the runner's cargo could read it
  if (segments.includes('..')) return undefined;
  if (segments.some(s => (s.includes('**') && s !== '**') || s.includes('[!') || s.includes('[['))) return undefined;
  const escape = (s: string) => s.replace(/[\\*?[]/g, c => (c === '\\' ? '\\\\' : `[${c}]`));
  const dir = contextDir === '.' ? [] : contextDir.split('/');
  const firstGlob = segments.findIndex(s => GLOB_CHARS.test(s));
  const literal = firstGlob < 0 ? segments : segments.slice(0, firstGlob);
  const glob = [...dir.map(escape), ...segments].join('/') || '**';
  return {
    pattern: /^[!#~]/.test(glob) ? `\\${glob}` : glob,
    root: [...dir, ...literal].join('/') || '.',
  };
}

