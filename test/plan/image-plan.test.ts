import { buildPlan, errorFrom, fixtureFacts } from './plan-test-util';
import { CargoWorkspaceFacts } from '../../src/cargo';
import { ImagePlan } from '../../src/plan/image-plan';
import {
  DebianRelease, DependencyCaching, DockerIgnoreMode, MultiArchStrategy, RuntimeBase, RustDockerSettings, TargetLibc,
} from '../../src/settings';

const facts = fixtureFacts;
/** The image plan of a fixture, resolved through `resolveBuildPlan`. */
const plan = (fixture: string, options: RustDockerSettings = {}, contextDir = '.'): ImagePlan =>
  buildPlan({ options, workspace: facts(fixture), contextDir, projectName: fixture }).image;
/** The image plan of hand-made Cargo facts, without options. */
const planOf = (workspace: CargoWorkspaceFacts): ImagePlan => buildPlan({ workspace }).image;
/** Whether cargo-chef is installed into the builder image (CARGO_CHEF without a chef image). */
const installChef = (p: ImagePlan): boolean => p.builder.chef !== undefined && p.builder.chef.image === undefined;

/** Asserts one RustDockerError (a single problem) naming the option, whose message matches every pattern. */
function expectError(fn: () => unknown, option: string, ...patterns: RegExp[]): void {
  const error = errorFrom(fn);
  expect(error.errors.map(e => e.message)).toHaveLength(1);
  const message = error.message;
  expect(message).toContain(`option "${option}"`);
  for (const p of patterns) expect(message).toMatch(p);
  expect(message.charAt(0)).toBe(message.charAt(0).toLowerCase());
}

describe('defaults', () => {
  test('a single crate: its binary, RUNNER, the rust-version image everywhere, debian-slim, non-root 10001', () => {
    // WHEN the plan is resolved without options
    const p = plan('single-crate');
    // THEN everything is inferred
    expect(p.cargo.binaries.map(b => b.name)).toEqual(['hello']);
    expect(p.cargo.packageName).toBe('hello');
    expect(p.cargo.isWorkspace).toBe(false);
    expect(p.builder.dependencyCaching).toBe(DependencyCaching.RUNNER);
    expect(p.builder.dependencyCachingReason).toBeUndefined();
    expect(p.builder.rustVersion).toBe('1.75');
    expect(p.builder.debianRelease).toBe(DebianRelease.TRIXIE);
    expect(p.builder.rustImage).toBe('rust:1.75-slim-trixie');
    expect(p.builder.chef?.image).toBe('lukemathwalker/cargo-chef:latest-rust-1.75-slim-trixie');
    expect(p.builder.targetLibc).toBe(TargetLibc.GNU);
    expect(p.builder.crossCompile).toBe(false);
    expect(p.builder.explicitTarget).toBe(false);
    expect(p.runtime.base).toBe(RuntimeBase.DEBIAN_SLIM);
    expect(p.runtime.image).toBe('debian:trixie-slim');
    expect(p.runtime.packages).toEqual(['ca-certificates']);
    expect(p.runtime.glibcGuard).toBe(true);
    expect(p.cargo.locked).toBe(true);
    expect(p.warnings).toEqual([]);
    expect(p.runtime.user).toEqual({ uid: 10001, gid: 10001, create: true, name: 'app' });
    expect(p.runtime.entrypoint).toEqual(['/usr/local/bin/hello']);
    expect(p.cargo.profile).toBe('release');
    expect(p.cargo.profileDir).toBe('release');
    expect(p.context.syntax).toBe('docker/dockerfile:1');
    expect(p.context.dockerfilePath).toBe('Dockerfile');
    expect(p.context.dockerignore !== undefined).toBe(true);
    expect(p.context.dockerignore?.path).toBe('.dockerignore');
    expect(p.runtime.labels).toEqual({ 'org.opencontainers.image.title': 'hello' });
    expect(Object.keys(p.runtime.labelBuildArgs).sort()).toEqual([
      'org.opencontainers.image.created', 'org.opencontainers.image.revision', 'org.opencontainers.image.source', 'org.opencontainers.image.version',
    ]);
  });

  test('the summary names binaries, Rust source, strategy, target and runtime', () => {
    const summary = plan('toolchain-file').summary.join('\n');
    expect(summary).toContain('Binaries: toolchained (src/main.rs) of package toolchained');
    expect(summary).toContain('Rust: 1.95, from rust-toolchain.toml channel');
    expect(summary).toContain('Dependency caching: RUNNER\n');
    expect(summary).toContain('Runtime: DEBIAN_SLIM (debian:trixie-slim), user 10001:10001');
    expect(summary).toContain('Debian: trixie (glibc 2.41) for builder and runtime');
    expect(summary).toContain('Toolchain: the builder image\'s own (RUSTUP_TOOLCHAIN=$RUST_VERSION overrides rust-toolchain.toml: nothing downloaded)');
    expect(summary).toContain('Cargo config: .cargo/config.toml');
  });

  test('a cargo dir: Dockerfile and .dockerignore live in the build context', () => {
    const p = plan('single-crate', {}, 'services/api');
    expect(p.context.dockerfilePath).toBe('services/api/Dockerfile');
    expect(p.context.dockerignore?.path).toBe('services/api/.dockerignore');
  });

  test('missing Cargo.lock: a warning (in the summary too), and the build is not --locked', () => {
    // GIVEN a workspace without Cargo.lock (a fresh `cargo new`)
    const f = { ...facts('single-crate'), lockFile: undefined };
    // WHEN the plan is resolved THEN it succeeds, unlocked, with a warning that says how to lock
    const p = planOf(f);
    expect(p.cargo.locked).toBe(false);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/Cargo.lock is missing.*without --locked.*cargo generate-lockfile/);
    expect(p.summary.join('\n')).toContain('Warning: Cargo.lock is missing');
  });
});

describe('rust version', () => {
  test('rust-toolchain.toml channel wins over rust-version; the image\'s own toolchain is used (RUSTUP_TOOLCHAIN), nothing installed', () => {
    const p = plan('toolchain-file');
    expect(p.builder.rustVersion).toBe('1.95');
    expect(p.builder.rustImage).toBe('rust:1.95-slim-trixie');
    expect(p.cargo.toolchainFile).toBe('rust-toolchain.toml');
    expect(p.builder.toolchain).toEqual({ rustupToolchain: '${RUST_VERSION}' });
    expect(p.cargo.cargoConfigFile).toBe('.cargo/config.toml');
  });

  test('a non-version channel uses rust:1 and installs the channel once (RUSTUP_TOOLCHAIN names it)', () => {
    const f = { ...facts('toolchain-file'), toolchainChannel: 'nightly-2025-01-01' };
    const p = planOf(f);
    expect(p.builder.rustImage).toBe('rust:1-slim-trixie');
    expect(p.builder.rustVersionSource).toContain('rustup installs "nightly-2025-01-01"');
    expect(p.builder.toolchain).toEqual({ rustupToolchain: 'nightly-2025-01-01', install: 'nightly-2025-01-01' });
  });

  test('"stable" is the image\'s own toolchain; the rustVersion option overrides the file', () => {
    const stable = planOf({ ...facts('toolchain-file'), toolchainChannel: 'stable' });
    expect(stable.builder.rustImage).toBe('rust:1-slim-trixie');
    expect(stable.builder.toolchain).toEqual({ rustupToolchain: '${RUST_VERSION}' });
    const option = plan('toolchain-file', { rustVersion: '1.96' });
    expect(option.builder.rustImage).toBe('rust:1.96-slim-trixie');
    expect(option.builder.toolchain).toEqual({ rustupToolchain: '${RUST_VERSION}' });
  });

  test('a hand-picked rust image: its own toolchain when its tag names the pinned version, else the pin is installed', () => {
    expect(plan('toolchain-file', { rustImage: 'rust:1.95-slim-bookworm' }).builder.toolchain).toEqual({ rustupToolchain: '${RUST_VERSION}' });
    expect(plan('toolchain-file', { chefImage: 'lukemathwalker/cargo-chef:0.1.78-rust-1.95-slim-trixie' }).builder.toolchain).toEqual({ rustupToolchain: '${RUST_VERSION}' });
    expect(plan('toolchain-file', { rustImage: 'ghcr.io/acme/rust:1.95-trixie' }).builder.toolchain).toEqual({ rustupToolchain: '1.95', install: '1.95' });
  });

  test('no toolchain file: no RUSTUP_TOOLCHAIN (the image\'s default toolchain)', () => {
    expect(plan('single-crate').builder.toolchain).toEqual({});
  });

  test('no toolchain and no rust-version: "1"', () => {
    expect(plan('renamed-bin').builder.rustVersion).toBe('1');
  });

  test('option: versions and "stable" accepted, anything else rejected', () => {
    expect(plan('single-crate', { rustVersion: '1.95.0' }).builder.rustImage).toBe('rust:1.95.0-slim-trixie');
    expect(plan('single-crate', { rustVersion: 'stable' }).builder.rustImage).toBe('rust:1-slim-trixie');
    expectError(() => plan('single-crate', { rustVersion: 'latest' }), 'rustVersion', /"latest" is not a Rust version/, /1\.95/);
    expectError(() => plan('single-crate', { rustVersion: 'nightly' }), 'rustVersion', /rust-toolchain\.toml/);
  });

  test('rustImage with CARGO_CHEF installs cargo-chef into that image (same Rust everywhere)', () => {
    const p = plan('single-crate', { rustImage: 'ghcr.io/acme/rust:1.95-trixie' });
    expect(p.builder.rustImage).toBe('ghcr.io/acme/rust:1.95-trixie');
    expect(p.builder.chef?.image).toBeUndefined();
    expect(installChef(p)).toBe(true);
  });

  test('an Alpine builder is rejected when apt-get is needed (build packages, MUSL, cross)', () => {
    expectError(() => plan('single-crate', { rustImage: 'rust:1.95-alpine', runtime: RuntimeBase.SCRATCH }), 'rustImage', /Alpine-based/, /musl-tools/, /Debian-based/);
    expectError(() => plan('single-crate', { chefImage: 'lukemathwalker/cargo-chef:latest-rust-1-alpine3.20', crossCompile: true }), 'chefImage', /cross-compilation/);
    expect(plan('single-crate', { rustImage: 'rust:1.95-alpine', dependencyCaching: DependencyCaching.NONE }).builder.rustImage).toBe('rust:1.95-alpine');
  });

  test('chefImage is rejected with another strategy; bad image references are rejected', () => {
    expectError(() => plan('single-crate', { dependencyCaching: DependencyCaching.SKELETON, chefImage: 'x/chef:1' }), 'chefImage', /SKELETON/);
    expectError(() => plan('single-crate', { rustImage: 'Rust Image' }), 'rustImage', /not an image reference/);
    expectError(() => plan('single-crate', { chefImage: 'UPPER/case' }), 'chefImage', /not an image reference/);
  });
});

describe('cargo auditable', () => {
  test('on by default, pinned, with a Rust that can install it (1.86 or newer, or "1")', () => {
    // GIVEN fixtures whose builder Rust is 1.95 (toolchain file) and "1" (nothing pinned) / WHEN planned
    // THEN the final build is auditable with the pinned cargo-auditable, and the summary says so
    const p = plan('toolchain-file');
    expect(p.builder.auditable).toEqual({ version: '0.7.7' });
    expect(p.summary).toContain('Crate list: embedded in each binary by cargo auditable 0.7.7 (.dep-v0 section, read by trivy, grype, syft)');
    expect(plan('renamed-bin').builder.auditable).toEqual({ version: '0.7.7' });
    expect(plan('single-crate', { rustVersion: '1.86' }).builder.auditable).toBeDefined();
  });

  test('off by default when the builder\'s Rust is older than 1.86 (the install would fail); asked for there, an error names the fix', () => {
    // GIVEN single-crate, whose rust-version (1.75) is the builder's Rust
    expect(plan('single-crate').builder.auditable).toBeUndefined();
    expect(plan('single-crate').summary.join('\n')).not.toContain('Crate list');
    // AND a hand-picked official image naming an older Rust
    expect(plan('renamed-bin', { rustImage: 'rust:1.80-slim-bookworm' }).builder.auditable).toBeUndefined();
    // AND an image whose Rust cannot be read is trusted
    expect(plan('renamed-bin', { rustImage: 'ghcr.io/acme/rust:stable-trixie', checkImageRelease: false }).builder.auditable).toBeDefined();
    // WHEN it is asked for anyway THEN the error names the version and both fixes
    expectError(() => plan('single-crate', { auditable: true }), 'auditable', /the builder's Rust is 1\.75/, /needs Rust 1\.86 or newer/, /"rustVersion"/, /"auditable" to false/);
  });

  test('auditable: false turns it off', () => {
    expect(plan('toolchain-file', { auditable: false }).builder.auditable).toBeUndefined();
  });

  test('off by default when the workspace vendors its crates (its install reaches crates.io); on when asked for', () => {
    // GIVEN a workspace whose cargo config replaces crates.io with vendor/ / WHEN planned THEN no cargo-auditable
    expect(plan('vendored').builder.auditable).toBeUndefined();
    // WHEN the user asks for it THEN it is there (their build may reach crates.io)
    expect(plan('vendored', { auditable: true }).builder.auditable).toEqual({ version: '0.7.7' });
  });
});

describe('binaries and packages', () => {
  test('default-run is inferred among several binaries', () => {
    expect(plan('multi-bin').cargo.binaries.map(b => b.name)).toEqual(['multi']);
  });

  test('a renamed [[bin]] is found by its name', () => {
    const p = plan('renamed-bin');
    expect(p.cargo.binaries.map(b => b.name)).toEqual(['svc']);
    expect(p.cargo.packageName).toBe('svc-core');
    expect(p.runtime.entrypoint).toEqual(['/usr/local/bin/svc']);
  });

  test('a workspace with a root package ships the root package\'s binary', () => {
    const p = plan('workspace-inheritance');
    expect(p.cargo.binaries.map(b => b.name)).toEqual(['inherit-root']);
    expect(p.cargo.isWorkspace).toBe(true);
  });

  test('several binaries and no default-run: one image per binary (issue 14), the first one is `image`', () => {
    // GIVEN a workspace whose default members ship api and worker, without default-run
    // WHEN the plan is resolved without binaries, packageName or images
    const p = buildPlan({ workspace: facts('glob-workspace'), projectName: 'glob-workspace' });
    // THEN each binary is an image of its own, and the one-image parts are the first image's
    expect(p.images?.map(i => [i.name, i.image.cargo.packageName, i.image.cargo.binaries.map(b => b.name)])).toEqual([['api', 'api', ['api']], ['worker', 'worker', ['worker']]]);
    expect(p.image.cargo.packageName).toBe('api');
  });

  test('explicit binaries select their package', () => {
    const p = plan('glob-workspace', { binaries: ['worker'] });
    expect(p.cargo.packageName).toBe('worker');
    expect(p.cargo.isWorkspace).toBe(true);
  });

  test('packageName alone picks its only binary', () => {
    expect(plan('glob-workspace', { packageName: 'api' }).cargo.binaries.map(b => b.name)).toEqual(['api']);
  });

  test('bad binary and package selections are rejected', () => {
    expectError(() => plan('multi-bin', { binaries: ['nope'] }), 'binaries', /unknown binary "nope"/, /Available binaries: a, b, multi/);
    expectError(() => plan('multi-bin', { binaries: [] }), 'binaries', /empty/);
    expectError(() => plan('multi-bin', { binaries: ['b', 'b'] }), 'binaries', /listed twice/);
    expectError(() => plan('glob-workspace', { binaries: ['api', 'worker'] }), 'binaries', /"worker" belongs to package "worker", not "api"/);
    expectError(() => plan('glob-workspace', { binaries: ['api'], packageName: 'worker' }), 'binaries', /belongs to package "api"/);
    expectError(() => plan('glob-workspace', { packageName: 'common' }), 'packageName', /no binary target/);
    expectError(() => plan('glob-workspace', { packageName: 'nope' }), 'packageName', /unknown package "nope"/, /api, common, worker/);
  });

  test('a binary with required-features needs them enabled', () => {
    expectError(() => plan('multi-bin', { binaries: ['a'] }), 'features', /"a" requires the features extra/, /Add "extra"/);
    expect(plan('multi-bin', { binaries: ['a'], features: ['extra'] }).cargo.features).toEqual(['extra']);
    expect(plan('multi-bin', { binaries: ['a'], allFeatures: true }).cargo.allFeatures).toBe(true);
  });

  test('features: unknown names, allFeatures combinations and bad profiles are rejected', () => {
    expectError(() => plan('multi-bin', { features: ['nope'] }), 'features', /no feature "nope"/, /Available features: default, extra/);
    expect(plan('multi-bin', { features: ['serde/derive'] }).cargo.features).toEqual(['serde/derive']);
    expectError(() => plan('multi-bin', { allFeatures: true, features: ['extra'] }), 'allFeatures', /cannot be combined/);
    expectError(() => plan('multi-bin', { allFeatures: true, noDefaultFeatures: true }), 'allFeatures', /noDefaultFeatures/);
    expectError(() => plan('multi-bin', { cargoProfile: 'rel ease' }), 'cargoProfile', /not a profile name/);
    expect(plan('multi-bin', { cargoProfile: 'dev' }).cargo.profileDir).toBe('debug');
    expect(plan('multi-bin', { cargoProfile: 'dist' }).cargo.profileDir).toBe('dist');
  });
});

describe('runtime, libc and cross-compilation', () => {
  test.each([RuntimeBase.SCRATCH, RuntimeBase.DISTROLESS_STATIC, RuntimeBase.ALPINE])('%s picks MUSL automatically and rejects GNU', (runtime) => {
    expect(plan('single-crate', { runtime }).builder.targetLibc).toBe(TargetLibc.MUSL);
    expect(plan('single-crate', { runtime }).builder.packages).toContain('musl-tools');
    expect(plan('single-crate', { runtime }).builder.explicitTarget).toBe(true);
    expectError(() => plan('single-crate', { runtime, targetLibc: TargetLibc.GNU }), 'targetLibc', /GNU builds a glibc binary/, /MUSL/);
  });

  test('MUSL runs on glibc runtimes too', () => {
    expect(plan('single-crate', { targetLibc: TargetLibc.MUSL, runtime: RuntimeBase.DISTROLESS_CC }).builder.targetLibc).toBe(TargetLibc.MUSL);
  });

  test('runtimeImage implies CUSTOM; CUSTOM needs it; it conflicts with other runtimes', () => {
    const p = plan('single-crate', { runtimeImage: 'ubuntu:24.04', debianRelease: DebianRelease.BOOKWORM });
    expect(p.runtime.base).toBe(RuntimeBase.CUSTOM);
    expect(p.runtime.image).toBe('ubuntu:24.04');
    expect(p.runtime.packages).toEqual([]);
    expect(p.runtime.user).toEqual({ uid: 10001, gid: 10001, create: false, name: 'app' });
    expectError(() => plan('single-crate', { runtime: RuntimeBase.CUSTOM }), 'runtime', /CUSTOM needs an image/, /runtimeImage/);
    expectError(() => plan('single-crate', { runtime: RuntimeBase.DISTROLESS_CC, runtimeImage: 'ubuntu:24.04' }), 'runtimeImage', /DISTROLESS_CC/);
  });

  test('distroless runs as 65532 and has no package manager', () => {
    const p = plan('single-crate', { runtime: RuntimeBase.DISTROLESS_CC });
    expect(p.runtime.user).toEqual({ uid: 65532, gid: 65532, create: false, name: 'app' });
    expect(p.runtime.packages).toEqual([]);
    expectError(() => plan('single-crate', { runtime: RuntimeBase.DISTROLESS_CC, runtimePackages: ['curl'] }), 'runtimePackages', /no package manager/);
    expectError(() => plan('single-crate', { runtime: RuntimeBase.SCRATCH, runtimePackages: ['curl'] }), 'runtimePackages', /SCRATCH/);
  });

  test('runAsRoot drops the user; uid validation', () => {
    expect(plan('single-crate', { runAsRoot: true }).runtime.user).toBeUndefined();
    expect(plan('single-crate', { uid: 1234 }).runtime.user?.uid).toBe(1234);
    expectError(() => plan('single-crate', { runAsRoot: true, uid: 5 }), 'uid', /runAsRoot/);
    expectError(() => plan('single-crate', { uid: 0 }), 'uid', /not a non-root UID/, /runAsRoot/);
    expectError(() => plan('single-crate', { uid: 1.5 }), 'uid', /1\.5/);
  });

  test('crossCompile: from the option or the CROSS_COMPILE multi-arch strategy; only amd64/arm64', () => {
    expect(plan('single-crate', { crossCompile: true }).builder.explicitTarget).toBe(true);
    expect(plan('single-crate', { multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }).builder.crossCompile).toBe(true);
    expect(plan('single-crate', { multiArchStrategy: MultiArchStrategy.NATIVE_RUNNERS }).builder.crossCompile).toBe(false);
    expect(plan('single-crate', { crossCompile: true, platforms: ['linux/amd64', 'linux/arm64'] }).builder.crossCompile).toBe(true);
    // AND another platform is refused once (every supported platform has a cross target)
    const err = errorFrom(() => plan('single-crate', { crossCompile: true, platforms: ['linux/s390x'] }));
    expect(err.errors.map(e => e.option)).toEqual(['platforms']);
    expect(err.message).toMatch(/^option "platforms": "linux\/s390x" is not supported/);
  });

  test('MUSL + CARGO_CHEF + cross is accepted (cargo-chef cooks with --target)', () => {
    const p = plan('single-crate', { runtime: RuntimeBase.SCRATCH, crossCompile: true });
    expect([p.builder.dependencyCaching, p.builder.targetLibc, p.builder.crossCompile])
      .toEqual([DependencyCaching.CARGO_CHEF, TargetLibc.MUSL, true]);
  });
});

test('cache mounts: registry and git db for layer strategies, plus target/ (per platform, libc, profile) for CACHE_MOUNTS, none for NONE', () => {
  expect(plan('single-crate').builder.cacheMounts).toEqual([
    { id: 'cargo-registry', target: '/usr/local/cargo/registry' }, { id: 'cargo-git-db', target: '/usr/local/cargo/git/db' },
  ]);
  expect(plan('single-crate', { dependencyCaching: DependencyCaching.CACHE_MOUNTS, cargoProfile: 'dist' }).builder.cacheMounts[0])
    .toEqual({ id: 'hello-target-$TARGETPLATFORM-gnu-dist', target: '/build/target' });
  expect(plan('single-crate', { dependencyCaching: DependencyCaching.NONE }).builder.cacheMounts).toEqual([]);
});

test('cache mounts: SKELETON adds the copy of the dependency build\'s target/ (per platform, libc, profile)', () => {
  expect(plan('single-crate', { dependencyCaching: DependencyCaching.SKELETON, targetLibc: TargetLibc.MUSL }).builder.cacheMounts).toEqual([
    { id: 'hello-deps-target-$TARGETPLATFORM-musl-release', target: '/cache/target' },
    { id: 'cargo-registry', target: '/usr/local/cargo/registry' }, { id: 'cargo-git-db', target: '/usr/local/cargo/git/db' },
  ]);
});

describe('image digests', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  test('pins the images it names', () => {
    const p = plan('single-crate', { imageDigests: { 'rust:1.75-slim-trixie': digest, 'debian:trixie-slim': digest } });
    expect(p.builder.rustImage).toBe(`rust:1.75-slim-trixie@${digest}`);
    expect(p.runtime.image).toBe(`debian:trixie-slim@${digest}`);
    expect(p.builder.chef?.image).toBe('lukemathwalker/cargo-chef:latest-rust-1.75-slim-trixie');
  });

  test('bad digests and unknown images are rejected', () => {
    expectError(() => plan('single-crate', { imageDigests: { 'debian:trixie-slim': 'sha256:abc' } }), 'imageDigests.debian:trixie-slim', /not a digest/, /64/);
    expectError(() => plan('single-crate', { imageDigests: { 'alpine:3': digest } }), 'imageDigests.alpine:3', /not an image of this Dockerfile/, /debian:trixie-slim/);
  });
});

describe('runtime settings', () => {
  test('ports, env, labels, healthcheck, entrypoint and cmd are validated', () => {
    expectError(() => plan('single-crate', { ports: [0] }), 'ports', /0 is not a TCP port/);
    expectError(() => plan('single-crate', { ports: [70000] }), 'ports', /70000/);
    expectError(() => plan('single-crate', { env: { '1BAD': 'x' } }), 'env.1BAD', /not a variable name/);
    expectError(() => plan('single-crate', { env: { GOOD: 'a\nb' } }), 'env.GOOD', /line break/);
    expectError(() => plan('single-crate', { labels: { 'bad key': 'x' } }), 'labels.bad key', /not a label key/);
    expectError(() => plan('single-crate', { entrypoint: [] }), 'entrypoint', /empty/);
    expectError(() => plan('single-crate', { healthcheck: { command: [] } }), 'healthcheck.command', /empty/);
    expectError(() => plan('single-crate', { healthcheck: { command: ['x'], retries: 0 } }), 'healthcheck.retries', /0 is not a whole number of retries from 1 to 2147483647/);
    expectError(() => plan('single-crate', { stopSignal: 'KILL ME' }), 'stopSignal', /not a signal/);
    expectError(() => plan('single-crate', { workdir: 'app' }), 'workdir', /absolute/);
    expectError(() => plan('single-crate', { buildPackages: ['libssl-dev; rm -rf /'] }), 'buildPackages', /not a package name/);
  });

  test('accepted values are kept (env sorted, ports deduplicated, user labels beside the title)', () => {
    const p = plan('single-crate', {
      ports: [8080, 8080, 9090], env: { RUST_LOG: 'info', A: '1' }, labels: { 'org.example.team': 'core' }, cmd: ['serve'],
    });
    expect(p.runtime.ports).toEqual([8080, 9090]);
    expect(Object.keys(p.runtime.env)).toEqual(['A', 'RUST_LOG']);
    expect(p.runtime.labels['org.example.team']).toBe('core');
    expect(p.runtime.cmd).toEqual(['serve']);
  });

  test('a user label overrides the build-arg driven OCI label', () => {
    const p = plan('single-crate', { labels: { 'org.opencontainers.image.source': 'https://example.com/repo' } });
    expect(p.runtime.labels['org.opencontainers.image.source']).toBe('https://example.com/repo');
    expect(p.runtime.labelBuildArgs['org.opencontainers.image.source']).toBeUndefined();
  });

  test('build secrets: ids and env names validated, duplicates rejected', () => {
    expect(plan('single-crate', { buildSecrets: [{ id: 'cargo_token', env: 'CARGO_REGISTRY_TOKEN' }] }).builder.secrets).toHaveLength(1);
    expectError(() => plan('single-crate', { buildSecrets: [{ id: 'a b' }] }), 'buildSecrets', /not a secret id/);
    expectError(() => plan('single-crate', { buildSecrets: [{ id: 'a' }, { id: 'a' }] }), 'buildSecrets', /listed twice/);
    expectError(() => plan('single-crate', { buildSecrets: [{ id: 'a', env: 'no-dash' }] }), 'buildSecrets.a.env', /not a variable name/);
  });

  test('dockerfileSyntax: "" omits it, junk is rejected; dockerfilePath must stay inside', () => {
    expect(plan('single-crate', { dockerfileSyntax: '' }).context.syntax).toBe('');
    expectError(() => plan('single-crate', { dockerfileSyntax: 'docker/dockerfile:1 x' }), 'dockerfileSyntax', /frontend image/);
    expectError(() => plan('single-crate', { dockerfilePath: '../Dockerfile' }), 'dockerfilePath', /inside the project/);
    expect(plan('single-crate', { dockerfilePath: 'docker/Dockerfile' }).context.dockerfilePath).toBe('docker/Dockerfile');
    // AND a name longer than file systems allow is an error before anything is written (found by the fuzz test)
    expectError(() => plan('single-crate', { dockerfilePath: 'x'.repeat(256) }), 'dockerfilePath', /name of 256 bytes, over the 255/, /shorter names/);
    expect(plan('single-crate', { dockerfilePath: 'x'.repeat(255) }).context.dockerfilePath).toBe('x'.repeat(255));
  });
});

describe('.dockerignore', () => {
  test('allow-list of a workspace: manifests, lock file, each member\'s src and build script', () => {
    const p = plan('glob-workspace', { binaries: ['api'] });
    expect(p.context.dockerignore?.mode).toBe(DockerIgnoreMode.ALLOW_LIST);
    expect(p.context.dockerignore!.patterns).toEqual([
      '*',
      '!Cargo.toml', '!Cargo.lock',
      '!crates/api/Cargo.toml', '!crates/api/src',
      '!crates/common/Cargo.toml', '!crates/common/src',
      '!crates/worker/Cargo.toml', '!crates/worker/src', '!crates/worker/build.rs',
    ]);
  });

  test('allow-list includes cargo config and vendored sources, not the toolchain file (RUSTUP_TOOLCHAIN overrides it: editing it busts no layer)', () => {
    expect(plan('toolchain-file').context.dockerignore!.patterns).toEqual(expect.arrayContaining(['!.cargo/config.toml']));
    expect(plan('toolchain-file').context.dockerignore!.patterns).not.toContain('!rust-toolchain.toml');
    expect(plan('vendored').context.dockerignore!.patterns).toEqual(expect.arrayContaining(['!.cargo/config.toml', '!vendor']));
  });

  test('explicit targets outside src/ are allowed (cargo must find them to load the manifest)', () => {
    const f = facts('single-crate');
    const pkg = { ...f.packages[0], otherTargets: [{ kind: 'bench', name: 'speed', path: 'benches/speed.rs', explicit: true }] };
    const p = planOf({ ...f, packages: [pkg] });
    expect(p.context.dockerignore!.patterns).toContain('!benches');
  });

  test('a build script in its own folder allows the folder (its modules), one at the package root only the file', () => {
    const f = facts('single-crate');
    const inDir = planOf({ ...f, packages: [{ ...f.packages[0], buildScript: 'build/main.rs' }] });
    expect(inDir.context.dockerignore!.patterns).toContain('!build');
    const atRoot = planOf({ ...f, packages: [{ ...f.packages[0], buildScript: 'build.rs' }] });
    expect(atRoot.context.dockerignore!.patterns).toContain('!build.rs');
  });

  test('user allow entries come after the computed ones, deny entries last', () => {
    const p = plan('single-crate', { dockerignoreAllow: ['migrations'], dockerignoreDeny: ['src/fixtures'] });
    expect(p.context.dockerignore!.patterns.slice(-2)).toEqual(['!migrations', 'src/fixtures']);
    expectError(() => plan('single-crate', { dockerignoreAllow: ['!x'] }), 'dockerignoreAllow', /without "!"/);
  });

  test('deny-list mode: conservative junk list, Dockerfile and .dockerignore, then user entries; Markdown stays', () => {
    const p = plan('single-crate', { dockerignoreMode: DockerIgnoreMode.DENY_LIST, dockerignoreDeny: ['docs'], dockerignoreAllow: ['docs/schema.json'] });
    expect(p.context.dockerignore!.patterns).toEqual(['.git', '.github', '.projen', 'node_modules', 'target', '**/target', '.dockerignore', 'Dockerfile', 'docs', '!docs/schema.json']);
    expect(p.context.dockerignore!.patterns.some(x => x.includes('.md'))).toBe(false);
  });

  test('dockerignore: false is carried to the plan; .dockerignore options are then rejected', () => {
    expect(plan('single-crate', { dockerignore: false }).context.dockerignore !== undefined).toBe(false);
    expectError(() => plan('single-crate', { dockerignore: false, dockerignoreAllow: ['x'] }), 'dockerignoreAllow', /no effect/);
  });
});

test('a string where a list is expected is rejected (JavaScript callers)', () => {
  expectError(() => plan('single-crate', { features: 'extra' as unknown as string[] }), 'features', /the settings sets "extra", which is not a list of strings/);
  expectError(() => plan('single-crate', { ports: 8080 as unknown as number[] }), 'ports', /the settings sets 8080, which is not a list of numbers/);
  expectError(() => plan('single-crate', { binaries: 'hello' as unknown as string[] }), 'binaries', /the settings sets "hello", which is not a list of strings/);
});

test('two independent bad options are reported together, in one error', () => {
  // GIVEN a root UID and a relative workdir
  // WHEN the plan is resolved
  const err = errorFrom(() => plan('single-crate', { uid: 0, workdir: 'relative' }));
  // THEN one error lists both problems, each naming its option
  expect(err.errors).toHaveLength(2);
  expect(err.message).toMatch(/^found 2 problems:\n/);
  expect(err.message).toContain('option "uid": 0 is not a non-root UID');
  expect(err.message).toContain('option "workdir": "relative" is not an absolute path');
});

test('invalid enum values are rejected with the valid names', () => {
  expectError(() => plan('single-crate', { dependencyCaching: 'fast' as DependencyCaching }), 'dependencyCaching', /"fast" is not a DependencyCaching/,
    /DependencyCaching.CARGO_CHEF, DependencyCaching.SKELETON, DependencyCaching.CACHE_MOUNTS, DependencyCaching.NONE/);
  expectError(() => plan('single-crate', { runtime: 'ubuntu' as RuntimeBase }), 'runtime', /"ubuntu" is not a RuntimeBase. Use one of RuntimeBase.DEBIAN_SLIM/);
});

describe('one Debian release for builder and runtime', () => {
  test('every default image follows debianRelease', () => {
    // WHEN bookworm is chosen THEN rust, cargo-chef, debian-slim and distroless all are bookworm's
    const bookworm = plan('single-crate', { debianRelease: DebianRelease.BOOKWORM });
    expect(bookworm.builder.rustImage).toBe('rust:1.75-slim-bookworm');
    expect(bookworm.builder.chef?.image).toBe('lukemathwalker/cargo-chef:latest-rust-1.75-slim-bookworm');
    expect(bookworm.runtime.image).toBe('debian:bookworm-slim');
    expect(plan('single-crate', { debianRelease: DebianRelease.BOOKWORM, runtime: RuntimeBase.DISTROLESS_CC }).runtime.image).toBe('gcr.io/distroless/cc-debian12');
    // AND trixie (the default) uses debian13 distroless
    expect(plan('single-crate', { runtime: RuntimeBase.DISTROLESS_CC }).runtime.image).toBe('gcr.io/distroless/cc-debian13');
    expect(plan('single-crate', { runtime: RuntimeBase.DISTROLESS_STATIC }).runtime.image).toBe('gcr.io/distroless/static-debian13');
    expectError(() => plan('single-crate', { debianRelease: 'buster' as DebianRelease }), 'debianRelease', /"buster" is not a DebianRelease/, /DebianRelease.BOOKWORM, DebianRelease.TRIXIE/);
  });

  test('runtime packages renamed between releases are written under the release\'s name', () => {
    expect(plan('single-crate', { runtimePackages: ['ca-certificates', 'libssl3'] }).runtime.packages).toEqual(['ca-certificates', 'libssl3t64']);
    expect(plan('single-crate', { debianRelease: DebianRelease.BOOKWORM, runtimePackages: ['libssl3t64', 'libcurl4t64'] }).runtime.packages).toEqual(['libssl3', 'libcurl4']);
    // a pinned version belongs to one release's package: kept as given
    expect(plan('single-crate', { runtimePackages: ['libssl3=3.0.15-1~deb12u1'] }).runtime.packages).toEqual(['libssl3=3.0.15-1~deb12u1']);
  });

  test('a hand-picked builder newer than the runtime is refused, naming both releases and the fix', () => {
    // GIVEN a trixie builder picked by hand and a bookworm runtime (the glibc mismatch that crashed images)
    expectError(() => plan('single-crate', { debianRelease: DebianRelease.BOOKWORM, rustImage: 'rust:1.95-slim-trixie', dependencyCaching: DependencyCaching.SKELETON }),
      'rustImage', /Debian trixie \(glibc 2\.41\)/, /Debian bookworm \(glibc 2\.36\)/, /GLIBC_2\.39/, /debianRelease/);
    expectError(() => plan('single-crate', { chefImage: 'lukemathwalker/cargo-chef:latest-rust-1-slim-trixie', runtimeImage: 'debian:bookworm-slim' }),
      'chefImage', /trixie/, /bookworm/);
    expectError(() => plan('single-crate', { runtimeImage: 'ubuntu:24.04' }), 'runtimeImage', /Ubuntu 24\.04 \(glibc 2\.39\)/);
  });

  test('an older builder than the runtime is fine (noted in the summary)', () => {
    const p = plan('single-crate', { rustImage: 'rust:1.95-slim-bookworm', dependencyCaching: DependencyCaching.SKELETON });
    expect(p.runtime.image).toBe('debian:trixie-slim');
    expect(p.summary.join('\n')).toContain('builder Debian bookworm (glibc 2.36), runtime Debian trixie (glibc 2.41)');
  });

  test('an image whose release cannot be told is refused unless checkImageRelease is false', () => {
    expectError(() => plan('single-crate', { rustImage: 'rust:1.95-slim', dependencyCaching: DependencyCaching.SKELETON }), 'rustImage',
      /names no release/, /rust:1-slim-trixie/, /checkImageRelease/);
    expectError(() => plan('single-crate', { runtimeImage: 'debian:stable-slim' }), 'runtimeImage', /names no release/, /debian:trixie-slim/);
    const p = plan('single-crate', { runtimeImage: 'registry.example.com/base:7', checkImageRelease: false });
    expect(p.runtime.image).toBe('registry.example.com/base:7');
    expect(p.runtime.glibcGuard).toBe(true);
    expect(p.summary.join('\n')).toContain('runtimeImage registry.example.com/base:7: release not checked');
  });

  test('static (MUSL) binaries need no release match; SCRATCH has no glibc guard', () => {
    const p = plan('single-crate', { runtime: RuntimeBase.SCRATCH, rustImage: 'rust:1.95-slim', dependencyCaching: DependencyCaching.SKELETON });
    expect(p.builder.targetLibc).toBe(TargetLibc.MUSL);
    expect(p.runtime.glibcGuard).toBe(false);
    expect(plan('single-crate', { runtime: RuntimeBase.DISTROLESS_STATIC }).runtime.glibcGuard).toBe(true);
    expect(plan('single-crate', { glibcGuard: false }).runtime.glibcGuard).toBe(false);
  });
});

describe('everything the build reads (issue 13)', () => {
  test('compile-time inputs outside src/ are in the allow-list, each path once', () => {
    // GIVEN a workspace whose sources include files outside src/ / WHEN planned
    const patterns = plan('inputs-workspace').context.dockerignore!.patterns;
    // THEN each of them is re-included
    for (const p of ['svc/translations/fr.txt', 'svc/README.md', 'svc/config/app.yaml', 'svc/assets/logo.txt', 'svc/proto/greeting.proto', 'svc/csrc/answer.c', 'shared/greeting.txt']) {
      expect(patterns.filter(x => x === `!${p}`)).toHaveLength(1);
    }
    expect(plan('inputs-workspace').warnings).toEqual([]);
    // AND the git submodule the build script reads is known, so checkouts fetch it
    expect(plan('inputs-workspace').context.submodules).toEqual(['svc/translations']);
  });

  test('inputs the scan cannot resolve are a warning naming file, line and the option (allow-list only)', () => {
    // GIVEN a package with an unresolvable input
    const f = facts('single-crate');
    const unresolved = { file: 'build.rs', line: 3, text: 'std::fs::read(dir.join(name))', reason: 'path built at run time' };
    const ws = { ...f, packages: f.packages.map(p => ({ ...p, unresolvedInputs: [unresolved] })) };
    // WHEN planned with the allow-list THEN one warning names it, and the Dockerfile header says it too
    const image = buildPlan({ workspace: ws }).image;
    expect(image.warnings).toEqual([expect.stringMatching(/build\.rs:3 \(path built at run time: std::fs::read\(dir\.join\(name\)\)\).*"dockerignoreAllow"/)]);
    expect(image.summary.join('\n')).toContain('Warning: the build may read files');
    // AND with the deny-list (everything is sent) there is nothing to warn about
    expect(buildPlan({ workspace: ws, options: { dockerignoreMode: DockerIgnoreMode.DENY_LIST } }).image.warnings).toEqual([]);
  });

  test('a path dependency outside the workspace is an error naming it and the fix', () => {
    // GIVEN a member depending on ../../elsewhere
    const f = facts('single-crate');
    const ws = { ...f, externalPathDependencies: [{ package: 'hello', dependency: 'axum', path: '../axum', resolved: '/tmp/axum' }] };
    // WHEN planned THEN the error names the package, the dependency, the path and the ways out
    expectError(() => planOf(ws), 'cargoDir', /hello → axum \(path "\.\.\/axum"\)/, /build context/, /published or git version/);
  });

  test('a member named like a crate in Cargo.lock: SKELETON by default, with the reason; CARGO_CHEF by hand is refused', () => {
    // GIVEN a workspace whose member "itoa" shares its name with a registry crate
    const ws = facts('name-clash');
    expect(ws.lockNameClashes).toEqual(['itoa']);
    // WHEN planned without a strategy THEN SKELETON, and the header says why
    const p = planOf(ws);
    expect(p.builder.dependencyCaching).toBe(DependencyCaching.SKELETON);
    expect(p.summary.join('\n')).toMatch(/Dependency caching: SKELETON \(not RUNNER nor CARGO_CHEF: .*itoa/);
    // AND CARGO_CHEF chosen by hand is an error with the fix
    expectError(() => buildPlan({ workspace: ws, options: { dependencyCaching: DependencyCaching.CARGO_CHEF, binaries: ['app'] } }),
      'dependencyCaching', /"itoa"/, /cargo chef cook --locked fails/, /SKELETON/);
  });
});

describe('allow-list and path-dependency messages stay short', () => {
  test('an entry inside a folder the allow-list already sends is not listed again', () => {
    // GIVEN an input file inside a folder that is itself an input
    const f = facts('single-crate');
    const ws = { ...f, packages: f.packages.map(p => ({ ...p, compileInputs: ['assets', 'assets/logo.txt', 'src/data.bin'] })) };
    // WHEN planned THEN only the folder is re-included (and nothing under src/ twice)
    const patterns = buildPlan({ workspace: ws }).image.context.dockerignore!.patterns;
    expect(patterns).toContain('!assets');
    expect(patterns).not.toContain('!assets/logo.txt');
    expect(patterns).not.toContain('!src/data.bin');
  });

  test('many outside path dependencies: the members\' own first, at most eight, the rest counted', () => {
    // GIVEN ten outside path dependencies, the member's own listed last
    const f = facts('single-crate');
    const others = Array.from({ length: 9 }, (_, i) => ({ package: `outside${i}`, dependency: 'x', path: '../x', resolved: '/x' }));
    const ws = { ...f, externalPathDependencies: [...others, { package: 'hello', dependency: 'axum', path: '../axum', resolved: '/axum' }] };
    // WHEN planned THEN the member's dependency comes first and the list is cut
    expectError(() => planOf(ws), 'cargoDir', /outside it, which .*: hello → axum \(path "\.\.\/axum"\), outside0/, /, and 2 more\./);
  });
});

describe('data the build needs that the repository lacks', () => {
  test('sqlx query macros without offline data are a synth warning, whatever the .dockerignore mode', () => {
    // GIVEN a package whose scan found sqlx query macros without .sqlx/
    const f = facts('single-crate');
    const missing = { file: 'src/db.rs', line: 7, text: 'sqlx::query!("SELECT 1")', reason: 'sqlx query macros check their SQL against a database at compile time' };
    const ws = { ...f, packages: f.packages.map(p => ({ ...p, missingBuildData: [missing] })) };
    // WHEN planned (allow-list and deny-list) THEN the warning names the file, line and reason
    for (const dockerignoreMode of [DockerIgnoreMode.ALLOW_LIST, DockerIgnoreMode.DENY_LIST]) {
      expect(buildPlan({ workspace: ws, options: { dockerignoreMode } }).image.warnings)
        .toEqual(['src/db.rs:7 (sqlx::query!("SELECT 1")): sqlx query macros check their SQL against a database at compile time']);
    }
  });
});
