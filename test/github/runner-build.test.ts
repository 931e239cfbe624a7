/**
 * DependencyCaching.RUNNER in the workflow: the runner builds the binaries before the image build
 * (toolchain, target/ restored with a fallback to the previous Cargo.lock's, cargo build with the
 * Dockerfile's arguments, prune, save on the writers only) and the image build takes them as a named
 * build context. actionlint (with shellcheck) and zizmor must be clean.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { newProject, steps, synthWorkflow, AllOptions } from './workflow-fixture';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { resolveBuildPlan } from '../../src/plan/build-plan';
import { DependencyCaching, TargetLibc } from '../../src/settings';
import { fixtureFacts } from '../plan/plan-test-util';
import { actionlint, showFinding, zizmor } from '../util/oracles';
import { lintWorkflow } from '../util/workflow-lint';

const RUNNER: AllOptions = { dependencyCaching: DependencyCaching.RUNNER, rustVersion: '1.95' };
const byId = (all: any[], id: string) => all.find(s => s.id === id);
const ids = (all: any[]) => all.map(s => s.id);

describe('the runner build steps', () => {
  test('toolchain → restore → cargo-auditable → cargo build → prune → save, all before the image build', () => {
    // GIVEN RUNNER on one platform WHEN the workflow is synthesized
    const s = synthWorkflow(RUNNER);
    const all = steps(s.yaml, 'image');
    // THEN the runner build comes before the load build, in this order
    const order = ids(all);
    const runner = ['rust_toolchain', 'rust_cache', 'cargo_auditable', 'runner_build', 'rust_cache_prune', 'rust_cache_save'];
    expect(order.filter(id => runner.includes(id))).toEqual(runner);
    expect(order.indexOf('rust_cache_save')).toBeLessThan(order.indexOf('build'));
    // AND the toolchain is installed with rustup, minimal, with the runner's own target
    expect(byId(all, 'rust_toolchain').env).toEqual({ RUSTUP_TOOLCHAIN: '1.95' });
    expect(byId(all, 'rust_toolchain').run).toBe('rustup toolchain install "$RUSTUP_TOOLCHAIN" --profile minimal --no-self-update --target "$(uname -m)-unknown-linux-gnu"\n');
    // AND cargo builds with the Dockerfile's arguments, then the binaries go to the build context's out/
    const build = byId(all, 'runner_build');
    expect(build.run).toContain('cargo auditable build --locked --release --bin hello --target "$target"\n');
    expect(build.run).toContain('cp "target/$target/release/hello" "$BINARIES_DIR/out/"\n');
    expect(build.env).toMatchObject({ RUSTUP_TOOLCHAIN: '1.95', BINARIES_DIR: '${{ runner.temp }}/runner-binaries' });
    // AND cargo-auditable is installed once, pinned, into a folder the cache keeps
    expect(byId(all, 'cargo_auditable').run).toContain('cargo install --locked --root "$HOME/.cargo-tools/cargo-auditable-0.7.7" cargo-auditable@0.7.7');
  });

  test('the cache: registry, git db, the tool and target/, keyed by runner, arch and Cargo.lock, falling back to the previous lock\'s', () => {
    const all = steps(synthWorkflow(RUNNER).yaml, 'image');
    const restore = byId(all, 'rust_cache');
    const save = byId(all, 'rust_cache_save');
    expect(restore.uses).toMatch(/^actions\/cache\/restore@[0-9a-f]{40}$/);
    expect(save.uses).toMatch(/^actions\/cache\/save@[0-9a-f]{40}$/);
    expect(restore.with.path).toBe('~/.cargo/registry/index\n~/.cargo/registry/cache\n~/.cargo/git/db\n~/.cargo-tools/cargo-auditable-0.7.7\ntarget\n');
    expect(restore.with.key).toMatch(/^hello-svc-rust-1\.95-gnu-release-[0-9a-f]{12}-ubuntu-24\.04-\$\{\{ runner\.arch \}\}-\$\{\{ hashFiles\('Cargo\.lock'\) \}\}$/);
    // the fallback: the same key without the lock's hash (a bump restores the previous lock's target/)
    expect(restore.with['restore-keys']).toBe(restore.with.key.replace(/\$\{\{ hashFiles\('Cargo\.lock'\) \}\}$/, ''));
    // the save writes exactly what the restore reads
    expect(save.with).toEqual({ path: restore.with.path, key: restore.with.key });
    // the schedule restores nothing (a clean build); the save and the prune: writers only, and not after an exact hit
    expect(restore.if).toBe("!(github.event_name == 'schedule')");
    expect(save.if).toBe("((github.event_name == 'push' && github.ref_type == 'branch') || github.event_name == 'schedule') && steps.rust_cache.outputs.cache-hit != 'true'");
    expect(byId(all, 'rust_cache_prune').if).toBe(save.if);
  });

  test('the prune removes the workspace\'s own crates and the incremental folders, in the host and the target profile folders', () => {
    const prune = byId(steps(synthWorkflow(RUNNER).yaml, 'image'), 'rust_cache_prune').run as string;
    expect(prune).toContain('for dir in target/release target/*/release; do');
    expect(prune).toContain('rm -rf "${dir:?}/incremental"');
    expect(prune).toContain('  prune "$dir" hello\n');
    expect(prune).toContain('"${1:?}/.fingerprint/${2:?}"-*');
    // AND an oversized target/ from an older lock is dropped before the build
    expect(byId(steps(synthWorkflow(RUNNER).yaml, 'image'), 'runner_build').run).toMatch(/"\$CACHE_HIT" != true .* -gt 4096 \]; then\n.*\n  rm -rf target\n/);
  });

  test('the image build takes the runner\'s binaries: BINARIES=runner-binaries and the named build context, on the load and the push builds', () => {
    const all = steps(synthWorkflow(RUNNER).yaml, 'image');
    for (const id of ['build', 'push']) {
      expect(byId(all, id).with['build-args']).toMatch(/\nBINARIES=runner-binaries\n$/);
      expect(byId(all, id).with['build-contexts']).toBe('runner-binaries=${{ runner.temp }}/runner-binaries\n');
    }
    // AND the other strategies pass neither
    const plain = steps(synthWorkflow({ dependencyCaching: DependencyCaching.CARGO_CHEF }).yaml, 'image');
    expect(byId(plain, 'build').with['build-contexts']).toBeUndefined();
    expect(byId(plain, 'rust_cache')).toBeUndefined();
  });

  test('MUSL: musl-tools by apt, the musl target, musl-gcc for C code', () => {
    const all = steps(synthWorkflow({ ...RUNNER, targetLibc: TargetLibc.MUSL }).yaml, 'image');
    expect(byId(all, 'rust_toolchain').run).toBe([
      'sudo apt-get update',
      'sudo apt-get install -y --no-install-recommends musl-tools',
      'rustup toolchain install "$RUSTUP_TOOLCHAIN" --profile minimal --no-self-update --target "$(uname -m)-unknown-linux-musl"',
      '',
    ].join('\n'));
    expect(byId(all, 'runner_build').env).toMatchObject({ CC_x86_64_unknown_linux_musl: 'musl-gcc', CC_aarch64_unknown_linux_musl: 'musl-gcc' });
    expect(byId(all, 'rust_cache').with.key).toContain('-musl-release-');
  });

  test('build secrets reach cargo as variables (required ones checked), not the image build', () => {
    const all = steps(synthWorkflow({ ...RUNNER, buildSecrets: [{ id: 'tok', env: 'CARGO_REGISTRY_TOKEN', required: true }] }).yaml, 'image');
    const build = byId(all, 'runner_build');
    expect(build.env.CARGO_REGISTRY_TOKEN).toBe('${{ secrets.TOK }}');
    expect(build.run).toMatch(/^: "\$\{CARGO_REGISTRY_TOKEN:\?build secret tok is required \(GitHub secret TOK\)\}"\n/);
    expect(byId(all, 'build').with.secrets).toBeUndefined();
  });

  test('NATIVE_RUNNERS: each platform job keys its cache by its own runner', () => {
    const s = synthWorkflow({ ...RUNNER, platforms: ['linux/amd64', 'linux/arm64'] });
    const restore = byId(steps(s.yaml, 'image'), 'rust_cache');
    expect(restore.with.key).toContain('-${{ matrix.runner }}-${{ runner.arch }}-');
    expect(s.yaml.jobs.image.strategy.matrix.include.map((m: any) => m.runner)).toEqual(['ubuntu-24.04', 'ubuntu-24.04-arm']);
  });

  test('a build context in a subfolder: cargo runs there, and the cache, the lock hash and the prune use its target/', () => {
    // GIVEN the crate in services/api (the build context)
    const plan = resolveBuildPlan({ options: RUNNER, workspace: fixtureFacts('single-crate'), contextDir: 'services/api', projectName: 'hello-svc' });
    const { project, gh } = newProject();
    new ImageWorkflow(gh, plan);
    const all = YAML.parse(Testing.synth(project)['.github/workflows/docker.yml']).jobs.image.steps;
    // THEN cargo and the prune run in it, and the cache keeps its target/ and hashes its lock
    expect(byId(all, 'runner_build')['working-directory']).toBe('services/api');
    expect(byId(all, 'rust_cache_prune')['working-directory']).toBe('services/api');
    expect(byId(all, 'rust_cache').with.path).toMatch(/\nservices\/api\/target\n$/);
    expect(byId(all, 'rust_cache').with.key).toMatch(/\$\{\{ hashFiles\('services\/api\/Cargo\.lock'\) \}\}$/);
  });
});

describe('actionlint (with shellcheck) and zizmor: clean', () => {
  test.each([
    ['RUNNER, one platform', RUNNER],
    ['RUNNER, NATIVE_RUNNERS amd64+arm64, MUSL, a secret, no schedule', {
      ...RUNNER,
      platforms: ['linux/amd64', 'linux/arm64'],
      targetLibc: TargetLibc.MUSL,
      buildSecrets: [{ id: 'tok', env: 'CARGO_REGISTRY_TOKEN' }],
      scheduledRebuild: false,
    }],
  ] as Array<[string, AllOptions]>)('%s', async (_label, options) => {
    const s = synthWorkflow(options);
    expect(await lintWorkflow(s.text, s.fileName)).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-wf-'));
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    const wf = path.join(dir, '.github', 'workflows', 'docker.yml');
    fs.writeFileSync(wf, s.text);
    expect(actionlint([wf]).map(showFinding)).toEqual([]);
    expect(zizmor([wf]).map(showFinding)).toEqual([]);
  });
});
