/**
 * The compose E2E across images (`composeE2e`, issue 14) in the workflow: the `e2e-compose` job
 * (needs the changes job, runs when any image changed, builds and loads every image reading its
 * cache read-only, runs compose with IMAGE_<NAME>), the image jobs that wait for it (no push unless
 * it passed), its script run with bash against a stand-in `docker`, the oracles for 2 and 5 images,
 * and the `docker:e2e-compose` task (the same script).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, Testing } from 'projen';
import * as YAML from 'yaml';
import { RustDocker } from '../../src/project/rust-docker';
import { RustDockerProject, RustDockerProjectOptions } from '../../src/project/rust-docker-project';
import { CacheBackend, MultiArchStrategy } from '../../src/settings';
import { fixtureOutdir, servicesWorkspace } from '../util/fixture-project';
import { evaluateExpressions } from '../util/gh-expressions';
import { actionlint, showFinding, zizmor } from '../util/oracles';

const WORKFLOW = '.github/workflows/docker.yml';
const COMPOSE = { file: 'e2e/compose.yaml', service: 'check' };

/** A workspace of `n` services (`svc1`…, `svc-5` for the fifth: a name with a dash) sharing a lib. */
function nServices(n: number): { dir: string; names: string[] } {
  const names = Array.from({ length: n }, (_, i) => (i === 4 ? 'svc-5' : `svc${i + 1}`));
  return { dir: servicesWorkspace(names), names };
}

/** Writes a synthesized workflow where the oracles can read it. */
function writeWorkflow(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ce2e-wf-')), '.github', 'workflows', 'docker.yml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function synth(outdir: string, options: Partial<RustDockerProjectOptions> = {}): { workflow: any; file: string } {
  const files = Testing.synth(new RustDockerProject({ name: 'shop', outdir, ...options }));
  return { workflow: YAML.parse(files[WORKFLOW]), file: writeWorkflow(files[WORKFLOW]) };
}

const step = (job: any, id: string) => job.steps.find((s: any) => s.id === id);

describe('the e2e-compose job', () => {
  test('needs the changes job, runs when any image changed; builds and loads every image, then compose up/down with IMAGE_<NAME>', () => {
    // GIVEN the multi-image fixture (api, worker) WHEN composeE2e is set
    const { workflow } = synth(fixtureOutdir('multi-image'), { composeE2e: COMPOSE });
    // THEN the job comes after the changes job and before the image jobs
    expect(Object.keys(workflow.jobs)).toEqual(['changes', 'e2e-compose', 'image_api', 'image_worker', 'drift']);
    const job = workflow.jobs['e2e-compose'];
    expect(job.needs).toBe('changes');
    expect(job.if).toBe("needs.changes.outputs.api == 'true' || needs.changes.outputs.worker == 'true'");
    expect(job['runs-on']).toBe('ubuntu-24.04');
    // read-only token; no packages or id-token rights (nothing pushed, nothing attested)
    expect(job.permissions).toEqual({ contents: 'read' });
    expect(job.steps.map((s: any) => s.id)).toEqual(['checkout', 'source_date', 'buildx', 'build_api', 'build_worker', 'compose']);
    expect(step(job, 'checkout').with['persist-credentials']).toBe(false);
    for (const name of ['api', 'worker']) {
      const build = step(job, `build_${name}`);
      expect(build.with).toMatchObject({ context: '.', file: 'Dockerfile', target: name, platforms: 'linux/amd64', load: true, push: false, tags: `shop-${name}:local` });
      // the image's own cache, read only: its job stays the one writer
      expect(build.with['cache-from']).toBe(`type=gha,scope=shop-${name}-linux-amd64\n`);
      expect(build.with['cache-to']).toBeUndefined();
      expect(build.with.provenance).toBe(false);
    }
    const compose = step(job, 'compose');
    expect(compose.env).toEqual({ IMAGE_API: 'shop-api:local', IMAGE_WORKER: 'shop-worker:local' });
    expect(compose.run).toContain('docker compose -f e2e/compose.yaml up --abort-on-container-exit --exit-code-from check\n');
    expect(compose.run).toContain('docker compose -f e2e/compose.yaml down --volumes --remove-orphans || true');
    expect(compose['timeout-minutes']).toBe(10);
  });

  test('its condition, evaluated by GitHub\'s evaluator: it runs when any image must be rebuilt, not when none does', () => {
    const { workflow } = synth(fixtureOutdir('multi-image'), { composeE2e: COMPOSE });
    const cases = [['true', 'true', true], ['true', 'false', true], ['false', 'true', true], ['false', 'false', false]] as const;
    const results = evaluateExpressions(cases.map(([api, worker]) => ({
      value: workflow.jobs['e2e-compose'].if, kind: 'condition' as const, context: { needs: { changes: { result: 'success', outputs: { api, worker } } } },
    })));
    expect(results).toEqual(cases.map(c => c[2]));
  });

  test('every image job needs it: none runs (nor pushes) unless the joint E2E passed; their conditions are unchanged', () => {
    const { workflow } = synth(fixtureOutdir('multi-image'), { composeE2e: COMPOSE });
    for (const name of ['api', 'worker']) {
      const job = workflow.jobs[`image_${name}`];
      expect(job.needs).toEqual(['changes', 'e2e-compose']);
      // no always()/failure(): the implicit success() skips the job when e2e-compose failed or was cancelled
      expect(job.if).toBe(`needs.changes.outputs.${name} == 'true'`);
      expect(step(job, 'push')).toBeDefined();
    }
  });

  test('without composeE2e: no such job, the image jobs need only the changes job', () => {
    const { workflow } = synth(fixtureOutdir('multi-image'));
    expect(workflow.jobs['e2e-compose']).toBeUndefined();
    expect(workflow.jobs.image_api.needs).toBe('changes');
  });

  test('REGISTRY cache: per image its derived name and its registry cache ref, logged in (read) first when pushing', () => {
    const { workflow } = synth(fixtureOutdir('multi-image'), { composeE2e: COMPOSE, cacheBackend: CacheBackend.REGISTRY });
    const job = workflow.jobs['e2e-compose'];
    expect(job.steps.map((s: any) => s.id)).toEqual(['checkout', 'source_date', 'image_api', 'image_worker', 'buildx', 'login', 'build_api', 'build_worker', 'compose']);
    expect(step(job, 'image_worker').env.IMAGE_REPOSITORY).toBe('ghcr.io/${{ github.repository }}/worker');
    expect(step(job, 'build_worker').with['cache-from']).toBe('type=registry,ref=${{ steps.image_worker.outputs.name }}:buildcache-linux-amd64\n');
    expect(step(job, 'build_worker').with['cache-to']).toBeUndefined();
    expect(job.permissions).toEqual({ contents: 'read', packages: 'read' });
  });

  test('several platforms: the native one only, from the cache key its job writes', () => {
    // NATIVE_RUNNERS: the amd64 matrix leg's scope
    const native = synth(fixtureOutdir('multi-image'), { composeE2e: COMPOSE, platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.NATIVE_RUNNERS });
    const nb = step(native.workflow.jobs['e2e-compose'], 'build_api');
    expect(nb.with.platforms).toBe('linux/amd64');
    expect(nb.with['cache-from']).toBe('type=gha,scope=shop-api-linux-amd64\n');
    // QEMU with a registry cache: the one ref of the multi-platform job
    const qemu = synth(fixtureOutdir('multi-image'), {
      composeE2e: COMPOSE, platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.QEMU, cacheBackend: CacheBackend.REGISTRY,
    });
    const qb = step(qemu.workflow.jobs['e2e-compose'], 'build_api');
    expect(qb.with.platforms).toBe('linux/amd64');
    expect(qb.with['cache-from']).toBe('type=registry,ref=${{ steps.image_api.outputs.name }}:buildcache-linux-amd64_linux-arm64\n');
  });

  test.each([
    ['2 images', 2],
    ['5 images (one named svc-5)', 5],
  ])('%s: IMAGE_<NAME> per image; actionlint (with shellcheck) and zizmor find nothing', (_what, n) => {
    const { dir, names } = n === 2 ? { dir: fixtureOutdir('multi-image'), names: ['api', 'worker'] } : nServices(n);
    const { workflow, file } = synth(dir, { composeE2e: COMPOSE });
    const job = workflow.jobs['e2e-compose'];
    expect(Object.keys(step(job, 'compose').env).sort()).toEqual(names.map(name => `IMAGE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`).sort());
    expect(job.steps.filter((s: any) => s.id.startsWith('build_'))).toHaveLength(n);
    for (const name of names) expect(workflow.jobs[`image_${name.replace(/-/g, '_')}`].needs).toEqual(['changes', 'e2e-compose']);
    expect([...actionlint([file]), ...zizmor([file])].map(showFinding)).toEqual([]);
  });

  test('in a projen subproject: the compose file and the build paths from the repository root; oracles clean', () => {
    const rootDir = fixtureOutdir();
    fs.cpSync(fixtureOutdir('multi-image'), path.join(rootDir, 'services', 'shop'), { recursive: true });
    const root = new Project({ name: 'monorepo', outdir: rootDir });
    const sub = new Project({ name: 'shop', parent: root, outdir: 'services/shop' });
    new RustDocker(sub, { composeE2e: COMPOSE });
    const text = Testing.synth(root)[WORKFLOW];
    const job = YAML.parse(text).jobs['e2e-compose'];
    expect(step(job, 'build_worker').with).toMatchObject({ context: 'services/shop', file: 'services/shop/Dockerfile' });
    expect(step(job, 'compose').run).toContain('docker compose -f services/shop/e2e/compose.yaml up');
    expect([...actionlint([writeWorkflow(text)]), ...zizmor([writeWorkflow(text)])].map(showFinding)).toEqual([]);
  });
});

describe('the docker:e2e-compose task', () => {
  test('builds every image, then runs the e2e-compose job\'s script with the same IMAGE_<NAME>', () => {
    const files = Testing.synth(new RustDockerProject({ name: 'shop', outdir: fixtureOutdir('multi-image'), composeE2e: COMPOSE }));
    const task = files['.projen/tasks.json'].tasks['docker:e2e-compose'];
    const job = YAML.parse(files[WORKFLOW]).jobs['e2e-compose'];
    expect(task.env).toEqual(step(job, 'compose').env);
    expect(task.steps.slice(0, 2)).toEqual([{ spawn: 'docker:build:api' }, { spawn: 'docker:build:worker' }]);
    expect(task.steps[2].exec).toBe(step(job, 'compose').run);
  });

  test('without composeE2e: no such task', () => {
    const files = Testing.synth(new RustDockerProject({ name: 'shop', outdir: fixtureOutdir('multi-image') }));
    expect(files['.projen/tasks.json'].tasks['docker:e2e-compose']).toBeUndefined();
  });
});

describe('the compose step, run with bash against a stand-in docker', () => {
  /** Runs the step's script with a `docker` that logs its arguments and IMAGE_* and exits with `upStatus` for `up`. */
  function run(upStatus: number): { status: number | null; calls: string[] } {
    const { workflow } = synth(fixtureOutdir('multi-image'), { composeE2e: COMPOSE });
    const compose = step(workflow.jobs['e2e-compose'], 'compose');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ce2e-run-'));
    const log = path.join(dir, 'calls.log');
    fs.writeFileSync(path.join(dir, 'docker'), `#!/bin/bash\necho "$* | $IMAGE_API $IMAGE_WORKER" >> ${JSON.stringify(log)}\n[ "$3 $4" != "e2e/compose.yaml up" ] || exit ${upStatus}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'step.sh'), compose.run);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', path.join(dir, 'step.sh')], {
      encoding: 'utf-8', env: { PATH: `${dir}:${process.env.PATH}`, ...compose.env },
    });
    return { status: r.status, calls: fs.readFileSync(log, 'utf-8').trim().split('\n') };
  }

  test.each([[0], [3]])('up exits %i: the step exits with it, after down (with the images\' tags in the environment)', (upStatus) => {
    const { status, calls } = run(upStatus);
    expect(status).toBe(upStatus);
    expect(calls).toEqual([
      'compose -f e2e/compose.yaml up --abort-on-container-exit --exit-code-from check | shop-api:local shop-worker:local',
      'compose -f e2e/compose.yaml down --volumes --remove-orphans | shop-api:local shop-worker:local',
    ]);
  });
});
