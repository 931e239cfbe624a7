/**
 * DependencyCaching.RUNNER in the workflow: the runner builds the binaries before the image build
 * (toolchain, target/ restored with a fallback to the previous Cargo.lock's, cargo build with the
 * Dockerfile's arguments, prune, save on the writers only) and the image build takes them as a named
 * build context. The built binaries are a cache entry of their own, keyed by every build input: an
 * exact hit skips the whole build. actionlint (with shellcheck) and zizmor must be clean.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { newProject, steps, synthWorkflow, AllOptions } from './workflow-fixture';
import { CargoWorkspaceFacts } from '../../src/cargo/cargo-facts';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { resolveBuildPlan } from '../../src/plan/build-plan';
import { hashFilesPattern } from '../../src/plan/runner-build-plan';
import { DependencyCaching, DockerIgnoreMode, TargetLibc } from '../../src/settings';
import { fixtureFacts } from '../plan/plan-test-util';
import { actionlint, showFinding, zizmor } from '../util/oracles';
import { lintWorkflow } from '../util/workflow-lint';

const RUNNER: AllOptions = { dependencyCaching: DependencyCaching.RUNNER, rustVersion: '1.95' };
const byId = (all: any[], id: string) => all.find(s => s.id === id);
const ids = (all: any[]) => all.map(s => s.id);

describe('the runner build steps', () => {
  test('toolchain → binaries restore → restore → cargo-auditable → cargo build → prune → save → binaries save, all before the image build', () => {
    // GIVEN RUNNER on one platform WHEN the workflow is synthesized
    const s = synthWorkflow(RUNNER);
    const all = steps(s.yaml, 'image');
    // THEN the runner build comes before the load build, in this order
    const order = ids(all);
    const runner = ['rust_toolchain', 'rust_binaries', 'rust_cache', 'cargo_auditable', 'runner_build', 'rust_cache_prune', 'rust_cache_save', 'rust_binaries_save'];
    expect(order.filter(id => runner.includes(id))).toEqual(runner);
    expect(order.indexOf('rust_binaries_save')).toBeLessThan(order.indexOf('build'));
    // AND the toolchain is installed with rustup, minimal, with the runner's own target
    expect(byId(all, 'rust_toolchain').env.RUSTUP_TOOLCHAIN).toBe('1.95');
    expect(byId(all, 'rust_toolchain').run).toMatch(/^rustup toolchain install "\$RUSTUP_TOOLCHAIN" --profile minimal --no-self-update --target "\$\(uname -m\)-unknown-linux-gnu"\n/);
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
    // the schedule restores nothing (a clean build), nor does a hit of the binaries entry;
    // the save and the prune: writers only, and not after an exact hit of either entry
    expect(restore.if).toBe("(!(github.event_name == 'schedule')) && steps.rust_binaries.outputs.cache-hit != 'true'");
    expect(save.if).toBe("((github.event_name == 'push' && github.ref_type == 'branch') || github.event_name == 'schedule') && steps.rust_cache.outputs.cache-hit != 'true'"
      + " && steps.rust_binaries.outputs.cache-hit != 'true'");
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
    expect(byId(all, 'rust_toolchain').run.split('\n').slice(0, 4)).toEqual([
      'sudo apt-get update',
      'sudo apt-get install -y --no-install-recommends musl-tools',
      'rustup toolchain install "$RUSTUP_TOOLCHAIN" --profile minimal --no-self-update --target "$(uname -m)-unknown-linux-musl"',
      '# the key of the binaries entry: contents of the inputs (hashFiles), their names, the toolchain',
    ]);
    expect(byId(all, 'runner_build').env).toMatchObject({ CC_x86_64_unknown_linux_musl: 'musl-gcc', CC_aarch64_unknown_linux_musl: 'musl-gcc' });
    expect(byId(all, 'rust_cache').with.key).toContain('-musl-release-');
    expect(byId(all, 'rust_toolchain').env.BINARIES_KEY).toContain('-musl-release-');
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

describe('the binaries entry: no cargo at all when no build input changed', () => {
  test('keyed by the key base, runner, arch, a hash of every allow-listed input, their names and the installed toolchain; restored by exact key only', () => {
    // GIVEN RUNNER on the single crate (allow-list: Cargo.toml, Cargo.lock, src)
    const all = steps(synthWorkflow(RUNNER).yaml, 'image');
    const toolchain = byId(all, 'rust_toolchain');
    // THEN the key is computed once, in the toolchain step, before anything is built
    expect(toolchain.env.BINARIES_KEY).toMatch(/^hello-svc-rust-1\.95-gnu-release-[0-9a-f]{12}-bin-ubuntu-24\.04-\$\{\{ runner\.arch \}\}$/);
    expect(toolchain.env.INPUTS_HASH).toBe("${{ hashFiles('Cargo.toml', 'Cargo.lock', 'src') }}");
    // AND ends with a hash of the toolchain rustup installed (a floating channel moves it) and of the inputs' file names
    expect(toolchain.run).toContain('roots=(Cargo.toml Cargo.lock src)\n');
    expect(toolchain.run).toContain('  echo "binaries-key=$BINARIES_KEY-$INPUTS_HASH-$({ rustc -vV; cargo -vV; echo "$names"; } | sha256sum | cut -c1-16)" >> "$GITHUB_OUTPUT"\n');
    const restore = byId(all, 'rust_binaries');
    const save = byId(all, 'rust_binaries_save');
    expect(restore.uses).toMatch(/^actions\/cache\/restore@[0-9a-f]{40}$/);
    expect(save.uses).toMatch(/^actions\/cache\/save@[0-9a-f]{40}$/);
    // AND the binaries (what the image build copies) are restored with that exact key, no fallback
    expect(restore.with).toEqual({ path: '${{ runner.temp }}/runner-binaries/out\n', key: '${{ steps.rust_toolchain.outputs.binaries-key }}' });
    expect(save.with).toEqual(restore.with);
    // AND the target/ entry's fallback prefix never matches a binaries key (it would restore binaries as target/)
    expect(toolchain.env.BINARIES_KEY.startsWith(byId(all, 'rust_cache').with['restore-keys'])).toBe(false);
  });

  test('an exact hit skips the target/ restore, cargo-auditable, cargo, the prune and both saves; the schedule never restores it', () => {
    const all = steps(synthWorkflow(RUNNER).yaml, 'image');
    const notHit = "steps.rust_binaries.outputs.cache-hit != 'true'";
    const hasKey = "steps.rust_toolchain.outputs.binaries-key != ''";
    for (const id of ['rust_cache', 'cargo_auditable', 'runner_build', 'rust_cache_prune', 'rust_cache_save', 'rust_binaries_save']) {
      expect({ id, if: byId(all, id).if }).toEqual({ id, if: expect.stringMatching(new RegExp(`(^|&& )${notHit.replace(/[.()']/g, '\\$&')}$`)) });
    }
    // AND without a key (see the key script) the entry is neither restored nor saved
    expect(byId(all, 'rust_binaries').if).toBe(`(!(github.event_name == 'schedule')) && ${hasKey}`);
    // AND the binaries are saved by the writers only (pull requests and tags never)
    expect(byId(all, 'rust_binaries_save').if).toBe(`((github.event_name == 'push' && github.ref_type == 'branch') || github.event_name == 'schedule') && ${hasKey} && ${notHit}`);
    // AND without a schedule, the restore runs whenever there is a key
    expect(byId(steps(synthWorkflow({ ...RUNNER, scheduledRebuild: false }).yaml, 'image'), 'rust_binaries').if).toBe(hasKey);
  });

  test('the inputs are the allow-list .dockerignore\'s entries: compile-time inputs, build script, every member; under the context folder', () => {
    // GIVEN a workspace whose service reads files outside src/ (include_str!, a build script's protos and C sources…)
    const plan = resolveBuildPlan({ options: RUNNER, workspace: fixtureFacts('inputs-workspace'), contextDir: 'services/api', projectName: 'hello-svc' });
    const allowed = plan.image.context.dockerignore!.patterns.filter(p => p.startsWith('!')).map(p => `services/api/${p.slice(1)}`);
    // THEN the plan hashes each of them, under the context folder (all literal paths: each is its own root)
    expect(plan.pipeline.workflow!.runnerBuild!.binaryInputs).toEqual({ patterns: allowed, roots: allowed });
    expect(allowed).toEqual(expect.arrayContaining(['services/api/Cargo.lock', 'services/api/svc/build.rs', 'services/api/shared/greeting.txt']));
    const { project, gh } = newProject();
    new ImageWorkflow(gh, plan);
    const all = YAML.parse(Testing.synth(project)['.github/workflows/docker.yml']).jobs.image.steps;
    expect(byId(all, 'rust_toolchain').env.INPUTS_HASH).toBe(`\${{ hashFiles(${allowed.map(a => `'${a}'`).join(', ')}) }}`);
  });

  test('the user\'s allow entries: globs kept, trailing slashes and "./" cleaned, a leading ~ escaped, quotes doubled; deny entries left out', () => {
    // GIVEN allow entries in the .dockerignore's own syntax, and a deny entry
    const options: AllOptions = { ...RUNNER, dockerignoreAllow: ['proto/**/*.proto', 'assets/', './templates/*.html', "it's.txt", '~data', 'fonts/[ab]?.ttf'], dockerignoreDeny: ['src/generated'] };
    const plan = resolveBuildPlan({ options, workspace: fixtureFacts('single-crate'), contextDir: '.', projectName: 'hello-svc' });
    // THEN each becomes the hashFiles pattern selecting what Docker sends, with its literal root
    expect(plan.pipeline.workflow!.runnerBuild!.binaryInputs).toEqual({
      patterns: ['Cargo.toml', 'Cargo.lock', 'src', 'proto/**/*.proto', 'assets', 'templates/*.html', "it's.txt", '\\~data', 'fonts/[ab]?.ttf'],
      roots: ['Cargo.toml', 'Cargo.lock', 'src', 'proto', 'assets', 'templates', "it's.txt", '~data', 'fonts'],
    });
    const all = steps(synthWorkflow(options).yaml, 'image');
    expect(byId(all, 'rust_toolchain').env.INPUTS_HASH).toBe(
      "${{ hashFiles('Cargo.toml', 'Cargo.lock', 'src', 'proto/**/*.proto', 'assets', 'templates/*.html', 'it''s.txt', '\\~data', 'fonts/[ab]?.ttf') }}");
    expect(byId(all, 'rust_toolchain').run).toContain("roots=(Cargo.toml Cargo.lock src proto assets templates 'it'\\''s.txt' '~data' fonts)\n");
  });

  test.each([
    ['a folder of the context', 'services/api', 'src', 'services/api/src', 'services/api/src'],
    ['a glob at the context\'s top', 'services/api', '**/*.proto', 'services/api/**/*.proto', 'services/api'],
    ['a glob at the repository\'s top', '.', '*.txt', '*.txt', '.'],
    ['a leading slash (Docker drops it)', '.', '/schema.sql', 'schema.sql', 'schema.sql'],
    ['the whole context', '.', '.', '**', '.'],
    ['a context folder with wildcard characters, escaped', 'svc[1]/a*b', 'src', 'svc[[]1]/a[*]b/src', 'svc[1]/a*b/src'],
    ['a negated class', '.', 'data/[^x]*', 'data/[^x]*', 'data'],
    ['a leading # (a comment for @actions/glob)', '.', '#notes.txt', '\\#notes.txt', '#notes.txt'],
    ['a leading ! (a negation for @actions/glob)', '.', '!x.txt', '\\!x.txt', '!x.txt'],
  ])('hashFilesPattern: %s', (_label, dir, entry, pattern, root) => {
    expect(hashFilesPattern(entry, dir)).toEqual({ pattern, root });
  });

  test('the key script: the toolchain and the inputs\' names in the key; no key without a hashFiles match or with a symbolic link to a folder', () => {
    // GIVEN the toolchain step of the single crate, run with bash in a checkout, rustup/rustc/cargo stubbed
    const toolchain = byId(steps(synthWorkflow(RUNNER).yaml, 'image'), 'rust_toolchain');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-key-script-'));
    const bin = path.join(dir, 'bin');
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    for (const [tool, out] of [['rustup', ''], ['rustc', 'rustc 1.95.0 ($RUSTC_COMMIT)'], ['cargo', 'cargo 1.95.0']]) {
      fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${out}"\n`, { mode: 0o755 });
    }
    for (const f of ['Cargo.toml', 'Cargo.lock', 'src/main.rs', 'README.md']) fs.writeFileSync(path.join(ws, f), f);
    const key = (inputsHash = 'c0ffee', rustcCommit = 'aaa') => {
      const output = path.join(dir, 'output');
      fs.writeFileSync(output, '');
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', toolchain.run], {
        cwd: ws,
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/bin:/bin`, BINARIES_KEY: 'base-bin-ubuntu-24.04-X64', INPUTS_HASH: inputsHash, RUSTC_COMMIT: rustcCommit, GITHUB_OUTPUT: output },
      });
      expect(r.status === 0 ? '' : r.stderr).toBe('');
      return { key: /^binaries-key=(.*)$/m.exec(fs.readFileSync(output, 'utf8'))?.[1], notice: r.stdout };
    };
    // THEN the key is the base, the inputs' hash, and a hash of the toolchain and the names
    const first = key().key;
    expect(first).toMatch(/^base-bin-ubuntu-24\.04-X64-c0ffee-[0-9a-f]{16}$/);
    expect(key().key).toBe(first);
    // AND a file outside the inputs changes nothing; another toolchain or a moved input file changes it
    fs.writeFileSync(path.join(ws, 'README.md'), 'edited');
    fs.writeFileSync(path.join(ws, 'NOTES.md'), 'new');
    expect(key().key).toBe(first);
    expect(key('c0ffee', 'bbb').key).not.toBe(first);
    fs.mkdirSync(path.join(ws, 'src', 'bin'));
    fs.renameSync(path.join(ws, 'src', 'main.rs'), path.join(ws, 'src', 'bin', 'main.rs'));
    expect(key().key).not.toBe(first);
    // AND no key when hashFiles matched nothing (an empty hash), or when an input is a symbolic link to a folder
    expect(key('')).toEqual({ key: undefined, notice: expect.stringContaining('hashFiles matched no build input') });
    fs.symlinkSync(path.join(dir, 'bin'), path.join(ws, 'src', 'linked'));
    expect(key()).toEqual({ key: undefined, notice: expect.stringContaining('symbolic link to a folder') });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('hashFilesPattern refuses a line break (it would split the pattern list)', () => {
    expect(hashFilesPattern('a\nb', '.')).toBeUndefined();
  });

  test.each([
    ['outside the context', '../shared/x.txt'],
    ['"**" inside a segment (one segment for @actions/glob, any depth for Docker)', 'assets/img**'],
    ['"[!…]" (a negated class for @actions/glob, "!" a member for Docker)', 'data/[!x].bin'],
    ['a POSIX class', 'data/[[:alpha:]].bin'],
  ])('hashFilesPattern refuses %s: no binaries entry', (_label, entry) => {
    expect(hashFilesPattern(entry, '.')).toBeUndefined();
    const plan = resolveBuildPlan({ options: { ...RUNNER, dockerignoreAllow: [entry] }, workspace: fixtureFacts('single-crate'), contextDir: '.', projectName: 'hello-svc' });
    expect(plan.pipeline.workflow!.runnerBuild!.binaryInputs).toBeUndefined();
  });

  test.each([
    ['a deny-list .dockerignore (the inputs are not named)', { dockerignoreMode: DockerIgnoreMode.DENY_LIST }, undefined],
    ['no .dockerignore', { dockerignore: false }, undefined],
    ['an input the scan cannot resolve', {}, (f: CargoWorkspaceFacts) => ({
      ...f, packages: f.packages.map(p => ({ ...p, unresolvedInputs: [{ file: 'build.rs', line: 3, text: 'std::fs::read(dir.join(name))', reason: 'path built at run time' }] })),
    })],
    ['sqlx checking its queries against a database', {}, (f: CargoWorkspaceFacts) => ({
      ...f, packages: f.packages.map(p => ({ ...p, missingBuildData: [{ file: 'src/main.rs', line: 9, text: 'query!("…")', reason: 'no .sqlx/' }] })),
    })],
    ['no Cargo.lock (cargo resolves anew at each build)', {}, (f: CargoWorkspaceFacts) => ({ ...f, lockFile: undefined })],
  ] as Array<[string, AllOptions, ((f: CargoWorkspaceFacts) => CargoWorkspaceFacts) | undefined]>)('%s: no binaries entry, cargo always runs', (_label, options, facts) => {
    // GIVEN inputs the plan cannot name all of
    const f = fixtureFacts('single-crate');
    const plan = resolveBuildPlan({ options: { ...RUNNER, ...options }, workspace: facts ? facts(f) : f, contextDir: '.', projectName: 'hello-svc' });
    expect(plan.pipeline.workflow!.runnerBuild!.binaryInputs).toBeUndefined();
    const { project, gh } = newProject();
    new ImageWorkflow(gh, plan);
    const all = YAML.parse(Testing.synth(project)['.github/workflows/docker.yml']).jobs.image.steps;
    // THEN no binaries entry, and the build runs as without it
    expect(ids(all)).not.toContain('rust_binaries');
    expect(ids(all)).not.toContain('rust_binaries_save');
    expect(byId(all, 'runner_build').if).toBeUndefined();
    expect(byId(all, 'rust_toolchain').env).toEqual({ RUSTUP_TOOLCHAIN: '1.95' });
    expect(byId(all, 'rust_toolchain').run).not.toContain('binaries-key');
    expect(byId(all, 'rust_cache').if).toBe("!(github.event_name == 'schedule')");
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
