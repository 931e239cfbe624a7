/**
 * The compose E2E across images (`composeE2e`, issue 14), for real: Docker Compose v2 built from the
 * Go module proxy (scripts/compose-setup.sh, cached under /var/tmp), the two images of the
 * multi-image fixture (api, worker) built with the inputs of the generated `e2e-compose` job's
 * build steps (`--target`, `--platform`, `--load`) on the lab builder, then the job's compose step
 * run with bash as a runner runs it: a compose file (host networking: the lab has no bridge) brings
 * up api and worker together, and the `check` service, started only after both completed
 * successfully, decides. A failing check fails the step, and `down` leaves no container behind.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { RustDockerProject } from '../../src/project/rust-docker-project';
import { buildImage, describeDocker, DOCKER, DOCKER_TEST_TIMEOUT, prepareFixture, REPO_ROOT, removeImage, uniqueTag } from '../util/docker';
import { fixtureOutdir } from '../util/fixture-project';

const COMPOSE_FILE = 'e2e/compose.yaml';

/** api and worker with host networking; `check` runs once both exited 0, with the given command. */
function composeFile(checkCommand: string): string {
  return YAML.stringify({
    services: {
      api: { image: '${IMAGE_API}', network_mode: 'host' },
      worker: { image: '${IMAGE_WORKER}', network_mode: 'host' },
      check: {
        image: '${IMAGE_WORKER}',
        network_mode: 'host',
        depends_on: { api: { condition: 'service_completed_successfully' }, worker: { condition: 'service_completed_successfully' } },
        entrypoint: ['/bin/sh', '-c', checkCommand],
      },
    },
  });
}

describeDocker('composeE2e: api and worker brought up together by Docker Compose v2', () => {
  const tags: string[] = [];
  let ctx: string;
  let job: any;
  /** The compose step's environment with the tags built here. */
  let env: { [name: string]: string };

  beforeAll(async () => {
    // GIVEN Docker Compose v2 from the Go module proxy, as the engine client's plugin
    const t0 = Date.now();
    const bin = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/compose-setup.sh')], { encoding: 'utf-8', timeout: 15 * 60_000 }).trim().split('\n').pop()!;
    expect(execFileSync(DOCKER, ['compose', 'version'], { encoding: 'utf-8' })).toMatch(/Docker Compose version v2\./);
    // eslint-disable-next-line no-console
    console.log(`[compose-e2e] compose ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (${bin})`);

    // AND the multi-image project with composeE2e, its generated Dockerfile and workflow
    const synthDir = fixtureOutdir('multi-image');
    const files = Testing.synth(new RustDockerProject({
      name: 'shop', outdir: synthDir, rustVersion: '1', composeE2e: { file: COMPOSE_FILE, service: 'check' },
    }));
    job = YAML.parse(files['.github/workflows/docker.yml']).jobs['e2e-compose'];
    ctx = prepareFixture('multi-image');
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), files.Dockerfile);
    fs.writeFileSync(path.join(ctx, '.dockerignore'), files['.dockerignore']);
    fs.mkdirSync(path.join(ctx, 'e2e'));

    // AND every image built as the job's build steps say (the lab has no GHA cache: none is read)
    const localToBuilt: { [tag: string]: string } = {};
    for (const build of job.steps.filter((s: any) => s.id.startsWith('build_'))) {
      const tag = uniqueTag(`compose-${build.with.target}`);
      tags.push(tag);
      const r = await buildImage({
        context: path.join(ctx, build.with.context),
        dockerfile: path.join(ctx, build.with.file),
        tag,
        target: build.with.target,
        platform: build.with.platforms,
      });
      if (!r.ok) throw new Error(`build of ${build.with.target} failed:\n${r.log.slice(-6000)}`);
      // eslint-disable-next-line no-console
      console.log(`[compose-e2e] ${build.with.target} built in ${r.seconds}s`);
      localToBuilt[build.with.tags] = tag;
    }
    const compose = job.steps.find((s: any) => s.id === 'compose');
    expect(Object.keys(compose.env)).toEqual(['IMAGE_API', 'IMAGE_WORKER']);
    env = Object.fromEntries(Object.entries(compose.env as { [k: string]: string }).map(([k, local]) => [k, localToBuilt[local]]));
    expect(Object.values(env).every(v => v !== undefined)).toBe(true);
  }, DOCKER_TEST_TIMEOUT);

  afterAll(() => tags.forEach(removeImage));

  /** Runs the job's compose step with bash in the checkout, `docker` being the engine's client. */
  function runComposeStep(): { status: number | null; output: string } {
    const shim = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-shim-'));
    fs.symlinkSync(DOCKER, path.join(shim, 'docker'));
    const script = path.join(shim, 'step.sh');
    fs.writeFileSync(script, job.steps.find((s: any) => s.id === 'compose').run);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: ctx, encoding: 'utf-8', timeout: 300_000, env: { ...process.env, PATH: `${shim}:${process.env.PATH}`, ...env },
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** Containers of this checkout's compose project (compose names it after the folder). */
  function projectContainers(): string[] {
    const out = execFileSync(DOCKER, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${path.basename(ctx).toLowerCase()}`], { encoding: 'utf-8' });
    return out.split('\n').filter(Boolean);
  }

  test('both images run, the check starts after both completed, the step exits 0 and down removes every container', () => {
    // GIVEN a check that passes once api and worker exited 0
    fs.writeFileSync(path.join(ctx, COMPOSE_FILE), composeFile('echo "joint e2e ok"'));
    // WHEN the job's compose step runs
    const { status, output } = runComposeStep();
    // THEN
    expect(output).toMatch(/api-1\s+\| hello from api/);
    expect(output).toMatch(/worker-1\s+\| hello from worker/);
    expect(output).toMatch(/check-1\s+\| joint e2e ok/);
    expect(status).toBe(0);
    expect(projectContainers()).toEqual([]);
  }, DOCKER_TEST_TIMEOUT);

  test('a failing check fails the step (its exit code), and down still runs', () => {
    fs.writeFileSync(path.join(ctx, COMPOSE_FILE), composeFile('echo "joint e2e failed" >&2; exit 7'));
    const { status, output } = runComposeStep();
    expect(output).toMatch(/check-1\s+\| joint e2e failed/);
    expect(status).toBe(7);
    expect(projectContainers()).toEqual([]);
  }, DOCKER_TEST_TIMEOUT);
});
