import { buildPlan, errorFrom, fixtureFacts } from './plan-test-util';
import { BuildPlan } from '../../src/plan/build-plan';
import { RunnerBuildPlan } from '../../src/plan/runner-build-plan';
import { CacheBackend, DebianRelease, DependencyCaching, MultiArchStrategy, RuntimeBase, RustDockerSettings, TargetLibc } from '../../src/settings';

const RUNNER = { dependencyCaching: DependencyCaching.RUNNER };

function plan(options: RustDockerSettings = {}, fixture = 'single-crate'): BuildPlan {
  return buildPlan({ options, workspace: fixtureFacts(fixture), projectName: 'hello-svc' });
}

function runnerOf(options: RustDockerSettings = {}, fixture = 'single-crate'): RunnerBuildPlan {
  const r = plan({ ...RUNNER, ...options }, fixture).pipeline.workflow?.runnerBuild;
  expect(r).toBeDefined();
  return r!;
}

const errorOf = (options: RustDockerSettings) => errorFrom(() => plan({ ...RUNNER, ...options })).message;

describe('the runner build', () => {
  test('defaults: the crate\'s Rust on ubuntu-24.04 (glibc 2.39, runtime trixie 2.41), the Dockerfile\'s cargo arguments, the cache key parts', () => {
    // GIVEN RUNNER and nothing else WHEN planned
    const r = runnerOf();
    const image = plan(RUNNER).image;
    // THEN the runner builds with the arguments the Dockerfile's cargo build has (before its --target)
    expect(r.cargoArgs).toEqual(['--locked', '--release', '--bin', 'hello']);
    expect(r.toolchain).toBe('1.75'); // the crate's rust-version, as the Dockerfile's rust:1.75 image
    expect(runnerOf({}, 'docker-app').toolchain).toBe('stable'); // no version anywhere: rust:1, the latest stable
    expect(r.targetLibc).toBe(TargetLibc.GNU);
    expect(r.platforms).toEqual([{ platform: 'linux/amd64', runner: 'ubuntu-24.04', glibc: '2.39' }]);
    expect(r.binaries).toEqual(['hello']);
    expect(r.lockFile).toBe('Cargo.lock');
    expect(r.ownCrates).toEqual(['hello']);
    expect(r.auditable).toEqual(image.builder.auditable);
    expect(r.cacheKeyBase).toMatch(/^hello-svc-rust-1\.75-gnu-release-[0-9a-f]{12}$/);
    expect([r.buildArg, r.buildContext]).toEqual(['BINARIES', 'runner-binaries']);
    // AND the other strategies plan no runner build
    expect(plan({ dependencyCaching: DependencyCaching.CARGO_CHEF }).pipeline.workflow?.runnerBuild).toBeUndefined();
  });

  test('the toolchain follows the Dockerfile\'s Rust: rustVersion, a toolchain file\'s channel; the key changes with every build input', () => {
    expect(runnerOf({ rustVersion: '1.95' }).toolchain).toBe('1.95');
    expect(runnerOf({}, 'toolchain-file').toolchain).toBe('1.95');
    const v = { rustVersion: '1.95' };
    const base = runnerOf(v).cacheKeyBase;
    expect(runnerOf(v).cacheKeyBase).toBe(base);
    expect(runnerOf({ ...v, binaries: ['hello'] }).cacheKeyBase).toBe(base);
    expect(runnerOf({ ...v, cargoBuildArgs: ['--config', 'x=1'] }).cacheKeyBase).not.toBe(base);
    expect(runnerOf({ ...v, auditable: false }).cacheKeyBase).not.toBe(base);
    expect(runnerOf({ ...v, buildPackages: ['libssl-dev'] }).cacheKeyBase).not.toBe(base);
    expect(runnerOf({ cargoProfile: 'dev' }).cacheKeyBase).toMatch(/-gnu-dev-/);
  });

  test('MUSL: musl-tools and musl-gcc for C code, no glibc rule (bookworm is fine)', () => {
    const r = runnerOf({ targetLibc: TargetLibc.MUSL, debianRelease: DebianRelease.BOOKWORM });
    expect(r.targetLibc).toBe(TargetLibc.MUSL);
    expect(r.aptPackages).toContain('musl-tools');
    expect(r.env).toEqual({ CC_x86_64_unknown_linux_musl: 'musl-gcc', CC_aarch64_unknown_linux_musl: 'musl-gcc' });
    expect(r.cacheKeyBase).toMatch(/-musl-release-/);
  });

  test('NATIVE_RUNNERS: each platform on its own runner; env secrets reach cargo', () => {
    const r = runnerOf({ platforms: ['linux/amd64', 'linux/arm64'], buildSecrets: [{ id: 'token', env: 'CARGO_REGISTRY_TOKEN' }] });
    expect(r.platforms.map(p => `${p.platform} ${p.runner} ${p.glibc}`)).toEqual(['linux/amd64 ubuntu-24.04 2.39', 'linux/arm64 ubuntu-24.04-arm 2.39']);
    expect(r.secrets).toEqual([{ id: 'token', env: 'CARGO_REGISTRY_TOKEN', required: false, source: 'TOKEN' }]);
  });

  test('workflow false: no runner build and no runner rule (the Dockerfile builds alone)', () => {
    const p = plan({ ...RUNNER, workflow: false, debianRelease: DebianRelease.BOOKWORM });
    expect(p.pipeline.workflow).toBeUndefined();
    expect(p.image.builder.runner).toBeDefined();
  });
});

describe('refused, naming the option, the value and the fix', () => {
  test('a runner newer than the runtime: bookworm (2.36) < ubuntu-24.04 (2.39)', () => {
    expect(errorOf({ debianRelease: DebianRelease.BOOKWORM })).toMatch(
      /option "debianRelease": DebianRelease\.BOOKWORM has glibc 2\.36, older than the ubuntu-24\.04 runner's 2\.39: .*Set "debianRelease" to DebianRelease\.TRIXIE \(glibc 2\.41\), or "targetLibc" to MUSL/);
    // an older runner is fine
    expect(runnerOf({ debianRelease: DebianRelease.BOOKWORM, amd64Runner: 'ubuntu-22.04' }).platforms[0].glibc).toBe('2.35');
  });

  test('a runner label of unknown glibc, unless MUSL', () => {
    expect(errorOf({ amd64Runner: 'self-hosted-big' })).toMatch(
      /option "amd64Runner": "self-hosted-big" is not a runner whose glibc is known \(ubuntu-24\.04, .*\), .*Use a GitHub-hosted Ubuntu runner label, or set "targetLibc" to MUSL/);
    expect(runnerOf({ amd64Runner: 'self-hosted-big', targetLibc: TargetLibc.MUSL }).platforms[0].glibc).toBeUndefined();
  });

  test('a CUSTOM runtime of unknown glibc (unless MUSL), or older than the runner', () => {
    expect(errorOf({ runtime: RuntimeBase.CUSTOM, runtimeImage: 'acme/base:1', checkImageRelease: false })).toMatch(
      /option "runtimeImage": "acme\/base:1": its reference names no release .*DependencyCaching\.RUNNER.*Use a tag that names the release .* or set "targetLibc" to MUSL/);
    expect(errorOf({ runtime: RuntimeBase.CUSTOM, runtimeImage: 'ubuntu:22.04', checkImageRelease: false })).toMatch(
      /option "runtimeImage": "ubuntu:22\.04" has glibc 2\.35, older than the ubuntu-24\.04 runner's 2\.39: .*Use a runtime image with glibc 2\.39 or newer/);
    expect(runnerOf({ runtime: RuntimeBase.CUSTOM, runtimeImage: 'acme/base:1', targetLibc: TargetLibc.MUSL }).targetLibc).toBe(TargetLibc.MUSL);
  });

  test('QEMU and CROSS_COMPILE multi-platform builds (NATIVE_RUNNERS is the one that gives each platform its runner)', () => {
    const platforms = ['linux/amd64', 'linux/arm64'];
    expect(errorOf({ platforms, multiArchStrategy: MultiArchStrategy.QEMU })).toMatch(
      /option "multiArchStrategy": QEMU builds every platform in one job, .*Use MultiArchStrategy\.NATIVE_RUNNERS/);
    expect(errorOf({ platforms, multiArchStrategy: MultiArchStrategy.CROSS_COMPILE })).toMatch(
      /option "multiArchStrategy": CROSS_COMPILE cross-compiles, but DependencyCaching\.RUNNER builds the binaries natively.*"multiArchStrategy" to NATIVE_RUNNERS/);
    expect(errorOf({ crossCompile: true })).toMatch(/option "crossCompile": is true, but DependencyCaching\.RUNNER/);
  });

  test('a file build secret (cargo runs on the runner, which gets secrets as variables)', () => {
    expect(errorOf({ buildSecrets: [{ id: 'netrc' }] })).toMatch(
      /option "buildSecrets\.netrc\.env": is unset: .*DependencyCaching\.RUNNER runs cargo on the runner.*Set "env" to the variable/);
  });

  test('SCRATCH (its CA certificates come from the builder stage the runner build skips)', () => {
    expect(errorOf({ runtime: RuntimeBase.SCRATCH })).toMatch(/option "runtime": SCRATCH takes its CA certificates from the builder stage.*Use RuntimeBase\.DISTROLESS_STATIC/);
  });

  test('a workspace whose lock clashes with its members (RUNNER keeps the CARGO_CHEF stages)', () => {
    expect(errorFrom(() => plan(RUNNER, 'name-clash')).message).toMatch(/option "dependencyCaching": RUNNER keeps the CARGO_CHEF stages .*Use DependencyCaching\.SKELETON/);
  });
});

describe('the default strategy: RUNNER where it can build the image, else CARGO_CHEF (SKELETON) with the reason', () => {
  /** The strategy and reason the default gives with `options`; it must never throw where an explicit RUNNER does. */
  function defaultOf(options: RustDockerSettings, fixture = 'single-crate'): string {
    const b = plan(options, fixture).image.builder;
    return `${b.dependencyCaching} (${b.dependencyCachingReason ?? ''})`;
  }

  test('a single crate with the workflow: RUNNER, no reason, and the runner build is planned', () => {
    // GIVEN the single-crate fixture and no options WHEN planned
    const p = plan();
    // THEN the strategy is RUNNER and the workflow builds the binaries on the runner
    expect(p.image.builder.dependencyCaching).toBe(DependencyCaching.RUNNER);
    expect(p.image.builder.dependencyCachingReason).toBeUndefined();
    expect(p.pipeline.workflow?.runnerBuild?.binaries).toEqual(['hello']);
    expect(p.image.summary).toContain('Dependency caching: RUNNER');
    // AND NATIVE_RUNNERS on two platforms, MUSL, env secrets and a runner with an older glibc keep it
    expect(defaultOf({ platforms: ['linux/amd64', 'linux/arm64'] })).toBe('runner ()');
    expect(defaultOf({ targetLibc: TargetLibc.MUSL, debianRelease: DebianRelease.BOOKWORM })).toBe('runner ()');
    expect(defaultOf({ buildSecrets: [{ id: 'token', env: 'CARGO_REGISTRY_TOKEN' }] })).toBe('runner ()');
    expect(defaultOf({ debianRelease: DebianRelease.BOOKWORM, amd64Runner: 'ubuntu-22.04' })).toBe('runner ()');
  });

  test('workflow false: CARGO_CHEF (the Dockerfile builds alone)', () => {
    // GIVEN no workflow WHEN planned THEN CARGO_CHEF, and the header says why
    const p = plan({ workflow: false });
    expect(p.image.builder.dependencyCaching).toBe(DependencyCaching.CARGO_CHEF);
    expect(p.image.builder.runner).toBeUndefined();
    expect(p.image.summary).toContain('Dependency caching: CARGO_CHEF (RUNNER needs the workflow: workflow is false)');
  });

  test('cacheBackend NONE: CARGO_CHEF (no cache asked for, and RUNNER gains by its target/ cache)', () => {
    // GIVEN no cache WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ cacheBackend: CacheBackend.NONE })).toBe('cargo-chef (RUNNER gains by caching target/ across runs: cacheBackend is NONE)');
    // AND an explicit RUNNER is kept
    const explicit = plan({ cacheBackend: CacheBackend.NONE, dependencyCaching: DependencyCaching.RUNNER });
    expect(explicit.image.builder.dependencyCaching).toBe(DependencyCaching.RUNNER);
  });

  test('several images: CARGO_CHEF (one dependency build shared by the images)', () => {
    // GIVEN a repository of several images WHEN planned THEN every image builds with CARGO_CHEF
    const p = plan({}, 'multi-image');
    expect(p.images!.length).toBeGreaterThan(1);
    for (const i of p.images!) expect(i.image.builder.dependencyCaching).toBe(DependencyCaching.CARGO_CHEF);
    expect(p.image.builder.dependencyCachingReason).toMatch(/^RUNNER builds one image per Dockerfile: \d images \(/);
  });

  test('QEMU: CARGO_CHEF (one job builds every platform)', () => {
    // GIVEN two platforms built with QEMU WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.QEMU }))
      .toBe('cargo-chef (RUNNER builds on each platform\'s runner: multiArchStrategy is QEMU)');
  });

  test('CROSS_COMPILE or crossCompile: CARGO_CHEF (the runner builds natively)', () => {
    // GIVEN a cross-compiling Dockerfile (from the strategy, or asked for) WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }))
      .toBe('cargo-chef (RUNNER builds natively: multiArchStrategy is CROSS_COMPILE)');
    expect(defaultOf({ crossCompile: true })).toBe('cargo-chef (RUNNER builds natively: crossCompile is true)');
  });

  test('a runtime glibc older than the runner\'s (bookworm 2.36 < ubuntu-24.04 2.39): CARGO_CHEF', () => {
    // GIVEN a glibc binary and a bookworm runtime WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ debianRelease: DebianRelease.BOOKWORM }))
      .toBe('cargo-chef (RUNNER\'s binaries need the ubuntu-24.04 runner\'s glibc 2.39, and debianRelease DebianRelease.BOOKWORM has 2.36)');
  });

  test('a CUSTOM runtime of unknown glibc: CARGO_CHEF', () => {
    // GIVEN a glibc binary and a runtime image whose tag names no release WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ runtime: RuntimeBase.CUSTOM, runtimeImage: 'acme/base:1', checkImageRelease: false }))
      .toBe('cargo-chef (RUNNER cannot check the glibc of runtimeImage "acme/base:1")');
  });

  test('a runner label of unknown glibc: CARGO_CHEF', () => {
    // GIVEN a self-hosted runner and a glibc binary WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ amd64Runner: 'self-hosted-big' })).toBe('cargo-chef (RUNNER cannot check the glibc of runner "self-hosted-big" (amd64Runner))');
  });

  test('SCRATCH: CARGO_CHEF (its CA certificates come from the builder stage)', () => {
    // GIVEN a SCRATCH runtime WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ runtime: RuntimeBase.SCRATCH })).toBe('cargo-chef (RUNNER skips the builder stage, where runtime SCRATCH takes its CA certificates from)');
  });

  test('a file build secret: CARGO_CHEF', () => {
    // GIVEN a secret without "env" WHEN planned THEN CARGO_CHEF with the reason
    expect(defaultOf({ buildSecrets: [{ id: 'netrc' }] })).toBe('cargo-chef (RUNNER passes build secrets to cargo as variables: buildSecrets "netrc" has no "env")');
  });

  test('a workspace whose lock clashes with its members: SKELETON, as before', () => {
    // GIVEN members named like registry crates in Cargo.lock WHEN planned THEN SKELETON with the reason
    expect(defaultOf({ binaries: ['app'] }, 'name-clash'))
      .toBe('skeleton (not RUNNER nor CARGO_CHEF: Cargo.lock also holds crates named like the members itoa, which cargo-chef\'s recipe cannot build)');
  });

  test('the first reason is given when several hold', () => {
    // GIVEN no workflow and SCRATCH WHEN planned THEN the workflow's reason
    expect(defaultOf({ workflow: false, runtime: RuntimeBase.SCRATCH })).toBe('cargo-chef (RUNNER needs the workflow: workflow is false)');
  });
});
