import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, Testing } from 'projen';
import * as YAML from 'yaml';
import { newProject, planFor, steps, synthWorkflow } from './workflow-fixture';
import { DRIFT_JOB_ID, driftCheckJob, driftErrorMessage } from '../../src/github/drift-check';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { RustDockerProject } from '../../src/project/rust-docker-project';
import { fixtureOutdir } from '../util/fixture-project';
import { shellcheck } from '../util/workflow-lint';

function git(cwd: string, ...args: string[]) {
  const out = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf-8' });
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

/** A synthesized project committed to a fresh git repo; `synth` re-runs projen (what `npx projen` does in CI). */
function committedProject() {
  const { project, gh } = newProject();
  new ImageWorkflow(gh, planFor());
  project.synth();
  git(project.outdir, 'init', '-q');
  git(project.outdir, 'add', '-A');
  git(project.outdir, 'commit', '-q', '-m', 'init');
  return project;
}

function runDriftScript(cwd: string) {
  const script = steps(synthWorkflow().yaml, DRIFT_JOB_ID).find((x: any) => x.id === 'diff').run;
  return spawnSync('bash', ['-e', '-c', script], { cwd, encoding: 'utf-8' });
}

describe('drift check', () => {
  test('passes when the committed files are what projen generates', () => {
    // GIVEN a repo whose generated files are untouched
    const project = committedProject();
    // WHEN CI re-synthesizes and runs the check
    project.synth();
    const r = runDriftScript(project.outdir);
    // THEN it passes
    expect(r.status).toBe(0);
  });

  test('fails with a ::error:: that says how to regenerate when a generated file was edited by hand', () => {
    // GIVEN a hand edit of the generated workflow, committed
    const project = committedProject();
    const file = path.join(project.outdir, '.github/workflows/docker.yml');
    fs.chmodSync(file, 0o644);
    fs.appendFileSync(file, '# hand edit\n');
    git(project.outdir, 'commit', '-q', '-am', 'edit');
    // WHEN CI re-synthesizes (restoring the file) and runs the check
    project.synth();
    const r = runDriftScript(project.outdir);
    // THEN it fails, shows the diff and the regenerate instruction
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('-# hand edit');
    expect(r.stdout).toContain(driftErrorMessage('npx projen'));
  });

  test('fails when projen generates a file that is not committed', () => {
    // GIVEN a generated file deleted from the repo
    const project = committedProject();
    git(project.outdir, 'rm', '-q', '.github/workflows/docker.yml');
    git(project.outdir, 'commit', '-q', '-m', 'rm');
    // WHEN re-synthesized / THEN the new file counts as drift
    project.synth();
    expect(runDriftScript(project.outdir).status).toBe(1);
  });

  test('the job installs with the project’s package manager and runs its projen command', () => {
    // GIVEN a yarn-based node project
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-'));
    const project = new javascript.NodeProject({ name: 'n', outdir, defaultReleaseBranch: 'main', packageManager: javascript.NodePackageManager.YARN_CLASSIC });
    // WHEN the job is rendered
    const job = driftCheckJob(project, planFor().pipeline.workflow!);
    // THEN it uses the frozen-lockfile install and read-only permissions
    expect(job.steps.map(s => s.run).filter(Boolean)[0]).toBe('yarn install --check-files --frozen-lockfile');
    expect(job.permissions).toEqual({ contents: 'read' });
    expect(shellcheck(job.steps[4].run!)).toEqual([]);
  });
});

describe('drift check through RustDockerProject', () => {
  test('uses the project’s npm install and ts-node projenrc', () => {
    // GIVEN the project type on a fixture repo
    const project = new RustDockerProject({ name: 'svc', outdir: fixtureOutdir('single-crate') });
    // WHEN synthesized
    const yaml = YAML.parse(Testing.synth(project)['.github/workflows/docker.yml']);
    // THEN the drift job installs with npm ci and runs projen
    expect(steps(yaml, DRIFT_JOB_ID).filter((x: any) => x.run).map((x: any) => x.run.split('\n')[0])).toEqual(['npm ci', 'npx projen', 'set -eu']);
  });
});
