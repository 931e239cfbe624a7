/**
 * The generated E2E scripts, run for real: the workflow's `run:` steps (byte for byte the
 * `docker:e2e` task's) against tiny images on this machine's engine, which has no bridge network
 * (the HTTP probe uses host networking, as GitHub's Linux runners allow).
 *
 * Images: FROM debian:trixie-slim (a server that ignores its arguments, a binary that crashes at
 * start, a `--version` CLI) and FROM scratch + Debian's static busybox (`busybox httpd`).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { e2eScript } from '../../src/e2e/e2e-script';
import { ErrorCollector } from '../../src/errors';
import { resolveE2ePlan } from '../../src/plan/e2e-plan';
import { AllOptions, synthWorkflow } from '../github/workflow-fixture';
import { DOCKER, describeDocker, removeImage, uniqueTag } from '../util/docker';
import { freePort } from '../util/net';

// the engine's own client builds here (see test/util/docker.ts); the scripts use `docker` from PATH
const ENGINE_CLI = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : DOCKER;


/**
 * The E2E steps of these options, from the E2E plan and its renderer; checked identical to the
 * workflow's steps (names and scripts) and to the `docker:e2e` task's.
 */
function renderedE2e(options: AllOptions): Array<{ name: string; run: string }> {
  const errors = new ErrorCollector();
  const plan = resolveE2ePlan(options.e2e, errors);
  errors.throwIfAny();
  const planned = plan.tests.map(test => ({ name: test.name, run: e2eScript(test) }));
  const s = synthWorkflow(options);
  const workflowSteps = Object.values<any>(s.yaml.jobs).flatMap(job => job.steps ?? [])
    .filter((step: any) => typeof step.name === 'string' && step.name.startsWith('E2E '));
  const task = s.tasksJson.tasks['docker:e2e'];
  const taskSteps = task.steps.filter((step: any) => step.exec !== undefined);
  expect(taskSteps.map((step: any) => step.exec)).toEqual(workflowSteps.map((step: any) => step.run));
  expect(workflowSteps.map((step: any) => ({ name: step.name, run: step.run }))).toEqual(planned);
  return planned;
}

/** The single E2E step of these options, as rendered. */
function renderedStep(options: AllOptions, name: RegExp): string {
  const steps = renderedE2e(options).filter(step => name.test(step.name));
  expect(steps).toHaveLength(1);
  return steps[0].run;
}

interface ScriptRun {
  readonly status: number | null;
  readonly output: string;
  readonly stderr: string;
  readonly seconds: number;
}

describeDocker('generated E2E scripts on a real engine', () => {
  const tags = {
    server: uniqueTag('e2e-server'),
    crash: uniqueTag('e2e-crash'),
    cli: uniqueTag('e2e-cli'),
    httpd: uniqueTag('e2e-httpd'),
  };
  const timings: string[] = [];
  let bin: string;

  /** Runs a generated script with IMAGE set, in bash (a GitHub `run:` step, a projen task) or sh. */
  function runScript(run: string, image: string, shell = 'bash', timeoutMs = 120_000): ScriptRun {
    const started = Date.now();
    const r = spawnSync(shell, ['-c', run], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, IMAGE: image },
      encoding: 'utf-8',
      timeout: timeoutMs,
      killSignal: 'SIGTERM',
    });
    return { status: r.status, output: r.stdout + r.stderr, stderr: r.stderr, seconds: (Date.now() - started) / 1000 };
  }

  /** Runs a generated script like runScript, sending it SIGTERM after `afterMs` while still reading its output. */
  function runScriptKilledAfter(run: string, image: string, shell: string, afterMs: number): Promise<ScriptRun> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const child = spawn(shell, ['-c', run], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, IMAGE: image } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const timer = setTimeout(() => child.kill('SIGTERM'), afterMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code, output: stdout + stderr, stderr, seconds: (Date.now() - started) / 1000 });
      });
    });
  }

  /** Containers of an image that still exist (running or not), whose name starts with prefix. */
  function leftovers(image: string, prefix: string): string[] {
    const r = spawnSync(ENGINE_CLI, ['ps', '-a', '--filter', `ancestor=${image}`, '--filter', `name=${prefix}`, '--format', '{{.Names}}'], { encoding: 'utf-8' });
    expect(r.status).toBe(0);
    return r.stdout.split('\n').filter(line => line.trim() !== '');
  }

  function build(tag: string, dockerfile: string, files: Record<string, string> = {}): void {
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-e2e-ctx-'));
    try {
      for (const [name, source] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(ctx, name)), { recursive: true });
        fs.copyFileSync(source, path.join(ctx, name));
      }
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), dockerfile);
      const r = spawnSync(ENGINE_CLI, ['build', '--network=none', '-q', '-t', tag, ctx],
        { env: { ...process.env, DOCKER_BUILDKIT: '1' }, encoding: 'utf-8', timeout: 300_000 });
      if (r.status !== 0) throw new Error(`building ${tag} failed:\n${r.stdout}${r.stderr}`);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  }

  /** Debian's statically linked busybox (package busybox-static), installed when missing and root. */
  function staticBusybox(): string {
    const installed = () => spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'busybox-static'], { encoding: 'utf-8' }).stdout === 'install ok installed';
    if (!installed() && process.getuid?.() === 0) {
      spawnSync('apt-get', ['install', '-y', '-q', 'busybox-static'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 });
    }
    if (!installed()) throw new Error('needs Debian\'s busybox-static: apt-get install -y busybox-static');
    return '/bin/busybox';
  }

  beforeAll(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-e2e-bin-'));
    fs.symlinkSync(ENGINE_CLI, path.join(bin, 'docker'));
    build(tags.server, [
      'FROM debian:trixie-slim',
      // a server that ignores its arguments: `--version` or not, it serves until stopped
      'ENTRYPOINT ["sh", "-c", "echo \'server: listening\'; exec sleep 3600", "server"]',
      '',
    ].join('\n'));
    build(tags.crash, [
      'FROM debian:trixie-slim',
      'ENTRYPOINT ["sh", "-c", "echo \'boom: cannot start\' >&2; exit 3", "app"]',
      '',
    ].join('\n'));
    build(tags.cli, [
      'FROM debian:trixie-slim',
      'ENTRYPOINT ["sh", "-c", "if [ \\"$1\\" = --version ]; then echo \'app 1.2.3\'; else echo \'usage: app --version\' >&2; exit 2; fi", "app"]',
      '',
    ].join('\n'));
    const www = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-e2e-www-'));
    fs.writeFileSync(path.join(www, 'healthz'), 'ok\n');
    build(tags.httpd, [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'COPY www/ /www/',
      'ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-v", "-h", "/www"]',
      'CMD ["-p", "8080"]',
      '',
    ].join('\n'), { 'busybox': staticBusybox(), 'www/healthz': path.join(www, 'healthz') });
    fs.rmSync(www, { recursive: true, force: true });
  }, 600_000);

  afterAll(() => {
    for (const tag of Object.values(tags)) removeImage(tag);
    if (bin) fs.rmSync(bin, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`E2E script timings (seconds):\n${timings.join('\n')}`);
  });

  describe('default smoke test', () => {
    const smoke = () => renderedStep({}, /^E2E smoke test$/);

    test.each(['bash', 'sh'])('a server that ignores its arguments passes in well under 60 s, and leaves no container (%s)', (shell) => {
      // GIVEN the default smoke test (no arguments, 10 s) / WHEN run against a server
      const r = runScript(smoke(), tags.server, shell);
      timings.push(`default smoke, server ignoring args (${shell}): ${r.seconds}`);
      // THEN it passes once the server has run 10 s, shows its output, and removes the container
      expect({ status: r.status, output: r.output }).toEqual({ status: 0, output: expect.stringContaining('ok: the container is still running after 10s') });
      expect(r.output).toContain('server: listening');
      expect(r.seconds).toBeGreaterThanOrEqual(10);
      expect(r.seconds).toBeLessThan(60);
      expect(leftovers(tags.server, 'e2e-smoke-')).toEqual([]);
    }, 120_000);

    test('the issue\'s case: `--version` on a server that ignores it passes too, no longer hangs', () => {
      // GIVEN smokeArgs ["--version"] (what the default used to be) / WHEN run against the server
      const r = runScript(renderedStep({ e2e: { smokeArgs: ['--version'] } }, /^E2E smoke test$/), tags.server);
      timings.push(`smoke --version, server ignoring args: ${r.seconds}`);
      // THEN it ends at the deadline instead of serving until the CI step's timeout
      expect(r.status).toBe(0);
      expect(r.seconds).toBeLessThan(60);
      expect(leftovers(tags.server, 'e2e-smoke-')).toEqual([]);
    }, 120_000);

    test.each(['bash', 'sh'])('a binary that crashes at start fails with the crash output and exit code (%s)', (shell) => {
      // GIVEN an image whose binary prints "boom: cannot start" and exits 3 / WHEN smoke-tested
      const r = runScript(smoke(), tags.crash, shell);
      timings.push(`default smoke, crash at start (${shell}): ${r.seconds}`);
      // THEN the step fails, says the code and shows what the binary printed; nothing is left
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('error: the container exited with code 3');
      expect(r.stderr).toContain('boom: cannot start');
      expect(r.seconds).toBeLessThan(10);
      expect(leftovers(tags.crash, 'e2e-smoke-')).toEqual([]);
    }, 120_000);

    test('a `--version` CLI passes when asked for --version, and fails on a bare run', () => {
      // GIVEN a CLI that exits 0 on --version and 2 (usage) otherwise
      const version = runScript(renderedStep({ e2e: { smokeArgs: ['--version'] } }, /^E2E smoke test$/), tags.cli);
      timings.push(`smoke --version, CLI exiting 0: ${version.seconds}`);
      // THEN --version passes at once with the version shown
      expect(version.status).toBe(0);
      expect(version.output).toContain('ok: the container exited with code 0');
      expect(version.output).toContain('app 1.2.3');
      expect(version.seconds).toBeLessThan(10);
      // AND the default run (no arguments) really tests: the usage error fails it
      const bare = runScript(smoke(), tags.cli);
      expect(bare.status).toBe(1);
      expect(bare.stderr).toContain('error: the container exited with code 2');
      expect(bare.stderr).toContain('usage: app --version');
      expect(leftovers(tags.cli, 'e2e-smoke-')).toEqual([]);
    }, 120_000);

    test('a real HTTP server (busybox httpd, no network) passes the default smoke test', () => {
      const r = runScript(renderedStep({ e2e: { smokeSeconds: 2 } }, /^E2E smoke test$/), tags.httpd);
      timings.push(`smoke 2s, busybox httpd: ${r.seconds}`);
      expect(r.status).toBe(0);
      expect(r.output).toContain('ok: the container is still running after 2s');
      expect(leftovers(tags.httpd, 'e2e-smoke-')).toEqual([]);
    }, 120_000);

    test.each(['bash', 'sh'])('a cancelled run (SIGTERM, as on a CI cancel) still shows the logs and removes the container (%s)', async (shell) => {
      // GIVEN a 60 s smoke test on a server / WHEN the script is sent SIGTERM after 4 s
      const r = await runScriptKilledAfter(renderedStep({ e2e: { smokeSeconds: 60 } }, /^E2E smoke test$/), tags.server, shell, 4_000);
      timings.push(`smoke cancelled after 4s (${shell}): ${r.seconds}`);
      // THEN the TERM trap exits 143 through the cleanup: logs shown, container gone
      expect(r.status).toBe(143);
      expect(r.output).toContain('server: listening');
      expect(r.seconds).toBeLessThan(15);
      expect(leftovers(tags.server, 'e2e-smoke-')).toEqual([]);
    }, 120_000);

    test('a run killed with its output closed (SIGPIPE on every write) still removes the container', () => {
      // GIVEN spawnSync's timeout: SIGTERM, and nobody reads the output any more
      const r = runScript(renderedStep({ e2e: { smokeSeconds: 60 } }, /^E2E smoke test$/), tags.server, 'sh', 4_000);
      // THEN the cleanup survives the broken pipe: 143, and the container is gone
      expect(r.status).toBe(143);
      expect(leftovers(tags.server, 'e2e-smoke-')).toEqual([]);
    }, 120_000);
  });

  describe('HTTP probe (host networking)', () => {
    const probe = (port: number, probePath: string) => renderedStep({
      e2e: { smokeTest: false, httpProbe: { port, path: probePath, timeoutSeconds: 3, args: ['-p', `127.0.0.1:${port}`] } },
    }, /^E2E HTTP probe /);

    test('passes against busybox httpd serving the probed path, and removes the container', async () => {
      // GIVEN httpd on a free port, serving /healthz / WHEN probed
      const port = await freePort();
      const r = runScript(probe(port, '/healthz'), tags.httpd);
      timings.push(`HTTP probe, 200: ${r.seconds}`);
      // THEN it passes; the container is gone
      expect({ status: r.status, output: r.output }).toEqual({ status: 0, output: `ok: http://127.0.0.1:${port}/healthz answered\n` });
      expect(leftovers(tags.httpd, `e2e-http-${port}-`)).toEqual([]);
    }, 120_000);

    test('fails with the logs when the path is 404, and removes the container', async () => {
      // GIVEN the same server, probed on a path it does not serve
      const port = await freePort();
      const r = runScript(probe(port, '/missing'), tags.httpd, 'sh');
      timings.push(`HTTP probe, 404 until the 3 s deadline: ${r.seconds}`);
      // THEN it fails at the deadline, with curl's error and httpd's request log
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`error: http://127.0.0.1:${port}/missing did not answer with a 2xx status within 3s`);
      expect(r.stderr).toContain('404');
      expect(r.output).toContain('container logs:');
      expect(r.output).toMatch(/response:404/);
      expect(r.seconds).toBeLessThan(30);
      expect(leftovers(tags.httpd, `e2e-http-${port}-`)).toEqual([]);
    }, 120_000);

    test('fails fast with the exit code when the server cannot start', async () => {
      // GIVEN httpd given a bad option (it prints its usage and exits 1)
      const port = await freePort();
      const run = renderedStep({ e2e: { smokeTest: false, httpProbe: { port, timeoutSeconds: 60, args: ['--no-such-option'] } } }, /^E2E HTTP probe /);
      const r = runScript(run, tags.httpd);
      timings.push(`HTTP probe, server exits at once: ${r.seconds}`);
      // THEN it fails well before the 60 s deadline, with the code and httpd's complaint
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/error: the container exited with code [1-9]\d* before answering/);
      expect(r.output).toContain('container logs:');
      expect(r.seconds).toBeLessThan(30);
      expect(leftovers(tags.httpd, `e2e-http-${port}-`)).toEqual([]);
    }, 120_000);
  });
});
