/**
 * DependencyCaching.RUNNER's binaries entry across fresh runners: the generated workflow's own steps
 * run as a GitHub runner runs them (test/util/runner-emulator.ts: bash, GitHub's expression evaluator,
 * @actions/glob's hashFiles, actions/cache semantics against a local store). A push builds and saves
 * the binaries; after a README-only commit the next runner restores them by exact key and runs no
 * cargo at all, and the image gets the same bytes; a source change misses and builds; pull requests
 * never save. And the hashFiles patterns select at least the files Docker's context sends.
 * Not like GitHub: this host's toolchain is pinned to 1.95 (a runner's preinstalled stable plays that
 * part), so `rustup toolchain install` finds it installed; no cargo-auditable (nothing to install here).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { resolveBuildPlan } from '../../src/plan/build-plan';
import { DependencyCaching } from '../../src/settings';
import {
  compiledCrates, DOCKER, DOCKER_TEST_TIMEOUT, describeDocker, FIXTURES_DIR, removeImage, removeRegistryCache, replaceInFile, runImage,
} from '../util/docker';
import { listFiles } from '../util/fixture-project';
import { hashFilesMatches } from '../util/runner-emulator';
import { pushToMain, runnerWorkspace, sha256File } from '../util/runner-workspace';

const OPTIONS = { dependencyCaching: DependencyCaching.RUNNER, rustVersion: '1.95', auditable: false };
const PUSH_TO_MAIN = pushToMain('docker-app');
const PULL_REQUEST = { event_name: 'pull_request', ref: 'refs/pull/7/merge', ref_type: 'branch', repository: 'acme/docker-app' };
/** Every step of the runner build but the toolchain step, the binaries restore and the image build. */
const BUILD_STEPS = ['rust_cache', 'runner_build', 'rust_cache_prune', 'rust_cache_save', 'rust_binaries_save'];

describeDocker('RUNNER\'s binaries entry: no cargo when no build input changed (real cargo, real Docker)', () => {
  const tags: string[] = [];
  const cacheName = `runner-skip-${process.pid}`;
  afterAll(() => {
    tags.forEach(removeImage);
    removeRegistryCache(cacheName);
  });

  test('push builds and saves; README-only commit: exact hit, no cargo, same bytes in the image; source change: builds; pull requests never save', async () => {
    // GIVEN docker-app with RUNNER, its Dockerfile, .dockerignore and workflow as projen writes them
    const ws = runnerWorkspace('docker-app', OPTIONS);
    const { root, workspace, plan } = ws;
    expect(plan.pipeline.workflow!.runnerBuild!.binaryInputs).toEqual({ patterns: ['Cargo.toml', 'Cargo.lock', 'src'], roots: ['Cargo.toml', 'Cargo.lock', 'src'] });
    const store = path.join(root, 'actions-cache');
    const entries = () => fs.readdirSync(store).map(f => decodeURIComponent(f.replace(/\.tar$/, ''))).sort();

    const newRunner = (event: object) => ws.newRunner(store, event);
    const binary = path.join(ws.binaries, 'out', 'docker-app');

    // WHEN the first commit is pushed to main
    const first = newRunner(PUSH_TO_MAIN);
    // THEN the binaries entry missed, cargo built everything, both entries were saved
    expect(first.outputs.rust_binaries['cache-hit']).toBe('false');
    expect(first.ran).toEqual(expect.arrayContaining(BUILD_STEPS));
    expect(compiledCrates(first.log)).toEqual(expect.arrayContaining(['itoa', 'serde_json', 'anyhow', 'docker-app']));
    const binariesKey = first.outputs.rust_toolchain['binaries-key'];
    expect(binariesKey).toMatch(/^docker-app-rust-1\.95-gnu-release-[0-9a-f]{12}-bin-ubuntu-24\.04-X64-[0-9a-f]{64}-[0-9a-f]{16}$/);
    expect(first.savedKeys).toEqual([expect.stringMatching(/-ubuntu-24\.04-X64-[0-9a-f]{64}$/), binariesKey]);
    const built = sha256File(binary);

    // WHEN a README-only commit is pushed, on another new runner
    fs.appendFileSync(path.join(workspace, 'README.md'), '\nA line of documentation.\n');
    const docs = newRunner(PUSH_TO_MAIN);
    // THEN the binaries were restored by exact key, and nothing else of the runner build ran: no cargo
    expect(docs.outputs.rust_toolchain['binaries-key']).toBe(binariesKey);
    expect(docs.outputs.rust_binaries['cache-hit']).toBe('true');
    expect(docs.ran.filter(id => BUILD_STEPS.includes(id))).toEqual([]);
    expect(docs.ran).toEqual(['rust_toolchain', 'rust_binaries']);
    expect(compiledCrates(docs.log)).toEqual([]);
    expect(docs.savedKeys).toEqual([]);
    expect(sha256File(binary)).toBe(built);

    // AND the image built from them holds the same bytes, and runs
    const { built: image, tag } = await ws.imageOf('runner-skip', cacheName);
    tags.push(tag);
    // eslint-disable-next-line no-console
    if (!image.ok) console.log(image.log.slice(-4000));
    expect(image.ok).toBe(true);
    expect(compiledCrates(image.log)).toEqual([]);
    const copied = path.join(root, 'from-image');
    const container = execFileSync(DOCKER, ['create', tag], { encoding: 'utf8' }).trim();
    try {
      execFileSync(DOCKER, ['cp', `${container}:/usr/local/bin/docker-app`, copied]);
    } finally {
      spawnSync(DOCKER, ['rm', '-f', container], { stdio: 'ignore' });
    }
    expect(sha256File(copied)).toBe(built);
    expect((await runImage(tag)).stdout).toContain('docker-app ok {"sum":16,"words":3} v1');

    // WHEN a pull request changes nothing the build reads
    const prDocs = newRunner(PULL_REQUEST);
    // THEN it restores the binaries too, and saves nothing
    expect(prDocs.outputs.rust_binaries['cache-hit']).toBe('true');
    expect(prDocs.ran).toEqual(['rust_toolchain', 'rust_binaries']);

    // WHEN a pull request changes the source
    const saved = entries();
    replaceInFile(path.join(workspace, 'src', 'main.rs'), 'let marker = "v1";', 'let marker = "v2";');
    const prSource = newRunner(PULL_REQUEST);
    // THEN it misses, builds from the restored target/ (only the own crate compiles) and writes nothing to the cache
    expect(prSource.outputs.rust_toolchain['binaries-key']).not.toBe(binariesKey);
    expect(prSource.outputs.rust_binaries['cache-hit']).toBe('false');
    expect(compiledCrates(prSource.log)).toEqual(['docker-app']);
    expect(prSource.savedKeys).toEqual([]);
    expect(entries()).toEqual(saved);

    // WHEN the source change is pushed to main
    const source = newRunner(PUSH_TO_MAIN);
    // THEN it misses, builds, and saves the new binaries (target/'s entry exists already: same Cargo.lock)
    expect(source.outputs.rust_binaries['cache-hit']).toBe('false');
    expect(compiledCrates(source.log)).toEqual(['docker-app']);
    expect(source.savedKeys).toEqual([prSource.outputs.rust_toolchain['binaries-key']]);
    expect(sha256File(binary)).not.toBe(built);
    expect(spawnSync(binary, { encoding: 'utf8' }).stdout).toContain('docker-app ok {"sum":16,"words":3} v2');
  }, DOCKER_TEST_TIMEOUT);

  test('the hashFiles patterns select every file Docker\'s context sends (a context folder, compile-time inputs, globs, a trailing slash)', () => {
    // GIVEN a repository whose build context is services/api (a workspace reading files outside src/), with allow entries of the user's
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-runner-inputs-'));
    const context = path.join(repo, 'services', 'api');
    fs.mkdirSync(context, { recursive: true });
    fs.cpSync(path.join(FIXTURES_DIR, 'inputs-workspace'), context, { recursive: true });
    const extra = ['svc/schemas/a.json', 'svc/schemas/nested/b.json', 'svc/schemas/c.txt', 'data/one.bin', 'data/two/three.bin', 'notes/x.md'];
    for (const f of [...extra, 'README.md', 'target/release/app', '../../README.md', '../other/main.rs']) {
      fs.mkdirSync(path.dirname(path.join(context, f)), { recursive: true });
      fs.writeFileSync(path.join(context, f), f);
    }
    const options = { ...OPTIONS, dockerignoreAllow: ['**/*.json', 'data/', 'notes/*.md'] };
    const plan = resolveBuildPlan({ options, workspace: CargoWorkspace.load(context).facts, contextDir: 'services/api', projectName: 'api' });
    fs.writeFileSync(path.join(context, '.dockerignore'), `${plan.image.context.dockerignore!.patterns.join('\n')}\n`);
    const inputs = plan.pipeline.workflow!.runnerBuild!.binaryInputs!;

    // WHEN Docker sends the context (FROM scratch, COPY . /, exported) and hashFiles globs from the repository root
    fs.writeFileSync(path.join(repo, 'ctx.Dockerfile'), 'FROM scratch\nCOPY . /\n');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-runner-ctx-'));
    execFileSync(DOCKER, ['build', '--network=none', '-f', path.join(repo, 'ctx.Dockerfile'), '-o', `type=local,dest=${out}`, context], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '1' },
    });
    const sent = listFiles(out);
    const hashed = hashFilesMatches(repo, inputs.patterns).map(f => path.relative('services/api', f));

    // THEN every file Docker sends is hashed
    expect(sent).toEqual(expect.arrayContaining(['Cargo.lock', 'svc/build.rs', 'shared/greeting.txt', 'data/one.bin', 'data/two/three.bin', 'notes/x.md']));
    expect(hashed).toEqual(expect.arrayContaining(sent));
    // AND nothing else but what `**/*.json` names: Docker 20.10 sends nothing for a `**` re-include under
    // an excluded folder, hashFiles takes them (a superset only costs a miss); no README, target/, file outside the context
    expect(hashed.filter(f => !sent.includes(f))).toEqual(['svc/schemas/a.json', 'svc/schemas/nested/b.json'].filter(f => !sent.includes(f)));
    // AND the names the key hashes (below the roots) cover them as well
    const named = inputs.roots.flatMap(r => listFiles(path.join(repo, r)).map(f => path.relative('services/api', path.join(r, f))));
    expect(named).toEqual(expect.arrayContaining(hashed));
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(repo, { recursive: true, force: true });
  });
});
