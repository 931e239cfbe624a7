import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { TaskRuntime } from 'projen/lib/cli/task-runtime';
import { e2eScript } from '../../src/e2e/e2e-script';
import { DockerTasks } from '../../src/tasks/docker-tasks';
import { AllOptions, newProject, planFor, synthWorkflow } from '../github/workflow-fixture';
import { freePort } from '../util/net';

const EVERY_E2E: AllOptions = {
  ports: [8080],
  e2e: {
    smokeArgs: ['--greeting', "it's $HOME"],
    commands: ['docker run --rm "$IMAGE" --help'],
    httpProbe: { port: 8080, path: '/healthz', timeoutSeconds: 2 },
    composeFile: 'compose.e2e.yaml',
    composeService: 'e2e',
  },
};

const SOURCE_DATE = 'epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null)}"; ';

describe('DockerTasks', () => {
  test('docker:build builds the plan’s Dockerfile and context into the local tag, with BuildKit', () => {
    // GIVEN the default plan / WHEN synthesized
    const { project } = newProject();
    new DockerTasks(project, planFor());
    const build = Testing.synth(project)['.projen/tasks.json'].tasks['docker:build'];
    // THEN one docker build step, in bash, with DOCKER_BUILDKIT=1 (and SOURCE_DATE_EPOCH when known)
    expect(build.env).toEqual({ DOCKER_BUILDKIT: '1' });
    expect(build.shell).toEqual(['bash', '-c']);
    expect(build.steps).toEqual([{ exec: `${SOURCE_DATE}docker build \${epoch:+--build-arg "SOURCE_DATE_EPOCH=$epoch"} -t hello-svc:local -f Dockerfile .` }]);
  });

  test('docker:build passes SOURCE_DATE_EPOCH: yours, else the last commit\'s time, else none (fake docker on PATH)', async () => {
    // GIVEN the tasks synthesized into a git checkout whose HEAD was committed at a known time
    const { project } = newProject();
    new DockerTasks(project, planFor());
    project.synth();
    const commitTime = '1709242200';
    const git = (...args: string[]) => spawnSync('git', args, { cwd: project.outdir, env: { ...process.env, GIT_COMMITTER_DATE: `@${commitTime} +0000`, GIT_AUTHOR_DATE: `@${commitTime} +0000` } });
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'x-'));
    const log = path.join(bin, 'calls.log');
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/bash\necho "$*" >> "${log}"\n`, { mode: 0o755 });
    const runBuild = async (env: { [name: string]: string | undefined }) => {
      const saved = { ...process.env };
      Object.assign(process.env, { PATH: `${bin}:${saved.PATH}` }, env);
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
      try {
        await new TaskRuntime(project.outdir).runTask('docker:build');
      } finally {
        process.env = saved;
      }
      return fs.readFileSync(log, 'utf-8').trim().split('\n').pop();
    };
    // WHEN it runs outside a git checkout, then in one, then with SOURCE_DATE_EPOCH set
    const outside = await runBuild({ SOURCE_DATE_EPOCH: undefined, GIT_DIR: path.join(bin, 'no-repo') });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'x');
    const inCheckout = await runBuild({ SOURCE_DATE_EPOCH: undefined });
    const given = await runBuild({ SOURCE_DATE_EPOCH: '42' });
    // THEN the build arg is absent, then the commit time, then the given value
    expect(outside).toBe('build -t hello-svc:local -f Dockerfile .');
    expect(inCheckout).toBe(`build --build-arg SOURCE_DATE_EPOCH=${commitTime} -t hello-svc:local -f Dockerfile .`);
    expect(given).toBe('build --build-arg SOURCE_DATE_EPOCH=42 -t hello-svc:local -f Dockerfile .');
  });

  test('build secrets come from the environment variable named like the GitHub secret', () => {
    const { project } = newProject();
    new DockerTasks(project, planFor({ buildSecrets: [{ id: 'npm-token' }, { id: 'git', githubSecret: 'GIT_AUTH' }] }));
    const build = Testing.synth(project)['.projen/tasks.json'].tasks['docker:build'];
    expect(build.steps[0].exec).toBe(`${SOURCE_DATE}docker build \${epoch:+--build-arg "SOURCE_DATE_EPOCH=$epoch"} -t hello-svc:local -f Dockerfile --secret id=npm-token,env=NPM_TOKEN --secret id=git,env=GIT_AUTH .`);
  });

  test('docker:e2e runs exactly the workflow’s E2E scripts, after docker:build, with the same IMAGE', () => {
    for (const options of [{}, EVERY_E2E, { platforms: ['linux/amd64', 'linux/arm64'], ...EVERY_E2E }]) {
      // GIVEN a workflow and tasks from the same plan
      const s = synthWorkflow(options);
      const task = s.tasksJson.tasks['docker:e2e'];
      const workflowE2e = s.yaml.jobs.image.steps.filter((x: any) => x.id.startsWith('e2e_'));
      // THEN the task's scripts are the workflow's, in order, byte for byte
      expect(task.steps[0]).toEqual({ spawn: 'docker:build' });
      expect(task.steps.slice(1).map((x: any) => x.exec)).toEqual(workflowE2e.map((x: any) => x.run));
      expect(task.steps.slice(1).map((x: any) => x.name)).toEqual(workflowE2e.map((x: any) => x.name));
      expect(workflowE2e.every((x: any) => x.env.IMAGE === task.env.IMAGE)).toBe(true);
      expect(task.env.IMAGE).toBe(s.plan.pipeline.localTag);
      // AND the workflow's load build produces that tag
      expect(s.yaml.jobs.image.steps.find((x: any) => x.id === 'build').with.tags).toBe(task.env.IMAGE);
    }
  });

  test('docker:run publishes the image ports and passes extra arguments', () => {
    const s = synthWorkflow(EVERY_E2E);
    expect(s.tasksJson.tasks['docker:run'].steps).toEqual([{ exec: 'docker run --rm -p 8080:8080 hello-svc:local', receiveArgs: true }]);
  });

  test('projen’s task runtime runs docker:e2e end to end (fake docker/curl on PATH)', async () => {
    // GIVEN the synthesized tasks and fakes that log their argv
    const { project } = newProject();
    new DockerTasks(project, planFor(EVERY_E2E));
    project.synth();
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'x-'));
    const log = path.join(bin, 'calls.log');
    const fake = (name: string, body: string) => fs.writeFileSync(path.join(bin, name),
      `#!/bin/bash\nprintf '%s' ${name} >> "${log}"; for a in "$@"; do printf ' <%s>' "$a" >> "${log}"; done; echo >> "${log}"\n${body}\n`, { mode: 0o755 });
    fake('docker', 'case "$1" in inspect) echo "exited 0";; esac; exit 0');
    fake('curl', 'exit 0');
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      // WHEN docker:e2e runs through projen
      await new TaskRuntime(project.outdir).runTask('docker:e2e');
    } finally {
      process.env.PATH = savedPath;
    }
    // THEN it built, then ran every E2E step against the local tag
    const calls = fs.readFileSync(log, 'utf-8').trim().split('\n');
    expect(calls[0]).toBe('docker <build> <-t> <hello-svc:local> <-f> <Dockerfile> <.>');
    expect(calls[1]).toMatch(/^docker <run> <-d> <--network=none> <--name> <e2e-smoke-\d+-[0-9a-f]{8}> <hello-svc:local> <--greeting> <it's \$HOME>$/);
    expect(calls).toContain('docker <run> <--rm> <hello-svc:local> <--help>');
    expect(calls).toContainEqual(expect.stringMatching(/^docker <run> <-d> <--network=host> <--name> <e2e-http-8080-\d+-[0-9a-f]{8}> <hello-svc:local>$/));
    expect(calls).toContain('curl <--fail> <--silent> <--show-error> <--max-time> <5> <--output> </dev/null> <http://127.0.0.1:8080/healthz>');
    expect(calls[calls.length - 1]).toBe('docker <compose> <-f> <compose.e2e.yaml> <down> <--volumes> <--remove-orphans>');
  });

  const dockerReady = spawnSync('docker', ['image', 'inspect', 'debian:bookworm-slim'], { timeout: 20000 }).status === 0;
  (dockerReady ? test : test.skip)('real Docker: the smoke and command scripts pass hostile arguments through to the container', () => {
    // GIVEN a local image as the image under test (no build needed) and hostile smoke args
    const tag = `prd-e2e-smoke:${process.pid}`;
    expect(spawnSync('docker', ['tag', 'debian:bookworm-slim', tag]).status).toBe(0);
    try {
      const hostile = "it's $HOME `id` \"q\" *";
      const plan = planFor({ e2e: { smokeArgs: ['sh', '-c', 'printf "<%s>" "$1"', 'sh', hostile], commands: ['docker run --rm "$IMAGE" true'] } });
      const [smoke, command] = plan.pipeline.e2e.tests.map(t => ({ run: e2eScript(t) }));
      // WHEN the scripts run with IMAGE set, as in CI
      const r = spawnSync('bash', ['-c', smoke.run], { env: { ...process.env, IMAGE: tag }, encoding: 'utf-8', timeout: 60000 });
      // THEN the container saw the exact argument (its output is shown after the verdict)
      expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: `ok: the container exited with code 0\ncontainer logs:\n<${hostile}>` });
      expect(spawnSync('bash', ['-c', command.run], { env: { ...process.env, IMAGE: tag }, timeout: 60000 }).status).toBe(0);
      // AND a failing container fails the step
      const failing = { run: e2eScript(planFor({ e2e: { smokeArgs: ['false'] } }).pipeline.e2e.tests[0]) };
      expect(spawnSync('bash', ['-c', failing.run], { env: { ...process.env, IMAGE: tag }, timeout: 60000 }).status).not.toBe(0);
    } finally {
      spawnSync('docker', ['rmi', tag]);
    }
  }, 120_000);

  const realProbe = (e2e: AllOptions['e2e'], tag: string) => spawnSync('bash', ['-c', e2eScript(planFor({ e2e }).pipeline.e2e.tests[0])],
    { env: { ...process.env, IMAGE: tag }, encoding: 'utf-8', timeout: 90000 });
  function withLocalImage(name: string, fn: (tag: string) => void) {
    const tag = `prd-e2e-${name}:${process.pid}`;
    expect(spawnSync('docker', ['tag', 'debian:bookworm-slim', tag]).status).toBe(0);
    try {
      fn(tag);
    } finally {
      spawnSync('docker', ['rmi', tag]);
    }
  }

  (dockerReady ? test : test.skip)('real Docker: the HTTP probe fails fast with the logs when the container dies, and removes it', () => {
    withLocalImage('http-dead', tag => {
      // GIVEN a container that exits at once / WHEN probed
      const dead = realProbe({ smokeTest: false, httpProbe: { port: 18081, timeoutSeconds: 60, args: ['sh', '-c', 'echo boom; exit 3'] } }, tag);
      // THEN it fails without waiting for the timeout, with the exit code and the container's logs
      expect(dead.status).toBe(1);
      expect(dead.stderr).toContain('error: the container exited with code 3 before answering');
      expect(dead.stdout).toContain('boom');
      // AND no container is left behind
      expect(spawnSync('docker', ['ps', '-a', '--filter', 'name=e2e-http-18081', '--format', '{{.Names}}'], { encoding: 'utf-8' }).stdout.trim()).toBe('');
    });
  }, 180_000);

  (dockerReady ? test : test.skip)('real Docker: the HTTP probe passes against a live server (host networking, no bridge needed)', async () => {
    // GIVEN a tiny HTTP server (perl-base is in debian-slim) on a free port of this host
    const port = await freePort();
    const server = `my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => ${port}, Listen => 5, ReuseAddr => 1) or die; `
      + 'while (my $c = $s->accept) { my $l = <$c>; print $c "HTTP/1.0 " . ($l =~ m{^GET /healthz } ? "200 OK" : "404 Not Found") . "\r\n\r\nok"; close $c }';
    withLocalImage('http-live', tag => {
      // WHEN probed / THEN it passes
      const ok = realProbe({ smokeTest: false, httpProbe: { port, path: '/healthz', timeoutSeconds: 30, args: ['perl', '-MIO::Socket::INET', '-e', server] } }, tag);
      expect({ status: ok.status, stdout: ok.stdout }).toEqual({ status: 0, stdout: `ok: http://127.0.0.1:${port}/healthz answered\n` });
      // AND the server's container is gone
      expect(spawnSync('docker', ['ps', '-a', '--filter', `name=e2e-http-${port}-`, '--format', '{{.Names}}'], { encoding: 'utf-8' }).stdout.trim()).toBe('');
    });
  }, 180_000);
});
