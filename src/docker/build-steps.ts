/** The steps every build strategy shares: toolchain, packages, cargo config, target, cargo commands, mounts. */
import { crossEnv, crossInstallCommands } from './cross-compile';
import { Dockerfile } from './dockerfile';
import { AUDITABLE_BIN, AUDITABLE_ROOT, OUT_DIR, RUST_TARGET_FILE, STAGE } from './dockerfile-layout';
import { CacheSharing, DockerStage, MountType, RunMount } from './dockerfile-stage';
import { APT_UNPINNED, ignoreNext } from './lint-exceptions';
import { BUILD_DIR, CROSS_ARCHES, DEPS_TARGET_CACHE } from '../plan/builder-plan';
import { cargoBuildArgs } from '../plan/cargo-build-plan';
import { ImagePlan } from '../plan/image-plan';
import { TargetLibc } from '../settings';
import { shellQuote } from '../shell';

export function buildPlatform(p: ImagePlan): string | undefined {
  return p.builder.crossCompile ? '$BUILDPLATFORM' : undefined;
}

export function installBuildPackages(stage: DockerStage, p: ImagePlan): void {
  if (p.builder.packages.length === 0) return;
  ignoreNext(stage, APT_UNPINNED);
  stage.run({
    commands: [
      'apt-get update',
      `apt-get install -y --no-install-recommends ${p.builder.packages.join(' ')}`,
      'rm -rf /var/lib/apt/lists/*',
    ],
  });
}

/**
 * bash with pipefail for a build stage whose RUN pipes commands, so a failing command left of a
 * pipe fails the build. Set in that stage itself, where the reader (and hadolint, which does not
 * follow a stage's parent) sees it. Every builder image is Debian or Ubuntu (the plan refuses
 * Alpine builders), so bash is there.
 */
export function useBashWithPipefail(stage: DockerStage): void {
  stage.comment('bash with pipefail: a failing command left of a pipe fails the build');
  stage.shell(['/bin/bash', '-o', 'pipefail', '-c']);
}

/**
 * `RUSTUP_TOOLCHAIN` (and, for a channel the image lacks, its one-time install) in the first build
 * stage, so every later stage and cargo command uses it, whatever rust-toolchain.toml says.
 */
export function useToolchain(stage: DockerStage, p: ImagePlan): void {
  const tc = p.builder.toolchain;
  if (tc.rustupToolchain === undefined) return;
  if (tc.install === undefined) {
    stage.comment(`the image's own toolchain, whatever ${p.cargo.toolchainFile ?? 'the toolchain file'} pins (rustup would otherwise download another one)`);
    stage.env('RUSTUP_TOOLCHAIN', tc.rustupToolchain, { allowSubstitution: true });
    return;
  }
  stage.comment(`${p.cargo.toolchainFile ?? 'the toolchain file'} pins ${tc.install}, which the image lacks: installed once, here (minimal profile; components are not needed to build)`);
  stage.env('RUSTUP_TOOLCHAIN', tc.rustupToolchain);
  stage.run(`rustup toolchain install ${shellQuote(tc.install)} --profile minimal --no-self-update`);
}

export function copyCargoConfig(stage: DockerStage, p: ImagePlan, why: string): void {
  const copies: Array<[string, string]> = [];
  if (p.cargo.cargoConfigFile) copies.push([p.cargo.cargoConfigFile, p.cargo.cargoConfigFile]);
  for (const dir of p.cargo.vendorDirs) copies.push([dir, `${dir}/`]);
  if (copies.length === 0) return;
  stage.comment(`cargo config ${why}`);
  for (const [src, dest] of copies) stage.copy({ sources: [src], dest });
}

/**
 * MUSL or cross builds: record the Rust target in /rust-target, install the linker and the std of the target.
 * Cross (glibc): when $TARGETARCH is not the build machine's, the target's C libraries too (`crossInstallCommands`).
 */
export function setupTarget(stage: DockerStage, p: ImagePlan): void {
  if (!p.builder.explicitTarget) return;
  const libc = p.builder.targetLibc === TargetLibc.MUSL ? 'musl' : 'gnu';
  if (!p.builder.crossCompile) {
    stage.comment('static binary: the musl target of the build machine\'s architecture (musl-gcc for C dependencies)');
    for (const arch of Object.values(CROSS_ARCHES)) stage.env(`CC_${arch}_unknown_linux_musl`, 'musl-gcc');
    stage.run({ commands: [`echo "$(uname -m)-unknown-linux-${libc}" > ${RUST_TARGET_FILE}`, `rustup target add "$(cat ${RUST_TARGET_FILE})"`] });
    return;
  }
  stage.comment('cross-compilation: this stage runs on $BUILDPLATFORM and compiles for $TARGETARCH with a cross linker');
  for (const [name, value] of crossEnv(libc)) stage.env(name, value);
  stage.arg('TARGETARCH');
  ignoreNext(stage, APT_UNPINNED);
  stage.run({ commands: crossInstallCommands(p, libc) });
}

/**
 * Flags shared by `cargo chef cook` and `cargo build`: the plan's (`cargoBuildArgs`, which the runner
 * build shares), the target, and on `cargo build` the extra arguments. Cargo names, profiles and
 * features are plain words (the plan checks them), so only the extra arguments need quoting.
 */
export function cargoFlags(p: ImagePlan, forCook: boolean): string[] {
  const flags = cargoBuildArgs(p.cargo, forCook);
  if (p.builder.explicitTarget) flags.push('--target', `"$(cat ${RUST_TARGET_FILE})"`);
  if (!forCook) flags.push(...p.cargo.extraBuildArgs.map(shellQuote));
  return flags;
}

/** `cargo build` of the dependency layer (SKELETON): never auditable, so that layer is the same with or without it. */
export function cargoBuild(p: ImagePlan): string {
  return ['cargo build', ...cargoFlags(p, false)].join(' ');
}

/** The build of the shipped binaries: `cargo auditable build` with `auditable`, else `cargo build`. */
export function finalCargoBuild(p: ImagePlan): string {
  return [p.builder.auditable ? 'cargo auditable build' : 'cargo build', ...cargoFlags(p, false)].join(' ');
}

/**
 * `auditable`: the stage that installs cargo-auditable, pinned, from the first build stage's image and
 * on the same platform (it runs where cargo runs). It reads nothing of the build context, so its layer
 * is cached until the version or the image changes; it has no cache mount, so it builds beside the
 * dependency build instead of waiting for the registry mount's lock.
 */
export function auditableStage(file: Dockerfile, p: ImagePlan): DockerStage | undefined {
  const a = p.builder.auditable;
  if (a === undefined) return undefined;
  const stage = file.addStage({ from: p.builder.chef?.image ?? p.builder.rustImage, name: STAGE.AUDITABLE, platform: buildPlatform(p) });
  stage.comment('cargo-auditable for the final build: it embeds the crate list in each binary (.dep-v0 section), which trivy, grype and syft read');
  stage.run(`cargo install --locked --root ${AUDITABLE_ROOT} cargo-auditable@${a.version}`);
  return stage;
}

/** `auditable`: cargo-auditable into the builder, after the dependency layer (which it does not change) and before the sources. */
export function copyAuditable(stage: DockerStage, p: ImagePlan): void {
  if (p.builder.auditable === undefined) return;
  stage.copy({ from: STAGE.AUDITABLE, sources: [`${AUDITABLE_ROOT}/bin/cargo-auditable`], dest: AUDITABLE_BIN });
}

/** Where cargo puts the binaries (a shell word). */
export function artifactDir(p: ImagePlan): string {
  return p.builder.explicitTarget ? `"target/$(cat ${RUST_TARGET_FILE})/${p.cargo.profileDir}"` : `target/${p.cargo.profileDir}`;
}

export function copyOut(p: ImagePlan): string[] {
  const dir = artifactDir(p);
  return [`mkdir -p ${OUT_DIR}`, `cp ${p.cargo.binaries.map(b => `${dir}/${b.name}`).join(' ')} ${OUT_DIR}/`];
}

/**
 * The plan's cache mounts (registry, git db, and `target/` for CACHE_MOUNTS), locked: cargo does not
 * share them safely. SKELETON's copy of the dependency build's `target/` only on that step (`depsBuild`).
 */
export function registryMounts(p: ImagePlan, depsBuild = false): RunMount[] {
  return p.builder.cacheMounts
    .filter(m => depsBuild || m.target !== DEPS_TARGET_CACHE)
    .map(m => ({ type: MountType.CACHE, target: m.target, id: m.id, sharing: CacheSharing.LOCKED }));
}

export function secretMounts(p: ImagePlan): RunMount[] {
  return p.builder.secrets.map(s => ({ type: MountType.SECRET, id: s.id, env: s.env, required: s.required || undefined }));
}

/**
 * CARGO_CHEF's `chef` stage, which the planner and the builders start from: the chef image (or the
 * builder image with cargo-chef installed into it), the image's own toolchain, the build packages.
 */
export function chefStage(file: Dockerfile, p: ImagePlan): DockerStage {
  const chef = file.addStage({ from: p.builder.chef?.image ?? p.builder.rustImage, name: STAGE.CHEF, platform: buildPlatform(p) });
  useToolchain(chef, p);
  if (p.builder.chef !== undefined && p.builder.chef.image === undefined) {
    chef.comment('cargo-chef in the builder image itself, so every stage has the same Rust');
    chef.runWith({ commands: ['cargo install cargo-chef --locked'], mounts: registryMounts(p) });
  }
  chef.workdir(BUILD_DIR);
  installBuildPackages(chef, p);
  return chef;
}

/**
 * SKELETON's `builder` stage up to its dependency build: from `base`, the cargo config, the target,
 * the skeleton workspace copied in.
 */
export function skeletonBuilderStage(file: Dockerfile, p: ImagePlan): DockerStage {
  const builder = file.addStage({ from: STAGE.BASE, name: STAGE.BUILDER });
  copyCargoConfig(builder, p, 'before any cargo command: the dependency build and the real build read the same config and sources');
  setupTarget(builder, p);
  builder.copy({ from: STAGE.SKELETON, sources: [`${BUILD_DIR}/`], dest: './' });
  builder.arg('TARGETPLATFORM');
  return builder;
}
