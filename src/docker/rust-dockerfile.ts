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
  copyToolchainAndConfig(builder, p, 'before cargo chef cook (cargo-chef #271): cook and build use the same toolchain and sources');
  setupTarget(builder, p);
  builder.copy({ from: 'planner', sources: [`${BUILD_DIR}/recipe.json`], dest: 'recipe.json' });
  builder.comment('dependencies only: this layer is reused until Cargo.toml/Cargo.lock change');
  builder.runWith({
    commands: [['cargo chef cook', ...cargoFlags(p, true), '--recipe-path recipe.json'].join(' ')],
    mounts: [...registryMounts(p), ...secretMounts(p)],
  });
  builder.copy({ sources: ['.'], dest: '.' });
  builder.runWith({ commands: [cargoBuild(p), ...copyOut(p)], mounts: [...registryMounts(p), ...secretMounts(p)] });

  const runtime = runtimeStage(file, p);
  return { chef, planner, builder, runtime };
}

function skeleton(file: Dockerfile, p: ImagePlan): RenderedStages {
  const base = file.addStage({ from: p.rustImage, name: 'base', platform: buildPlatform(p) });
  base.workdir(BUILD_DIR);
  installBuildPackages(base, p);

  const stubs = stubFiles(p.packages);
  const skel = file.addStage({ from: 'base', name: 'skeleton' });
  skel.comment('manifests, lock file and stub targets: what cargo needs to build the dependencies.');
  skel.comment('Own crates get version 0.0.0 here, so a version bump does not rebuild the dependencies.');
  skel.copy({ sources: ['Cargo.toml', 'Cargo.lock'], dest: './' });
  for (const pkg of p.packages.filter(x => x.dir !== '.')) {
    skel.copy({ sources: [pkg.manifestPath], dest: pkg.manifestPath });
  }
  const manifests = ['Cargo.toml', ...p.packages.filter(x => x.dir !== '.').map(x => x.manifestPath)];
  const names = p.packages.map(x => x.name);
  const dirs = [...new Set([...stubs.main, ...stubs.empty].map(dirOf).filter(d => d !== '.'))];
  const commands = manifests.length === 1
    ? [`awk '${manifestAwk(names)}' ${manifests[0]} > ${manifests[0]}.tmp`, `mv ${manifests[0]}.tmp ${manifests[0]}`]
    : [`for f in ${words(manifests)}; do awk '${manifestAwk(names)}' "$f" > "$f.tmp"; mv "$f.tmp" "$f"; done`];
  commands.push(`awk '${lockAwk(names)}' Cargo.lock > Cargo.lock.tmp`, 'mv Cargo.lock.tmp Cargo.lock');
  if (dirs.length > 0) commands.push(`mkdir -p ${words(dirs)}`);
  if (stubs.main.length > 0) commands.push(`echo 'fn main() {}' | tee ${words(stubs.main)} > /dev/null`);
  if (stubs.empty.length > 0) commands.push(`touch ${words(stubs.empty)}`);
  skel.runWith({ commands });

  const builder = file.addStage({ from: 'base', name: 'builder' });
  copyToolchainAndConfig(builder, p, 'before any cargo command: the dependency build and the real build use the same toolchain and sources');
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

  const runtime = runtimeStage(file, p);
  return { base, skeleton: skel, builder, runtime };
}

function singleBuilder(file: Dockerfile, p: ImagePlan, cacheMounts: boolean): RenderedStages {
  const builder = file.addStage({ from: p.rustImage, name: 'builder', platform: buildPlatform(p) });
  builder.workdir(BUILD_DIR);
  installBuildPackages(builder, p);
  copyToolchainAndConfig(builder, p, 'before any cargo command, so the target setup uses the pinned toolchain');
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
  const runtime = runtimeStage(file, p);
  return { builder, runtime };
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

function copyToolchainAndConfig(stage: DockerStage, p: ImagePlan, why: string): void {
  const copies: Array<[string, string]> = [];
  if (p.toolchainFile) copies.push([p.toolchainFile, './']);
  if (p.cargoConfigFile) copies.push([p.cargoConfigFile, p.cargoConfigFile]);
  for (const dir of p.vendorDirs) copies.push([dir, `${dir}/`]);
  if (copies.length === 0) return;
  stage.comment(`toolchain and cargo config ${why}`);
  for (const [src, dest] of copies) stage.copy({ sources: [src], dest });
}

/** MUSL or cross builds: record the Rust target in /rust-target, install the linker and the std of the target. */
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
  for (const arch of Object.values(CROSS_ARCHES)) {
    const triple = `${arch}_unknown_linux_${libc}`;
    stage.env(`CARGO_TARGET_${triple.toUpperCase()}_LINKER`, `${arch}-linux-gnu-gcc`);
    if (libc === 'gnu') stage.env(`CC_${triple}`, `${arch}-linux-gnu-gcc`);
  }
  stage.arg('TARGETARCH');
  const cases = Object.entries(CROSS_ARCHES)
    .map(([docker, arch]) => `${docker}) arch=${arch}; gcc='gcc-${arch.replace(/_/g, '-')}-linux-gnu'; libc='libc6-dev-${docker}-cross' ;;`)
    .join(' ');
  stage.run({
    commands: [
      `case "$TARGETARCH" in ${cases} *) echo "unsupported TARGETARCH '$TARGETARCH': cross-compilation supports ${Object.keys(CROSS_ARCHES).join(', ')}" >&2; exit 1 ;; esac`,
      `echo "$arch-unknown-linux-${libc}" > ${RUST_TARGET_FILE}`,
      'if [ "$arch" != "$(uname -m)" ]; then apt-get update && apt-get install -y --no-install-recommends "$gcc" "$libc" && rm -rf /var/lib/apt/lists/*; fi',
      `rustup target add "$(cat ${RUST_TARGET_FILE})"`,
    ],
  });
}

/**
 * Flags shared by `cargo chef cook` and `cargo build`. `cargo chef cook --bin` takes one binary
 * (and cook takes no extra cargo arguments): with several binaries cook builds the package's.
 */
function cargoFlags(p: ImagePlan, forCook: boolean): string[] {
  const flags = ['--locked'];
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

function runtimeStage(file: Dockerfile, p: ImagePlan): DockerStage {
  const rt = file.addStage({ from: p.runtimeImage, name: 'runtime' });
  installRuntimePackages(rt, p);
  if (p.user?.create) {
    const { uid, gid, name } = p.user;
    rt.comment('non-root user with a fixed UID (USER is numeric, so Kubernetes runAsNonRoot can verify it)');
    rt.run(p.runtime === RuntimeBase.ALPINE
      ? { commands: [`addgroup -S -g ${gid} ${name}`, `adduser -S -D -H -u ${uid} -G ${name} -s /sbin/nologin ${name}`] }
      : { commands: [`groupadd --system --gid ${gid} ${name}`, `useradd --system --uid ${uid} --gid ${gid} --no-create-home --shell /usr/sbin/nologin ${name}`] });
  }
  if (p.runtime === RuntimeBase.SCRATCH) {
    rt.comment('scratch has no CA certificates: take the builder\'s');
    rt.copy({ from: 'builder', sources: ['/etc/ssl/certs/ca-certificates.crt'], dest: '/etc/ssl/certs/ca-certificates.crt' });
  }
  rt.copy({ from: 'builder', sources: p.binaries.map(b => `${OUT_DIR}/${b.name}`), dest: `${BIN_DIR}/` });
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
  return rt;
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
