import { buildPlan, errorFrom, fixtureFacts } from './plan-test-util';
import { BuildPlan } from '../../src/plan/build-plan';
import { RunnerBuildPlan } from '../../src/plan/runner-build-plan';
import { DebianRelease, DependencyCaching, MultiArchStrategy, RuntimeBase, RustDockerSettings, TargetLibc } from '../../src/settings';

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
    expect(plan().pipeline.workflow?.runnerBuild).toBeUndefined();
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
