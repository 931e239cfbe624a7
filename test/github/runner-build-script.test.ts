/**
 * The runner build's scripts, run for real with bash and cargo on this machine (the "runner"): the
 * generated `runner_build` step builds docker-app and leaves the binary in `$BINARIES_DIR/out/`; the
 * `rust_cache_prune` step removes the workspace's own artifacts and `incremental/` but keeps the
 * dependencies'; a `target/` restored after the prune (what the next run gets from the cache) then
 * recompiles only the workspace's crate after a one-line change. Cargo runs under the shared build lock.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { newProject } from './workflow-fixture';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { resolveBuildPlan } from '../../src/plan/build-plan';
import { DependencyCaching } from '../../src/settings';
import { BUILD_LOCK, DOCKER_TEST_TIMEOUT, FIXTURES_DIR } from '../util/docker';

const HAS_CARGO = spawnSync('cargo', ['--version']).status === 0 && spawnSync('rustup', ['run', '1.95', 'rustc', '--version']).status === 0;

/** Runs one generated `run:` script with bash (GitHub's `bash -e {0}` plus pipefail) and the step's env, under the build lock. */
function runStep(step: any, cwd: string, env: { [name: string]: string }) {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runner-step-')), 'step.sh');
  fs.writeFileSync(script, step.run);
  const r = spawnSync('flock', [BUILD_LOCK, 'bash', '--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: { ...process.env, ...env }, encoding: 'utf-8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const compiled = (log: string) => [...log.matchAll(/^\s*Compiling (\S+) v/gm)].map(m => m[1]).sort();

(HAS_CARGO ? describe : describe.skip)('the runner build\'s scripts, run with cargo', () => {
  test('build → binary in out/; prune keeps only the dependencies\' artifacts; the next run recompiles only the workspace crate', () => {
    // GIVEN the RUNNER workflow of docker-app (Rust 1.95, no cargo-auditable: nothing to install here)
    const plan = resolveBuildPlan({
      options: { dependencyCaching: DependencyCaching.RUNNER, rustVersion: '1.95', auditable: false },
      workspace: CargoWorkspace.load(path.join(FIXTURES_DIR, 'docker-app')).facts,
      contextDir: '.',
      projectName: 'docker-app',
    });
    const { project, gh } = newProject();
    new ImageWorkflow(gh, plan);
    const all = YAML.parse(Testing.synth(project)['.github/workflows/docker.yml']).jobs.image.steps;
    const build = all.find((s: any) => s.id === 'runner_build');
    const prune = all.find((s: any) => s.id === 'rust_cache_prune');
    const ctx = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runner-ctx-')), 'app');
    fs.cpSync(path.join(FIXTURES_DIR, 'docker-app'), ctx, { recursive: true });
    const binaries = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-binaries-'));
    const env = { RUSTUP_TOOLCHAIN: build.env.RUSTUP_TOOLCHAIN, BINARIES_DIR: binaries, CACHE_HIT: '' };

    // WHEN the build step runs on an empty target/
    const first = runStep(build, ctx, env);
    // THEN it compiles everything and leaves the binary, which runs, in out/
    expect(first.status === 0 ? '' : first.out).toBe('');
    expect(compiled(first.out)).toEqual(['anyhow', 'docker-app', 'itoa', 'ryu', 'serde', 'serde_json']);
    const bin = path.join(binaries, 'out', 'docker-app');
    expect(spawnSync(bin, { encoding: 'utf-8' }).stdout).toContain('docker-app ok {"sum":16,"words":3} v1');

    // WHEN the prune step runs (before the save)
    expect(runStep(prune, ctx, {}).status).toBe(0);
    // THEN nothing of docker-app is left in target/ (host or target folders), nor incremental/; the dependencies stay
    const files = spawnSync('find', ['target'], { cwd: ctx, encoding: 'utf-8' }).stdout.split('\n');
    expect(files.filter(f => /docker[-_]app/.test(f))).toEqual([]);
    expect(files.filter(f => /\/incremental(\/|$)/.test(f))).toEqual([]);
    expect(files.some(f => /\/deps\/libserde_json-[0-9a-f]+\.rlib$/.test(f))).toBe(true);

    // WHEN the next run (the pruned target/ restored with an exact hit) builds after a one-line change
    const main = path.join(ctx, 'src', 'main.rs');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf-8').replace('let marker = "v1"', 'let marker = "v2"'));
    const second = runStep(build, ctx, { ...env, CACHE_HIT: 'true' });
    // THEN only the workspace's crate compiles, and the new binary is in out/
    expect(second.status === 0 ? '' : second.out).toBe('');
    expect(compiled(second.out)).toEqual(['docker-app']);
    expect(spawnSync(bin, { encoding: 'utf-8' }).stdout).toContain('v2');
  }, DOCKER_TEST_TIMEOUT);
});
