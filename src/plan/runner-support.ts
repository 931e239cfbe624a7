import { compareVersions, DEBIAN_RELEASES, imageRelease } from './debian-release';
import { runtimeBaseFacts, RuntimeLibc } from './runtime-plan';
import { RustDockerError, showValue } from '../errors';
import { CacheBackend, DebianRelease, MultiArchStrategy, RuntimeBase, TargetLibc } from '../settings';
import { enumName } from '../validators';

/** The glibc of GitHub's hosted Ubuntu runners, by label (`ubuntu-latest` is 24.04 today). */
export const RUNNER_GLIBC: { readonly [label: string]: string } = {
  'ubuntu-24.04': '2.39',
  'ubuntu-24.04-arm': '2.39',
  'ubuntu-latest': '2.39',
  'ubuntu-22.04': '2.35',
  'ubuntu-22.04-arm': '2.35',
};

/** The runner labels of the two platforms when `amd64Runner` / `arm64Runner` are unset (GitHub-hosted Ubuntu 24.04). */
export const DEFAULT_RUNNERS = { amd64: 'ubuntu-24.04', arm64: 'ubuntu-24.04-arm' } as const;

/** The facts that decide whether DependencyCaching.RUNNER can build an image (resolved settings). */
export interface RunnerSupportInput {
  /** Whether the workflow is written (`workflow`). */
  readonly workflow: boolean;
  /** `cacheBackend` as set (NONE: the user wants no cache, and a runner build without its target/ cache gains nothing). */
  readonly cacheBackend?: CacheBackend;
  /** The images of the repository (several: one shared dependency build, which RUNNER is not). */
  readonly imageNames: string[];
  /** The workflow's platforms (the supported ones) and their runner labels. */
  readonly platforms: { readonly platform: string; readonly runner: string }[];
  /** `multiArchStrategy` as set. */
  readonly multiArchStrategy?: MultiArchStrategy;
  /** Whether the Dockerfile cross-compiles, and whether that comes from the CROSS_COMPILE strategy (`crossCompile` unset). */
  readonly crossCompile: boolean;
  readonly crossFromStrategy: boolean;
  readonly targetLibc: TargetLibc;
  readonly runtimeBase: RuntimeBase;
  /** The runtime image, unpinned (read for CUSTOM). */
  readonly runtimeImage: string;
  readonly debianRelease: DebianRelease;
  /** The build secrets (`env` undefined: a file secret). */
  readonly secrets: { readonly id: string; readonly env?: string }[];
  /** Members whose names Cargo.lock also holds for registry crates. */
  readonly lockNameClashes: string[];
}

/**
 * Why RUNNER cannot build an image: `reason` for the Dockerfile header when the default falls back,
 * `error` what an explicit DependencyCaching.RUNNER throws (none: an explicit RUNNER accepts it, e.g.
 * without a workflow its Dockerfile builds alone, and several images are refused for every
 * strategy that does not share the dependency build, by the multi-image check).
 */
export interface RunnerRefusal {
  readonly reason: string;
  readonly error?: RustDockerError;
}

/**
 * Every reason DependencyCaching.RUNNER cannot build this image, in the order the default reports the
 * first: a workspace cargo-chef cannot build (RUNNER keeps its stages), no workflow, no cache, several images,
 * QEMU, cross-compilation, SCRATCH, and with a workflow the runner build's own rules: a glibc binary
 * from a runner whose glibc is unknown or newer than the runtime's (or a CUSTOM runtime of unknown
 * glibc), file build secrets (cargo runs on the runner: secrets reach it as variables).
 * The one place that decides it: an explicit RUNNER throws the errors, the default falls back.
 */
export function runnerRefusals(c: RunnerSupportInput): RunnerRefusal[] {
  const refusals: RunnerRefusal[] = [];
  const clashes = c.lockNameClashes;
  if (clashes.length > 0) {
    refusals.push({
      reason: `not RUNNER nor CARGO_CHEF: Cargo.lock also holds crates named like the members ${clashes.join(', ')}, which cargo-chef's recipe cannot build`,
      error: RustDockerError.forOption('dependencyCaching', `RUNNER keeps the CARGO_CHEF stages for building the Dockerfile alone, and cargo-chef cannot build this workspace: Cargo.lock also holds registry crates named like the members ${clashes.map(x => showValue(x)).join(', ')}`,
        'Use DependencyCaching.SKELETON, or rename the member'),
    });
  }
  if (!c.workflow) refusals.push({ reason: 'RUNNER needs the workflow: workflow is false' });
  // (an explicit RUNNER with NONE still restores and saves target/: NONE names the layer cache)
  if (c.workflow && c.cacheBackend === CacheBackend.NONE) refusals.push({ reason: 'RUNNER gains by caching target/ across runs: cacheBackend is NONE' });
  if (c.imageNames.length > 1) refusals.push({ reason: `RUNNER builds one image per Dockerfile: ${c.imageNames.length} images (${c.imageNames.join(', ')})` });
  const qemu = c.platforms.length > 1 && c.multiArchStrategy === MultiArchStrategy.QEMU;
  if (c.workflow && qemu) {
    refusals.push({
      reason: 'RUNNER builds on each platform\'s runner: multiArchStrategy is QEMU',
      error: RustDockerError.forOption('multiArchStrategy', 'QEMU builds every platform in one job, but DependencyCaching.RUNNER builds the binaries natively on each platform\'s runner',
        'Use MultiArchStrategy.NATIVE_RUNNERS (a job per platform, on its own runner), or another "dependencyCaching"'),
    });
  }
  if (c.crossCompile) {
    const fromStrategy = c.crossFromStrategy;
    refusals.push({
      reason: `RUNNER builds natively: ${fromStrategy ? 'multiArchStrategy is CROSS_COMPILE' : 'crossCompile is true'}`,
      error: RustDockerError.forOption(fromStrategy ? 'multiArchStrategy' : 'crossCompile', `${fromStrategy ? 'CROSS_COMPILE cross-compiles' : 'is true'}, but DependencyCaching.RUNNER builds the binaries natively on each platform's runner`,
        'Set "crossCompile" to false and "multiArchStrategy" to NATIVE_RUNNERS for several platforms, or use DependencyCaching.CARGO_CHEF'),
    });
  }
  if (c.runtimeBase === RuntimeBase.SCRATCH) {
    refusals.push({
      reason: 'RUNNER skips the builder stage, where runtime SCRATCH takes its CA certificates from',
      error: RustDockerError.forOption('runtime', 'SCRATCH takes its CA certificates from the builder stage, which DependencyCaching.RUNNER skips when the binaries come from the runner',
        'Use RuntimeBase.DISTROLESS_STATIC (static binaries, with CA certificates), or another "dependencyCaching"'),
    });
  }
  // the runner build's own rules (without a workflow there is none)
  if (!c.workflow) return refusals;
  if (c.targetLibc === TargetLibc.GNU) refusals.push(...glibcRefusals(c));
  for (const s of c.secrets) {
    if (s.env !== undefined) continue;
    refusals.push({
      reason: `RUNNER passes build secrets to cargo as variables: buildSecrets ${showValue(s.id)} has no "env"`,
      error: RustDockerError.forOption(`buildSecrets.${s.id}.env`, 'is unset: the secret would be a file under /run/secrets in the image build, but DependencyCaching.RUNNER runs cargo on the runner, which gets secrets as environment variables',
        'Set "env" to the variable cargo or the build script reads (e.g. "CARGO_REGISTRIES_MY_REGISTRY_TOKEN")'),
    });
  }
  return refusals;
}

/** A glibc binary built on each platform's runner must run on the runtime: the runner's glibc known and not newer than the runtime's. */
function glibcRefusals(c: RunnerSupportInput): RunnerRefusal[] {
  const refusals: RunnerRefusal[] = [];
  let runtime: RuntimeGlibc | undefined;
  try {
    runtime = runtimeGlibcOf(c);
  } catch (e) {
    if (!(e instanceof RustDockerError)) throw e;
    refusals.push({ reason: `RUNNER cannot check the glibc of runtimeImage ${showValue(c.runtimeImage)}`, error: e });
  }
  for (const p of c.platforms) {
    const glibc = RUNNER_GLIBC[p.runner];
    const option = p.platform === 'linux/arm64' ? 'arm64Runner' : 'amd64Runner';
    if (glibc === undefined) {
      refusals.push({
        reason: `RUNNER cannot check the glibc of runner ${showValue(p.runner)} (${option})`,
        error: RustDockerError.forOption(option, `${showValue(p.runner)} is not a runner whose glibc is known (${Object.keys(RUNNER_GLIBC).join(', ')}), `
          + 'so it cannot be checked that the glibc binary DependencyCaching.RUNNER builds there runs on the runtime image',
        'Use a GitHub-hosted Ubuntu runner label, or set "targetLibc" to MUSL (a static binary runs anywhere)'),
      });
    } else if (runtime !== undefined && compareVersions(glibc, runtime.glibc) > 0) {
      refusals.push({
        reason: `RUNNER's binaries need the ${p.runner} runner's glibc ${glibc}, and ${runtime.option} ${runtime.value} has ${runtime.glibc}`,
        error: RustDockerError.forOption(runtime.option, `${runtime.value} has glibc ${runtime.glibc}, older than the ${p.runner} runner's ${glibc}: `
          + 'a binary DependencyCaching.RUNNER builds there may need glibc symbols the runtime lacks and not start',
        runtime.option === 'debianRelease'
          ? 'Set "debianRelease" to DebianRelease.TRIXIE (glibc 2.41), or "targetLibc" to MUSL'
          : `Use a runtime image with glibc ${glibc} or newer (e.g. "debian:trixie-slim"), or set "targetLibc" to MUSL`),
      });
    }
  }
  return refusals;
}

interface RuntimeGlibc {
  readonly glibc: string;
  readonly option: string;
  readonly value: string;
}

/** The runtime image's glibc and the option that decides it; undefined for a runtime without glibc (MUSL binaries only). */
function runtimeGlibcOf(c: RunnerSupportInput): RuntimeGlibc | undefined {
  if (runtimeBaseFacts(c.runtimeBase).libc !== RuntimeLibc.GLIBC) return undefined;
  if (c.runtimeBase !== RuntimeBase.CUSTOM) {
    return { glibc: DEBIAN_RELEASES[c.debianRelease].glibc, option: 'debianRelease', value: `DebianRelease.${enumName(c.debianRelease)}` };
  }
  const found = imageRelease(c.runtimeImage);
  if (found.glibc === undefined) {
    throw RustDockerError.forOption('runtimeImage', `${showValue(c.runtimeImage)}: ${found.unknownBecause}, so it cannot be checked that the glibc binary DependencyCaching.RUNNER builds on the runner runs there`,
      'Use a tag that names the release (e.g. "debian:trixie-slim"), or set "targetLibc" to MUSL');
  }
  return { glibc: found.glibc, option: 'runtimeImage', value: showValue(c.runtimeImage) };
}
