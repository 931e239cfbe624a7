import { IConstruct } from 'constructs';
import { Component } from 'projen';
import { Dockerfile } from './dockerfile';
import { CacheSharing, DockerStage, MountType, RunMount } from './dockerfile-stage';
import { DependencyCaching, RuntimeBase, TargetLibc } from './rust-dockerfile-options';
import { CargoPackageFacts } from '../cargo/cargo-workspace';
import { BuildPlan } from '../plan/build-plan';
import { BUILD_DIR, CROSS_ARCHES, DEPS_TARGET_CACHE, ImagePlan } from '../plan/image-plan';
import { shellQuote } from '../shell';

/** Folder of the builder stage that holds the compiled binaries, whatever the strategy. */
export const OUT_DIR = '/out';
/** File in which the builder stage records the Rust target triple (MUSL or cross builds). */
export const RUST_TARGET_FILE = '/rust-target';
/** Folder of the runtime image that receives the binaries. */
export const BIN_DIR = '/usr/local/bin';

/**
 * The Dockerfile of a Rust service, rendered from the resolved build plan into the typed
 * `Dockerfile` model (`file`), whose stages are exposed as escape hatches.
 *
 * Stages by `DependencyCaching`:
 * - CARGO_CHEF: `chef` → `planner` (`cargo chef prepare`) → `builder` (`cargo chef cook`, then the real build) → `runtime`
 * - SKELETON: `base` → `skeleton` (manifests, lock file, stub targets, own versions set to 0.0.0) → `builder`
 *   (dependency build with a cache-mounted copy of `target/`, then the real build) → `runtime`
 * - CACHE_MOUNTS: `builder` (cache mounts on registry, git db and target) → `runtime`
 * - NONE: `builder` (`COPY . .` + `cargo build`) → `runtime`
 *
 * Every strategy leaves the binaries in `/out` of the `builder` stage; the `runtime` stage copies
 * them to `/usr/local/bin`. The stages are built when the component is created; the file renders
 * at synth, so changes made through the escape hatches are kept.
 */
export class RustDockerfile extends Component {
  /** The Dockerfile model (escape hatch: add stages, directives, raw lines). */
  public readonly file: Dockerfile;
  /** The resolved image plan this Dockerfile renders. */
  public readonly plan: ImagePlan;
  /** The stage that compiles the binaries into `/out`. */
  public readonly builder: DockerStage;
  /** The final (runtime) stage. */
  public readonly runtime: DockerStage;
  /** CARGO_CHEF: the stage providing cargo-chef and the build packages. */
  public readonly chef?: DockerStage;
  /** CARGO_CHEF: the stage computing `recipe.json`. */
  public readonly planner?: DockerStage;
  /** SKELETON: the common base of the build stages. */
  public readonly base?: DockerStage;
  /** SKELETON: the stage writing the manifests and stub targets. */
  public readonly skeleton?: DockerStage;
  /** The runtime image with its packages and user, before the binaries (the glibc guard checks against it). */
  public readonly runtimeBase?: DockerStage;
  /** The stage that checks the binaries' glibc and library needs against `runtimeBase` (`glibcGuard`). */
  public readonly glibcGuard?: DockerStage;

  public constructor(scope: IConstruct, plan: BuildPlan) {
    super(scope);
    const p = plan.image;
    this.plan = p;
    this.file = new Dockerfile(this, p.dockerfilePath, { syntax: p.syntax, header: header(p) });
    const stages = renderStages(this.file, p);
    this.builder = stages.builder;
    this.runtime = stages.runtime;
    this.chef = stages.chef;
    this.planner = stages.planner;
    this.base = stages.base;
    this.skeleton = stages.skeleton;
    this.runtimeBase = stages.runtimeBase;
    this.glibcGuard = stages.glibcGuard;
  }
}

/** The stages `renderStages` created. */
interface RenderedStages {
  readonly builder: DockerStage;
  readonly runtime: DockerStage;
  readonly chef?: DockerStage;
  readonly planner?: DockerStage;
  readonly base?: DockerStage;
  readonly skeleton?: DockerStage;
  readonly runtimeBase?: DockerStage;
  readonly glibcGuard?: DockerStage;
}

function header(p: ImagePlan): string[] {
  return [
    'Generated from the options of RustDocker (projen-rust-docker) and the Cargo workspace:',
    ...p.summary.map(l => `  ${l}`),
    `Build: docker build -f ${p.dockerfilePath} ${p.contextDir}`,
  ];
}

/** Renders every stage of the plan into `file`. */
function renderStages(file: Dockerfile, p: ImagePlan): RenderedStages {
  switch (p.dependencyCaching) {
    case DependencyCaching.CARGO_CHEF: return cargoChef(file, p);
    case DependencyCaching.SKELETON: return skeleton(file, p);
    case DependencyCaching.CACHE_MOUNTS: return singleBuilder(file, p, true);
    default: return singleBuilder(file, p, false);
  }
}

// ---------------------------------------------------------------------------------------------
// strategies

function cargoChef(file: Dockerfile, p: ImagePlan): RenderedStages {
  const chef = file.addStage({ from: p.chefImage ?? p.rustImage, name: 'chef', platform: buildPlatform(p) });
  useToolchain(chef, p);
  if (p.installChef) {
    chef.comment('cargo-chef in the builder image itself, so every stage has the same Rust');
    chef.runWith({ commands: ['cargo install cargo-chef --locked'], mounts: registryMounts(p) });
  }
  chef.workdir(BUILD_DIR);
  installBuildPackages(chef, p);

  const planner = file.addStage({ from: 'chef', name: 'planner' });
  planner.comment('recipe.json: the dependency graph, unchanged by source edits');
  planner.copy({ sources: ['.'], dest: '.' });
  planner.run(['cargo chef prepare --recipe-path recipe.json', ...(p.isWorkspace && p.binaries.length === 1 ? ['--bin', p.binaries[0].name] : [])].join(' '));

  const builder = file.addStage({ from: 'chef', name: 'builder' });
  copyCargoConfig(builder, p, 'before cargo chef cook (cargo-chef #271): cook and build read the same config and sources');
  setupTarget(builder, p);
  builder.copy({ from: 'planner', sources: [`${BUILD_DIR}/recipe.json`], dest: 'recipe.json' });
  builder.comment('dependencies only: this layer is reused until Cargo.toml/Cargo.lock change');
  builder.runWith({
    commands: [['cargo chef cook', ...cargoFlags(p, true), '--recipe-path recipe.json'].join(' ')],
    mounts: [...registryMounts(p), ...secretMounts(p)],
  });
  builder.copy({ sources: ['.'], dest: '.' });
  builder.runWith({ commands: [cargoBuild(p), ...copyOut(p)], mounts: [...registryMounts(p), ...secretMounts(p)] });

  return { chef, planner, builder, ...runtimeStages(file, p) };
}

function skeleton(file: Dockerfile, p: ImagePlan): RenderedStages {
  const base = file.addStage({ from: p.rustImage, name: 'base', platform: buildPlatform(p) });
  useToolchain(base, p);
  base.workdir(BUILD_DIR);
  installBuildPackages(base, p);

  const stubs = stubFiles(p.packages);
  const skel = file.addStage({ from: 'base', name: 'skeleton' });
  skel.comment('manifests, lock file and stub targets: what cargo needs to build the dependencies.');
  skel.comment('Own crates get version 0.0.0 here, so a version bump does not rebuild the dependencies.');
  skel.copy({ sources: p.locked ? ['Cargo.toml', 'Cargo.lock'] : ['Cargo.toml'], dest: './' });
  for (const pkg of p.packages.filter(x => x.dir !== '.')) {
    skel.copy({ sources: [pkg.manifestPath], dest: pkg.manifestPath });
  }
  const manifests = ['Cargo.toml', ...p.packages.filter(x => x.dir !== '.').map(x => x.manifestPath)];
  const names = p.packages.map(x => x.name);
  const dirs = [...new Set([...stubs.main, ...stubs.empty].map(dirOf).filter(d => d !== '.'))];
  const commands = manifests.length === 1
    ? [`awk '${manifestAwk(names)}' ${manifests[0]} > ${manifests[0]}.tmp`, `mv ${manifests[0]}.tmp ${manifests[0]}`]
    : [`for f in ${words(manifests)}; do awk '${manifestAwk(names)}' "$f" > "$f.tmp"; mv "$f.tmp" "$f"; done`];
  if (p.locked) commands.push(`awk '${lockAwk(names)}' Cargo.lock > Cargo.lock.tmp`, 'mv Cargo.lock.tmp Cargo.lock');
  if (dirs.length > 0) commands.push(`mkdir -p ${words(dirs)}`);
  if (stubs.main.length > 0) commands.push(`echo 'fn main() {}' | tee ${words(stubs.main)} > /dev/null`);
  if (stubs.empty.length > 0) commands.push(`touch ${words(stubs.empty)}`);
  skel.runWith({ commands });

  const builder = file.addStage({ from: 'base', name: 'builder' });
  copyCargoConfig(builder, p, 'before any cargo command: the dependency build and the real build read the same config and sources');
  setupTarget(builder, p);
  builder.copy({ from: 'skeleton', sources: [`${BUILD_DIR}/`], dest: './' });
  builder.arg('TARGETPLATFORM');
  builder.comment('dependencies only: this layer is reused until the dependency graph changes.');
  builder.comment(`On a long-lived builder, a cache mount keeps a copy of target/ (${DEPS_TARGET_CACHE}): when the graph changes, only new or changed crates compile`);
  builder.runWith({
    commands: [
      `mkdir -p target ${DEPS_TARGET_CACHE}`,
      `cp -a ${DEPS_TARGET_CACHE}/. target/`,
      cargoBuild(p),
      `cp -a target/. ${DEPS_TARGET_CACHE}/`,
    ],
    mounts: [...registryMounts(p, true), ...secretMounts(p)],
  });
  builder.copy({ sources: ['.'], dest: '.' });
  builder.comment('COPY keeps the sources\' mtimes, which may be older than the stub build: touch them so cargo rebuilds the workspace crates');
  builder.runWith({
    commands: [touchSources(p), cargoBuild(p), ...copyOut(p)],
    mounts: [...registryMounts(p), ...secretMounts(p)],
  });

  return { base, skeleton: skel, builder, ...runtimeStages(file, p) };
}

function singleBuilder(file: Dockerfile, p: ImagePlan, cacheMounts: boolean): RenderedStages {
  const builder = file.addStage({ from: p.rustImage, name: 'builder', platform: buildPlatform(p) });
  useToolchain(builder, p);
  builder.workdir(BUILD_DIR);
  installBuildPackages(builder, p);
  copyCargoConfig(builder, p, 'before any cargo command');
  setupTarget(builder, p);
  const mounts: RunMount[] = [...registryMounts(p), ...secretMounts(p)];
  if (cacheMounts) {
    builder.arg('TARGETPLATFORM');
    builder.comment(`cache mounts: compiled dependencies stay in ${BUILD_DIR}/target between builds on this builder (not in the image layers)`);
  }
  builder.copy({ sources: ['.'], dest: '.' });
  if (cacheMounts) {
    builder.comment('COPY keeps the sources\' mtimes, which may be older than the artifacts in the target/ cache mount: touch them so cargo rebuilds the workspace crates');
  }
  builder.runWith({
    commands: [...(cacheMounts ? [touchSources(p)] : []), cargoBuild(p), ...copyOut(p)],
    mounts,
  });
  return { builder, ...runtimeStages(file, p) };
}

// ---------------------------------------------------------------------------------------------
// build stage pieces

function buildPlatform(p: ImagePlan): string | undefined {
  return p.crossCompile ? '$BUILDPLATFORM' : undefined;
}

function installBuildPackages(stage: DockerStage, p: ImagePlan): void {
  if (p.buildPackages.length === 0) return;
  stage.run({
    commands: [
      'apt-get update',
      `apt-get install -y --no-install-recommends ${p.buildPackages.join(' ')}`,
      'rm -rf /var/lib/apt/lists/*',
    ],
  });
}

/**
 * `RUSTUP_TOOLCHAIN` (and, for a channel the image lacks, its one-time install) in the first build
 * stage, so every later stage and cargo command uses it, whatever rust-toolchain.toml says.
 */
function useToolchain(stage: DockerStage, p: ImagePlan): void {
  const tc = p.toolchain;
  if (tc.rustupToolchain === undefined) return;
  if (tc.install === undefined) {
    stage.comment(`the image's own toolchain, whatever ${p.toolchainFile ?? 'the toolchain file'} pins (rustup would otherwise download another one)`);
    stage.env('RUSTUP_TOOLCHAIN', tc.rustupToolchain, { allowSubstitution: true });
    return;
  }
  stage.comment(`${p.toolchainFile ?? 'the toolchain file'} pins ${tc.install}, which the image lacks: installed once, here (minimal profile; components are not needed to build)`);
  stage.env('RUSTUP_TOOLCHAIN', tc.rustupToolchain);
  stage.run(`rustup toolchain install ${shellQuote(tc.install)} --profile minimal --no-self-update`);
}

function copyCargoConfig(stage: DockerStage, p: ImagePlan, why: string): void {
  const copies: Array<[string, string]> = [];
  if (p.cargoConfigFile) copies.push([p.cargoConfigFile, p.cargoConfigFile]);
  for (const dir of p.vendorDirs) copies.push([dir, `${dir}/`]);
  if (copies.length === 0) return;
  stage.comment(`cargo config ${why}`);
  for (const [src, dest] of copies) stage.copy({ sources: [src], dest });
}

/**
 * MUSL or cross builds: record the Rust target in /rust-target, install the linker and the std of the target.
 * Cross (glibc): when $TARGETARCH is not the build machine's, the target's C libraries too (`crossInstallCommands`).
 */
function setupTarget(stage: DockerStage, p: ImagePlan): void {
  if (!p.explicitTarget) return;
  const libc = p.targetLibc === TargetLibc.MUSL ? 'musl' : 'gnu';
  if (!p.crossCompile) {
    stage.comment('static binary: the musl target of the build machine\'s architecture (musl-gcc for C dependencies)');
    for (const arch of Object.values(CROSS_ARCHES)) stage.env(`CC_${arch}_unknown_linux_musl`, 'musl-gcc');
    stage.run({ commands: [`echo "$(uname -m)-unknown-linux-${libc}" > ${RUST_TARGET_FILE}`, `rustup target add "$(cat ${RUST_TARGET_FILE})"`] });
    return;
  }
  stage.comment('cross-compilation: this stage runs on $BUILDPLATFORM and compiles for $TARGETARCH with a cross linker');
  for (const [name, value] of crossEnv(libc)) stage.env(name, value);
  stage.arg('TARGETARCH');
  stage.run({ commands: crossInstallCommands(p, libc) });
}

/**
 * Flags shared by `cargo chef cook` and `cargo build`. `cargo chef cook --bin` takes one binary
 * (and cook takes no extra cargo arguments): with several binaries cook builds the package's.
 */
function cargoFlags(p: ImagePlan, forCook: boolean): string[] {
  const flags = p.locked ? ['--locked'] : [];
  flags.push(...(p.cargoProfile === 'release' ? ['--release'] : ['--profile', p.cargoProfile]));
  if (p.isWorkspace) flags.push('-p', p.packageName);
  if (!forCook || p.binaries.length === 1) for (const b of p.binaries) flags.push('--bin', b.name);
  if (p.allFeatures) flags.push('--all-features');
  if (p.noDefaultFeatures) flags.push('--no-default-features');
  if (p.features.length > 0) flags.push('--features', p.features.join(','));
  if (p.explicitTarget) flags.push('--target', `"$(cat ${RUST_TARGET_FILE})"`);
  if (!forCook) flags.push(...p.cargoBuildArgs.map(shellQuote));
  return flags;
}

function cargoBuild(p: ImagePlan): string {
  return ['cargo build', ...cargoFlags(p, false)].join(' ');
}

/** Where cargo puts the binaries (a shell word). */
function artifactDir(p: ImagePlan): string {
  return p.explicitTarget ? `"target/$(cat ${RUST_TARGET_FILE})/${p.profileDir}"` : `target/${p.profileDir}`;
}

function copyOut(p: ImagePlan): string[] {
  const dir = artifactDir(p);
  return [`mkdir -p ${OUT_DIR}`, `cp ${p.binaries.map(b => `${dir}/${b.name}`).join(' ')} ${OUT_DIR}/`];
}

/**
 * The plan's cache mounts (registry, git db, and `target/` for CACHE_MOUNTS), locked: cargo does not
 * share them safely. SKELETON's copy of the dependency build's `target/` only on that step (`depsBuild`).
 */
function registryMounts(p: ImagePlan, depsBuild = false): RunMount[] {
  return p.cacheMounts
    .filter(m => depsBuild || m.target !== DEPS_TARGET_CACHE)
    .map(m => ({ type: MountType.CACHE, target: m.target, id: m.id, sharing: CacheSharing.LOCKED }));
}

function secretMounts(p: ImagePlan): RunMount[] {
  return p.buildSecrets.map(s => ({ type: MountType.SECRET, id: s.id, env: s.env, required: s.required || undefined }));
}

// ---------------------------------------------------------------------------------------------
// skeleton helpers

/** Stub target files of every member: `main` ones get `fn main() {}`, `empty` ones stay empty (libraries). */
function stubFiles(packages: CargoPackageFacts[]): { main: string[]; empty: string[] } {
  const main = new Set<string>();
  const empty = new Set<string>();
  for (const pkg of packages) {
    for (const b of pkg.binaries) main.add(b.path);
    if (pkg.buildScript) main.add(pkg.buildScript);
    for (const t of pkg.otherTargets) main.add(t.path);
    if (pkg.lib) empty.add(pkg.lib.path);
  }
  for (const f of empty) main.delete(f);
  return { main: [...main], empty: [...empty] };
}

/** `touch` of every member's target root files and build scripts: cargo then rebuilds the workspace crates, never the dependencies. */
function touchSources(p: ImagePlan): string {
  const stubs = stubFiles(p.packages);
  return `touch ${words([...stubs.main, ...stubs.empty])}`;
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

/**
 * awk program for a manifest: `version` of `[package]` / `[workspace.package]` becomes 0.0.0, and
 * version requirements on workspace members (path dependencies) are dropped, so they still match.
 */
function manifestAwk(members: string[]): string {
  const names = members.join('|');
  return [
    '/^[ \\t]*\\[/ { s = $0; gsub(/[ \\t]/, "", s) }',
    '(s == "[package]" || s == "[workspace.package]") && /^[ \\t]*version[ \\t]*=/ { print "version = \\"0.0.0\\""; next }',
    `s ~ /dependencies\\.(${names})\\]$/ && /^[ \\t]*version[ \\t]*=/ { next }`,
    `s ~ /dependencies\\]$/ && /^[ \\t]*(${names})[ \\t]*=[ \\t]*\\{/ { gsub(/,[ \\t]*version[ \\t]*=[ \\t]*"[^"]*"/, ""); gsub(/version[ \\t]*=[ \\t]*"[^"]*"[ \\t]*,?[ \\t]*/, "") }`,
    '{ print }',
  ].join(' ');
}

/** awk program for Cargo.lock: `[[package]]` entries of workspace members (no `source`) get version 0.0.0. */
function lockAwk(members: string[]): string {
  return [
    'function flush(  i, l) { for (i = 1; i <= nb; i++) { l = b[i]; if (own && l ~ /^version = /) l = "version = \\"0.0.0\\""; print l } nb = 0; own = 0 }',
    '/^\\[/ { flush(); blk = ($0 == "[[package]]") }',
    `blk { b[++nb] = $0; if ($0 ~ /^name = /) { n = $0; gsub(/^name = "|"$/, "", n); own = index(" ${members.join(' ')} ", " " n " ") > 0 } else if ($0 ~ /^source = /) own = 0; next }`,
    '{ print }',
    'END { flush() }',
  ].join(' ');
}

// ---------------------------------------------------------------------------------------------
// runtime

/**
 * The runtime image. With the glibc guard: `runtime-base` (image, packages, user) → `glibc-guard`
 * (the builder checks the binaries against runtime-base's libraries) → `runtime` (runtime-base +
 * the checked binaries), so a binary that could not start on the runtime fails the build instead.
 */
function runtimeStages(file: Dockerfile, p: ImagePlan): { runtime: DockerStage; runtimeBase?: DockerStage; glibcGuard?: DockerStage } {
  if (!p.glibcGuard) {
    const runtime = file.addStage({ from: p.runtimeImage, name: 'runtime' });
    prepareRuntime(runtime, p);
    finishRuntime(runtime, p, 'builder');
    return { runtime };
  }
  const runtimeBase = file.addStage({ from: p.runtimeImage, name: RUNTIME_BASE_STAGE });
  prepareRuntime(runtimeBase, p);
  const glibcGuard = file.addStage({ from: 'builder', name: GLIBC_GUARD_STAGE });
  glibcGuard.comment('fail the build, not the container start, when a binary needs a glibc version or a library the runtime image lacks');
  // cross builds name the target platform in the guard's messages
  if (p.crossCompile) glibcGuard.arg('TARGETPLATFORM');
  // one shell script over continued lines (a loop cannot be split into "&&" commands)
  const script = [`--mount=type=bind,from=${RUNTIME_BASE_STAGE},target=${GUARD_RUNTIME_ROOT}`, ...glibcGuardScript(p)];
  glibcGuard.addInstruction('RUN', script.join(` \\\n${' '.repeat(4)}`));
  const runtime = file.addStage({ from: RUNTIME_BASE_STAGE, name: 'runtime' });
  finishRuntime(runtime, p, GLIBC_GUARD_STAGE);
  return { runtime, runtimeBase, glibcGuard };
}

/** Stage names and the mount point of the guard. */
const RUNTIME_BASE_STAGE = 'runtime-base';
const GLIBC_GUARD_STAGE = 'glibc-guard';
const GUARD_RUNTIME_ROOT = '/runtime';

/**
 * The guard: for every binary, each shared library it needs (`NEEDED`) must exist in the runtime image,
 * and each symbol version it references (`GLIBC_2.39`, weak ones too: the loader warns about those)
 * must be defined by that library there. Read with `readelf`, which reads any architecture's ELF files.
 */
function glibcGuardScript(p: ImagePlan): string[] {
  const root = GUARD_RUNTIME_ROOT;
  // "<library>@<version>" for each version reference, "<library>@" for each NEEDED library
  const needs = "awk '/^Version needs section/ { n = 1; next } /^Version (definition|symbols) section/ { n = 0 } "
    + 'n && / File: / { for (i = 1; i <= NF; i++) if ($i == "File:") f = $(i + 1) } '
    + "n && / Name: / { for (i = 1; i <= NF; i++) if ($i == \"Name:\") print f \"@\" $(i + 1) }'";
  const defines = "awk '/^Version definition section/ { d = 1; next } /^Version (needs|symbols) section/ { d = 0 } "
    + "d && / Name: / { for (i = 1; i <= NF; i++) if ($i == \"Name:\") print $(i + 1) }'";
  const neededLibs = String.raw`sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1@/p'`;
  const platform = p.crossCompile ? ' ($TARGETPLATFORM)' : '';
  const fix = p.runtime === RuntimeBase.CUSTOM
    ? 'use a runtime image of the same Debian release as the builder (option "debianRelease"), or add the library to "runtimePackages"'
    : `build and run on one Debian release (option "debianRelease", now ${p.debianRelease}) without hand-picked images of another release, and add missing libraries to "runtimePackages"`;
  return [
    'command -v readelf >/dev/null || { echo "glibc guard: readelf is missing in the builder image: add binutils to buildPackages, or set glibcGuard to false" >&2; exit 1; };',
    'status=0;',
    `for bin in ${OUT_DIR}/*; do`,
    `  for need in $({ readelf -W -V "$bin" | ${needs}; readelf -W -d "$bin" | ${neededLibs}; } | sort -u); do`,
    '    lib=${need%@*}; ver=${need#*@};',
    `    path=$(find -H ${root}/lib ${root}/lib64 ${root}/usr/lib ${root}/usr/lib64 -maxdepth 2 -name "$lib" 2>/dev/null | head -n 1);`,
    `    while [ -n "$path" ] && [ -L "$path" ]; do t=$(readlink "$path"); case "$t" in /*) path=${root}$t ;; *) path=$(dirname "$path")/$t ;; esac; done;`,
    '    if [ -z "$path" ]; then echo "glibc guard: ${bin##*/} needs $lib, which the runtime image' + platform + ' does not have" >&2; status=1;',
    `    elif [ -n "$ver" ] && ! readelf -W -V "$path" | ${defines} | grep -qxF "$ver"; then echo "glibc guard: \${bin##*/} needs $ver of $lib, which the runtime image's $lib does not define" >&2; status=1; fi;`,
    '  done;',
    'done;',
    `if [ "$status" -ne 0 ]; then echo ${shellQuote(`glibc guard: the image would not start. Fix: ${fix}.`)} >&2; exit 1; fi`,
  ];
}

/** Packages, then the non-root user (what the binaries' checks see). */
function prepareRuntime(rt: DockerStage, p: ImagePlan): void {
  installRuntimePackages(rt, p);
  if (p.user?.create) {
    const { uid, gid, name } = p.user;
    rt.comment('non-root user with a fixed UID (USER is numeric, so Kubernetes runAsNonRoot can verify it)');
    rt.run(p.runtime === RuntimeBase.ALPINE
      ? { commands: [`addgroup -S -g ${gid} ${name}`, `adduser -S -D -H -u ${uid} -G ${name} -s /sbin/nologin ${name}`] }
      : { commands: [`groupadd --system --gid ${gid} ${name}`, `useradd --system --uid ${uid} --gid ${gid} --no-create-home --shell /usr/sbin/nologin ${name}`] });
  }
}

/** The binaries (from `binariesFrom`), then the image settings. */
function finishRuntime(rt: DockerStage, p: ImagePlan, binariesFrom: string): void {
  if (p.runtime === RuntimeBase.SCRATCH) {
    rt.comment('scratch has no CA certificates: take the builder\'s');
    rt.copy({ from: 'builder', sources: ['/etc/ssl/certs/ca-certificates.crt'], dest: '/etc/ssl/certs/ca-certificates.crt' });
  }
  rt.copy({ from: binariesFrom, sources: p.binaries.map(b => `${OUT_DIR}/${b.name}`), dest: `${BIN_DIR}/` });
  rt.workdir(p.workdir);
  for (const [name, value] of Object.entries(p.env)) rt.env(name, value);
  for (const port of p.ports) rt.expose(port);
  if (p.user) rt.user(`${p.user.uid}:${p.user.gid}`);
  if (p.healthcheck) rt.healthcheck(p.healthcheck);
  if (p.stopSignal) rt.stopSignal(p.stopSignal);
  rt.entrypoint(p.entrypoint);
  if (p.cmd) rt.cmd(p.cmd);
  const args = Object.entries(p.labelBuildArgs);
  if (args.length > 0) rt.comment('OCI labels: the workflow passes these build args (empty by default)');
  for (const [, arg] of args) rt.arg(arg, '');
  for (const [label, value] of Object.entries(p.labels)) rt.label(label, value);
  for (const [label, arg] of args) rt.label(label, `$${arg}`, { allowSubstitution: true });
}

function installRuntimePackages(rt: DockerStage, p: ImagePlan): void {
  const pkgs = p.runtimePackages;
  if (pkgs.length === 0) return;
  const list = pkgs.join(' ');
  const apt = `apt-get update && apt-get install -y --no-install-recommends ${list} && rm -rf /var/lib/apt/lists/*`;
  const apk = `apk add --no-cache ${list}`;
  if (p.runtime === RuntimeBase.ALPINE) {
    rt.run(apk);
  } else if (p.runtime === RuntimeBase.DEBIAN_SLIM) {
    rt.run({ commands: ['apt-get update', `apt-get install -y --no-install-recommends ${list}`, 'rm -rf /var/lib/apt/lists/*'] });
  } else {
    rt.run(`if command -v apt-get >/dev/null; then ${apt}; elif command -v apk >/dev/null; then ${apk}; else echo "runtimePackages: no apt-get or apk in ${p.runtimeImage}" >&2; exit 1; fi`);
  }
}

/** Shell words for paths (quoted when needed). */
function words(paths: string[]): string {
  return paths.map(shellQuote).join(' ');
}

// ---------------------------------------------------------------------------------------------
// cross-compilation (glibc): target-arch C libraries, cross gcc/g++, the env cargo and pkg-config read

/** Debian `-dev` packages that serve the build machine (bindgen loads the host's libclang), never the target. */
const HOST_ONLY_DEV_PACKAGE = /^(?:libclang(?:-common)?(?:-[0-9.]+)?-dev|llvm(?:-[0-9.]+)?-dev|libllvm.*)$/;

/**
 * The `buildPackages` entries that are C libraries to link for the target: every `*-dev` package
 * (`libssl-dev`, `zlib1g-dev`, …) without an architecture of its own, except host tools' (libclang, LLVM).
 * Tools (`pkg-config`, `protobuf-compiler`, `cmake`, `clang`, …) run on the build machine and stay host-arch.
 * Returned as `{ name, version }` (`version` from `name=version`, else undefined).
 */
function crossLibraryPackages(buildPackages: string[]): Array<{ name: string; version?: string }> {
  const libs: Array<{ name: string; version?: string }> = [];
  for (const entry of buildPackages) {
    const [name, version] = entry.split('=', 2);
    if (name.includes(':') || !name.endsWith('-dev') || HOST_ONLY_DEV_PACKAGE.test(name)) continue;
    libs.push({ name, version });
  }
  return libs;
}

/** Env of the cross build stage: per target triple, the linker, C/C++ compilers, archiver and pkg-config's search path. */
function crossEnv(libc: string): Array<[string, string]> {
  const env: Array<[string, string]> = [];
  for (const arch of Object.values(CROSS_ARCHES)) {
    const triple = `${arch}_unknown_linux_${libc}`;
    const gnu = `${arch}-linux-gnu`;
    env.push([`CARGO_TARGET_${triple.toUpperCase()}_LINKER`, `${gnu}-gcc`]);
    if (libc !== 'gnu') continue;
    env.push(
      [`CC_${triple}`, `${gnu}-gcc`],
      [`CXX_${triple}`, `${gnu}-g++`],
      [`AR_${triple}`, `${gnu}-ar`],
      // Debian multiarch: the target's .pc files (and libraries) live under /usr/lib/<gnu triple>, no sysroot
      [`PKG_CONFIG_LIBDIR_${triple}`, [`/usr/local/lib/${gnu}/pkgconfig`, `/usr/lib/${gnu}/pkgconfig`, '/usr/local/share/pkgconfig', '/usr/share/pkgconfig'].join(':')],
    );
  }
  // the pkg-config crate refuses cross builds unless allowed; the per-triple search paths above make it safe
  if (libc === 'gnu') env.push(['PKG_CONFIG_ALLOW_CROSS', '1']);
  return env;
}

/**
 * The RUN commands of the cross build stage: map $TARGETARCH to the Rust target (recorded in
 * /rust-target), add its std; then, only when the target is not the build machine's architecture,
 * install the cross gcc/g++ and libc, and (glibc) `dpkg --add-architecture` + the target-arch
 * version of every library of `buildPackages`. A library that cannot be installed for the target
 * next to the build machine's copy fails the build, naming the package and what to do instead.
 */
function crossInstallCommands(p: ImagePlan, libc: string): string[] {
  const gnu = libc === 'gnu';
  const cases = Object.entries(CROSS_ARCHES)
    .map(([docker, arch]) => {
      const prefix = arch.replace(/_/g, '-');
      return `${docker}) arch=${arch}; gcc='gcc-${prefix}-linux-gnu'; libc='libc6-dev-${docker}-cross'${gnu ? `; gxx='g++-${prefix}-linux-gnu'` : ''} ;;`;
    })
    .join(' ');
  const libs = gnu ? crossLibraryPackages(p.buildPackages) : [];
  const fix = 'Build this platform with MultiArchStrategy.QEMU or NATIVE_RUNNERS, or use a crate feature that builds the library from source (e.g. openssl\'s vendored)';
  const commands = [
    `case "$TARGETARCH" in ${cases} *) echo "unsupported TARGETARCH '$TARGETARCH': cross-compilation supports ${Object.keys(CROSS_ARCHES).join(', ')}" >&2; exit 1 ;; esac`,
    `echo "$arch-unknown-linux-${libc}" > ${RUST_TARGET_FILE}`,
    `rustup target add "$(cat ${RUST_TARGET_FILE})"`,
    'if [ "$arch" = "$(uname -m)" ]; then exit 0; fi',
  ];
  if (libs.length > 0) commands.push('dpkg --add-architecture "$TARGETARCH"');
  commands.push('apt-get update');
  if (libs.length > 0) {
    commands.push([
      `fix="${fix}"; set -- ${libs.map(l => l.name).join(' ')}; for p in "$@"; do`,
      'info="$(apt-cache show --no-all-versions "$p:$TARGETARCH" 2>/dev/null)" ||',
      '{ echo "error: buildPackages: $p has no $TARGETARCH version in the apt sources, so the cross build cannot link it for $TARGETARCH. $fix" >&2; exit 1; };',
      // empty: an Architecture: all package (headers only), which apt installs for any architecture
      'case "$info" in ""|*"Multi-Arch: same"*) ;;',
      '*) echo "error: buildPackages: $p cannot be installed for $TARGETARCH next to the build machine\'s copy (it is not Multi-Arch: same), so the cross build cannot link it for $TARGETARCH. $fix" >&2; exit 1 ;; esac;',
      'done',
    ].join(' '));
  }
  const targetLibs = libs.map(l => `"${l.name}:$TARGETARCH${l.version ? `=${l.version}` : ''}"`);
  commands.push(
    `apt-get install -y --no-install-recommends "$gcc" ${gnu ? '"$gxx" ' : ''}"$libc"${targetLibs.map(l => ` ${l}`).join('')}`,
    'rm -rf /var/lib/apt/lists/*',
  );
  return commands;
}
