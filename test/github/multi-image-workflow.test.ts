/**
 * Several images in one workflow (issue 14): the changes job, per-image jobs gated on its outputs,
 * the changes script run for real with bash against a git repository, and the oracles (actionlint
 * with shellcheck, zizmor) over the workflows of 1, 2 and 5 images.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, Testing } from 'projen';
import * as YAML from 'yaml';
import { RustDocker } from '../../src/project/rust-docker';
import { RustDockerProject, RustDockerProjectOptions } from '../../src/project/rust-docker-project';
import { MultiArchStrategy } from '../../src/settings';
import { fixtureOutdir, servicesWorkspace } from '../util/fixture-project';
import { actionlint, showFinding, zizmor } from '../util/oracles';

const WORKFLOW = '.github/workflows/docker.yml';

/** A workspace of `n` services (`svc1`…) sharing a lib, each a binary of its own package, no default-run. */
const nServices = (n: number) => servicesWorkspace(Array.from({ length: n }, (_, i) => `svc${i + 1}`));

/** Synthesizes a RustDockerProject in `outdir`; returns its files and the workflow's path on disk. */
function synth(outdir: string, options: Partial<RustDockerProjectOptions> = {}): { files: { [f: string]: any }; workflow: any; file: string } {
  const files = Testing.synth(new RustDockerProject({ name: 'shop', outdir, ...options }));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mi-wf-')), '.github', 'workflows', 'docker.yml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, files[WORKFLOW]);
  return { files, workflow: YAML.parse(files[WORKFLOW]), file };
}

describe('the workflow of several images', () => {
  test('a changes job first; per image a job that needs it and runs only when its output is true; one drift job; never on.paths', () => {
    // GIVEN the multi-image fixture (api, worker, shared) WHEN synthesized with no options
    const { workflow } = synth(fixtureOutdir('multi-image'));
    // THEN
    expect(Object.keys(workflow.jobs)).toEqual(['changes', 'image_api', 'image_worker', 'drift']);
    expect(workflow.on.push.paths).toBeUndefined();
    expect(workflow.on.pull_request.paths).toBeUndefined();
    expect(workflow.jobs.changes.outputs).toEqual({ api: '${{ steps.changes.outputs.api }}', worker: '${{ steps.changes.outputs.worker }}' });
    expect(workflow.jobs.changes.steps[0].with['fetch-depth']).toBe(0);
    for (const name of ['api', 'worker']) {
      const job = workflow.jobs[`image_${name}`];
      expect(job.needs).toBe('changes');
      expect(job.if).toBe(`needs.changes.outputs.${name} == 'true'`);
      const build = job.steps.find((s: any) => s.id === 'build');
      // own target, local tag, cache scope and image name
      expect(build.with.target).toBe(name);
      expect(build.with.tags).toBe(`shop-${name}:local`);
      expect(build.with['cache-from']).toBe(`type=gha,scope=shop-${name}-linux-amd64\n`);
      expect(job.steps.find((s: any) => s.id === 'image').env.IMAGE_REPOSITORY).toBe(`ghcr.io/\${{ github.repository }}/${name}`);
      // the scheduled rebuild refreshes this image's runtime stages
      expect(build.with['no-cache-filters']).toContain(`'${name}-runtime-base,${name}'`);
    }
  });

  test('NATIVE_RUNNERS with two platforms: a merge job per image, each reading only its own digests', () => {
    const { workflow } = synth(fixtureOutdir('multi-image'), { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.NATIVE_RUNNERS });
    expect(Object.keys(workflow.jobs)).toEqual(['changes', 'image_api', 'merge_api', 'image_worker', 'merge_worker', 'drift']);
    expect(workflow.jobs.merge_worker.needs).toBe('image_worker');
    const upload = workflow.jobs.image_worker.steps.find((s: any) => s.id === 'upload_digest');
    expect(upload.with.name).toBe('digests-worker-${{ matrix.slug }}');
    expect(workflow.jobs.merge_worker.steps.find((s: any) => s.id === 'download_digests').with.pattern).toBe('digests-worker-*');
  });

  test.each([
    ['1 image', () => fixtureOutdir('single-crate'), 1],
    ['2 images', () => fixtureOutdir('multi-image'), 2],
    ['5 images', () => nServices(5), 5],
  ])('%s: actionlint (with shellcheck) and zizmor find nothing', (_what, dir, n) => {
    const { workflow, file } = synth(dir());
    expect(Object.keys(workflow.jobs).filter(j => j.startsWith('image'))).toHaveLength(n);
    const findings = [...actionlint([file]), ...zizmor([file])];
    expect(findings.map(showFinding)).toEqual([]);
  });
});

describe('a RustDocker in a projen subproject', () => {
  test('writes its workflow and Dependabot config at the repository root, with paths from the root; nothing under the subproject\'s .github; oracles clean', () => {
    // GIVEN a root project and the multi-image workspace as its subproject services/shop
    const rootDir = fixtureOutdir();
    fs.cpSync(fixtureOutdir('multi-image'), path.join(rootDir, 'services', 'shop'), { recursive: true });
    const root = new Project({ name: 'monorepo', outdir: rootDir });
    const sub = new Project({ name: 'shop', parent: root, outdir: 'services/shop' });
    new RustDocker(sub);
    // WHEN synthesized
    const files = Testing.synth(root);
    // THEN the workflow and the Dependabot config are the root's, and the workflow builds the subproject's context and Dockerfile
    expect(Object.keys(files).filter(f => f.includes('.github/')).sort()).toEqual(['.github/dependabot.yml', WORKFLOW]);
    expect(YAML.parse(files['.github/dependabot.yml']).updates.map((u: any) => u.directory)).toEqual(['/', '/services/shop', '/services/shop']);
    const workflow = YAML.parse(files[WORKFLOW]);
    const build = workflow.jobs.image_worker.steps.find((st: any) => st.id === 'build');
    expect(build.with.context).toBe('services/shop');
    expect(build.with.file).toBe('services/shop/Dockerfile');
    expect(workflow.jobs.changes.steps[1].run).toContain('build worker services/shop/.dockerignore services/shop/Cargo.lock services/shop/Cargo.toml services/shop/Dockerfile services/shop/crates/shared services/shop/crates/worker .github/workflows/docker.yml\n');
    // AND the oracles find nothing
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mi-sub-')), '.github', 'workflows', 'docker.yml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, files[WORKFLOW]);
    expect([...actionlint([file]), ...zizmor([file])].map(showFinding)).toEqual([]);
  });
});

describe('the local tasks of several images', () => {
  test('docker:build builds the first image (the last stage); docker:build:<name> and docker:e2e:<name> per image', () => {
    const { files } = synth(fixtureOutdir('multi-image'));
    const tasks = files['.projen/tasks.json'].tasks;
    expect(tasks['docker:build'].steps[0].exec).toMatch(/ -t shop-api:local -f Dockerfile \.$/);
    expect(tasks['docker:build:worker'].steps[0].exec).toMatch(/ --target worker -t shop-worker:local -f Dockerfile \.$/);
    expect(tasks['docker:e2e:worker'].env).toEqual({ IMAGE: 'shop-worker:local' });
    expect(tasks['docker:e2e:worker'].steps[0]).toEqual({ spawn: 'docker:build:worker' });
  });
});

describe('the changes script, run with bash against a git repository', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf-8' }).trim();

  /** A git repository holding the synthesized multi-image project; returns its dir, the script and the base commit. */
  function repo(): { dir: string; script: string; base: string } {
    // (projen's test synth removes its folder: the repository is another copy of the fixture)
    const { workflow } = synth(fixtureOutdir('multi-image'));
    const dir = fixtureOutdir('multi-image');
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
    return { dir, script: workflow.jobs.changes.steps[1].run, base: git(dir, 'rev-parse', 'HEAD') };
  }

  /** Commits changes to `files` (appending a line), runs the script for `event`, returns its outputs. */
  function changesFor(files: string[], env: { EVENT_NAME: string; REF_TYPE?: string; BASE?: string }): { [key: string]: string } {
    const { dir, script, base } = repo();
    for (const f of files) fs.appendFileSync(path.join(dir, f), '\n// changed\n');
    if (files.length > 0) {
      git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'change');
    }
    return runScript(dir, script, { BASE: base, ...env });
  }

  /** Runs the script in `dir` as GitHub runs a `run:` step; returns its outputs. */
  function runScript(dir: string, script: string, env: { EVENT_NAME: string; REF_TYPE?: string; BASE?: string }): { [key: string]: string } {
    const output = path.join(dir, '..', `out-${path.basename(dir)}`);
    fs.writeFileSync(output, '');
    const scriptFile = `${output}.sh`;
    fs.writeFileSync(scriptFile, script);
    // as GitHub runs a `run:` step
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      cwd: dir,
      encoding: 'utf-8',
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, REF_TYPE: 'branch', ...env },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return Object.fromEntries(fs.readFileSync(output, 'utf-8').trim().split('\n').map(l => l.split('=') as [string, string]));
  }

  test.each([
    ['a change in the shared lib rebuilds both', ['crates/shared/src/lib.rs'], { api: 'true', worker: 'true' }],
    ['a worker-only change rebuilds worker only', ['crates/worker/src/main.rs'], { api: 'false', worker: 'true' }],
    ['an api-only change rebuilds api only', ['crates/api/src/main.rs'], { api: 'true', worker: 'false' }],
    ['a Cargo.lock change rebuilds both', ['Cargo.lock'], { api: 'true', worker: 'true' }],
    ['a README change rebuilds none', ['README.md'], { api: 'false', worker: 'false' }],
  ])('pull request: %s', (_what, files, expected) => {
    expect(changesFor(files, { EVENT_NAME: 'pull_request' })).toEqual(expected);
    // a push to a branch compares with the pushed-over commit the same way
    expect(changesFor(files, { EVENT_NAME: 'push' })).toEqual(expected);
  });

  test('a file moved out of worker into api rebuilds both (both sides of the rename count)', () => {
    const { dir, script, base } = repo();
    fs.mkdirSync(path.join(dir, 'crates/api/data'));
    git(dir, 'mv', 'crates/worker/Cargo.toml', 'crates/api/data/worker.toml');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'move');
    expect(runScript(dir, script, { EVENT_NAME: 'pull_request', BASE: base })).toEqual({ api: 'true', worker: 'true' });
  });

  test.each([
    ['a tag push', { EVENT_NAME: 'push', REF_TYPE: 'tag' }],
    ['the schedule', { EVENT_NAME: 'schedule' }],
    ['a manual run', { EVENT_NAME: 'workflow_dispatch' }],
    ['a new branch (before is all zeros)', { EVENT_NAME: 'push', BASE: '0000000000000000000000000000000000000000' }],
    ['an unknown base commit (force-push)', { EVENT_NAME: 'push', BASE: 'f'.repeat(40) }],
  ])('%s builds every image, even for a README change', (_what, env) => {
    expect(changesFor(['README.md'], env)).toEqual({ api: 'true', worker: 'true' });
  });
});
