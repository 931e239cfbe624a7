import { BuilderPlan, BuilderSettings, resolveBuilderPlan } from './builder-plan';
import { CargoBuildPlan, resolveCargoBuildPlan } from './cargo-build-plan';
import { ContextPlan, resolveContextPlan, unresolvedInputWarnings } from './context-plan';
import { DEBIAN_RELEASES } from './debian-release';
import { resolveRuntimePlan, RuntimePlan } from './runtime-plan';
import { CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { ErrorCollector, showValue } from '../errors';
import { DockerIgnoreSettings, TargetLibc } from '../settings';
import { enumName } from '../validators';

/**
 * Everything the Dockerfile and `.dockerignore` renderers need, resolved and validated, in parts that
 * mirror the renderers: what cargo builds, the build stages, the runtime image, the build context.
 * Pure data: computed once from settings + Cargo facts, before any file renders.
 */
export interface ImagePlan {
  /** What cargo builds. */
  readonly cargo: CargoBuildPlan;
  /** The build stages. */
  readonly builder: BuilderPlan;
  /** The runtime image. */
  readonly runtime: RuntimePlan;
  /** The build context, Dockerfile and `.dockerignore`. */
  readonly context: ContextPlan;
  /** Human-readable lines on what was inferred and chosen (a comment block in the Dockerfile). */
  readonly summary: string[];
  /** Warnings for the user (printed at synth, also in the summary). */
  readonly warnings: string[];
}

/** Settings the image plan reads: the Dockerfile and .dockerignore settings, plus the workflow's platforms. */
export type ImagePlanSettings = BuilderSettings & DockerIgnoreSettings;

/**
 * Resolves the image part of the build plan. Every bad option is recorded in `errors`; returns
 * undefined when the binaries cannot be chosen (nothing else can be planned without them).
 * `imageNames`: the repository's images when it ships several (the default strategy depends on it).
 */
export function resolveImagePlan(
  options: ImagePlanSettings, workspace: CargoWorkspaceFacts, contextDir: string, errors: ErrorCollector, imageNames: string[] = [],
): ImagePlan | undefined {
  const cargo = resolveCargoBuildPlan(options, workspace, errors);
  if (cargo === undefined) return undefined;
  const { builder, runtimeBase, runtimeImage } = resolveBuilderPlan(options, workspace, cargo, errors, imageNames);
  const runtimeInput = { base: runtimeBase, image: runtimeImage, debianRelease: builder.debianRelease, firstBinary: cargo.binaries[0].name };
  const runtime = resolveRuntimePlan(options, runtimeInput, errors);
  const context = resolveContextPlan(options, cargo, contextDir, workspace.submodules, errors);
  const warnings: string[] = [];
  if (!cargo.locked) {
    warnings.push(`Cargo.lock is missing in ${showValue(contextDir)}: the image builds without --locked, so cargo picks dependency versions at build time `
      + 'and two builds of one commit may differ. Run "cargo generate-lockfile" and commit Cargo.lock to build exactly the tested versions.');
  }
  warnings.push(...unresolvedInputWarnings(cargo, context));
  // what the compilation needs and the repository does not hold fails the image build, whatever is sent
  for (const m of cargo.packages.flatMap(p => p.missingBuildData)) warnings.push(`${m.file}:${m.line} (${m.text}): ${m.reason}`);
  const summary = [...summarize(cargo, builder, runtime, workspace), ...warnings.map(w => `Warning: ${w}`)];
  return { cargo, builder, runtime, context, summary, warnings };
}

function summarize(cargo: CargoBuildPlan, build: BuilderPlan, runtime: RuntimePlan, ws: CargoWorkspaceFacts): string[] {
  const lines: string[] = [];
  const kind = !ws.isWorkspace ? `package ${ws.rootPackage}` : `workspace of ${ws.packages.length} package${ws.packages.length === 1 ? '' : 's'} (${ws.packages.map(p => p.name).join(', ')})`;
  lines.push(`Cargo: ${kind}`);
  lines.push(`Binaries: ${cargo.binaries.map(b => `${b.name} (${b.path})`).join(', ')} of package ${cargo.packageName}`);
  lines.push(`Rust: ${build.rustVersion}, from ${build.rustVersionSource}`);
  if (ws.toolchainFile) {
    const tc = build.toolchain;
    lines.push(tc.install
      ? `Toolchain: ${tc.install} (not in the builder image) installed once, minimal profile; RUSTUP_TOOLCHAIN overrides ${ws.toolchainFile}`
      : `Toolchain: the builder image's own (RUSTUP_TOOLCHAIN=$RUST_VERSION overrides ${ws.toolchainFile}: nothing downloaded)`);
  }
  const release = DEBIAN_RELEASES[build.debianRelease];
  lines.push(`Debian: ${release.codename} (glibc ${release.glibc}) for builder and runtime${runtime.glibcGuard ? '; the glibc-guard stage checks the binaries against the runtime' : ''}`);
  lines.push(...build.releaseNotes.map(n => `  ${n}`));
  lines.push(`Dependency caching: ${enumName(build.dependencyCaching)}${build.dependencyCachingReason ? ` (${build.dependencyCachingReason})` : ''}`);
  lines.push(`Target: ${build.targetLibc === TargetLibc.MUSL ? 'musl (static)' : 'glibc'}${build.crossCompile ? ', cross-compiled from $BUILDPLATFORM for $TARGETARCH (amd64, arm64)' : ''}, profile ${cargo.profile}`);
  if (build.auditable) lines.push(`Crate list: embedded in each binary by cargo auditable ${build.auditable.version} (.dep-v0 section, read by trivy, grype, syft)`);
  lines.push(`Runtime: ${enumName(runtime.base)} (${runtime.image}), ${runtime.user ? `user ${runtime.user.uid}:${runtime.user.gid}` : 'root'}`);
  if (ws.cargoConfigFile) lines.push(`Cargo config: ${ws.cargoConfigFile}${ws.vendorDirs.length ? ` (vendored: ${ws.vendorDirs.join(', ')})` : ''}`);
  return lines;
}
