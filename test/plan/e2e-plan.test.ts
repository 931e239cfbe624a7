import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { e2eScript } from '../../src/e2e/e2e-script';
import { ErrorCollector, RustDockerError } from '../../src/errors';
import { E2ePlan, resolveE2ePlan } from '../../src/plan/e2e-plan';
import { E2eSettings } from '../../src/settings';
import { shellcheck } from '../util/workflow-lint';

/** The E2E plan of these settings; throws the collected errors. */
function plan(e2e?: E2eSettings): E2ePlan {
  const errors = new ErrorCollector();
  const p = resolveE2ePlan(e2e, errors);
  errors.throwIfAny();
  return p;
}

/** The E2E tests as steps: name, CI timeout and the rendered script. */
function steps(e2e?: E2eSettings): Array<{ name: string; timeoutMinutes: number; run: string }> {
  return plan(e2e).tests.map(t => ({ name: t.name, timeoutMinutes: t.timeoutMinutes, run: e2eScript(t) }));
}

/** The RustDockerError message of failing settings. */
function errorOf(e2e: E2eSettings): string {
  try {
    plan(e2e);
  } catch (e: any) {
    expect(e.name).toBe('RustDockerError');
    return e.message;
  }
  throw new Error('expected a RustDockerError');
}

/** Runs a script with bash (or sh) and a fake `docker`/`curl` on PATH; returns status, stdout, the fake's call log. */
function runWithFakes(script: string, fakes: { [tool: string]: string }, shell = 'bash', env: { [k: string]: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'calls.log');
  for (const [tool, body] of Object.entries(fakes)) {
    fs.writeFileSync(path.join(bin, tool), `#!/bin/bash\nprintf '%s' "${tool}" >> "${log}"; for a in "$@"; do printf ' <%s>' "$a" >> "${log}"; done; echo >> "${log}"\n${body}\n`, { mode: 0o755 });
  }
  const out = spawnSync(shell, ['-c', script], {
    encoding: 'utf-8',
    env: { PATH: `${bin}:/usr/bin:/bin`, IMAGE: 'hello-svc:local', ...env },
    timeout: 20000,
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf-8').trim().split('\n') : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr, calls };
}

describe('defaults', () => {
  test('the default E2E is one smoke test: the image with no arguments, no network, a 10 s deadline', () => {
    // GIVEN no e2e settings / WHEN resolved
    const p = steps();
    // THEN one step starts the image detached, with its own CMD (no --version), and polls it for 10 s
    expect(p.map(s => [s.name, s.timeoutMinutes])).toEqual([['E2E smoke test', 10]]);
    const run = p[0].run;
    expect(run).toContain('\ndocker run -d --network=none --name "$name" "$IMAGE" >/dev/null\n');
    expect(run).toContain('\ndeadline=$(( $(date +%s) + 10 ))\n');
    expect(run).toContain('\ntrap cleanup EXIT\n');
    expect(run).not.toContain('--version');
  });

  test('the default smoke test is data: no arguments, 10 seconds', () => {
    // GIVEN no e2e settings / WHEN resolved / THEN the plan holds the smoke test's values, no script
    expect(plan().tests).toEqual([{ name: 'E2E smoke test', timeoutMinutes: 10, smoke: { args: [], seconds: 10 } }]);
  });
});

describe('E2E validation', () => {
  test('E2E commands with GitHub expressions are rejected (expression injection)', () => {
    expect(errorOf({ commands: ['curl "${{ github.event.issue.title }}"'] }))
      .toMatch(/^option "e2e.commands\[0\]": .* contains "\$\{\{". GitHub expressions .* \(script injection\)\. Read values from the environment instead/);
    expect(errorOf({ smokeArgs: ['${{ github.head_ref }}'] })).toMatch(/^option "e2e.smokeArgs\[0\]"/);
    expect(errorOf({ httpProbe: { port: 80, env: { A: '${{ secrets.X }}' } } })).toMatch(/^option "e2e.httpProbe.env.A"/);
    expect(errorOf({ httpProbe: { port: 80, args: ['${{ x }}'] } })).toMatch(/^option "e2e.httpProbe.args\[0\]"/);
    expect(errorOf({ composeFile: '${{ x }}.yml', composeService: 's' })).toMatch(/^option "e2e.composeFile"/);
  });

  test.each([0, 65536, 80.5, -1, NaN])('httpProbe port %p is rejected', (port) => {
    expect(errorOf({ httpProbe: { port } })).toMatch(/^option "e2e.httpProbe.port": .* is not a TCP port. Give an integer from 1 to 65535/);
  });

  test('httpProbe path and timeout are checked', () => {
    expect(errorOf({ httpProbe: { port: 80, path: 'health' } })).toMatch(/^option "e2e.httpProbe.path": "health" is not a URL path/);
    expect(errorOf({ httpProbe: { port: 80, path: '/a b' } })).toMatch(/^option "e2e.httpProbe.path"/);
    expect(errorOf({ httpProbe: { port: 80, timeoutSeconds: 0 } })).toMatch(/^option "e2e.httpProbe.timeoutSeconds"/);
    expect(errorOf({ httpProbe: { port: 80, env: { 'A-B': 'x' } } })).toMatch(/^option "e2e.httpProbe.env.A-B": "A-B" is not a variable name/);
  });

  test('composeFile and composeService go together', () => {
    expect(errorOf({ composeFile: 'compose.e2e.yml' })).toMatch(/^option "e2e.composeService": is required with composeFile "compose.e2e.yml"/);
    expect(errorOf({ composeService: 'test' })).toMatch(/^option "e2e.composeService": is set without composeFile/);
    expect(errorOf({ composeFile: '../x.yml', composeService: 'test' })).toMatch(/^option "e2e.composeFile": "..\/x.yml" is not a path inside the project/);
    expect(errorOf({ composeFile: 'c.yml', composeService: 'a b' })).toMatch(/^option "e2e.composeService"/);
  });

  test('each E2E step has a CI timeout, longer for a long HTTP probe', () => {
    // GIVEN a 20-minute probe deadline and the default step timeout
    const tests = plan({ commands: ['true'], httpProbe: { port: 80, timeoutSeconds: 1200 } }).tests;
    // THEN the probe step outlives its own deadline; the others keep the default
    expect(tests.map(x => x.timeoutMinutes)).toEqual([10, 10, 22]);
    expect(plan({ timeoutMinutes: 30 }).tests[0].timeoutMinutes).toBe(30);
    expect(errorOf({ timeoutMinutes: 0 })).toMatch(/^option "e2e.timeoutMinutes": 0 is not a whole number of minutes from 1 to 360/);
  });

  test('the smoke test can be turned off', () => {
    expect(plan({ smokeTest: false }).tests).toEqual([]);
  });

  test.each([0, 601, 1.5, -3, NaN, '10' as any])('smokeSeconds %p is rejected', (smokeSeconds) => {
    expect(errorOf({ smokeSeconds }))
      .toMatch(/^option "e2e.smokeSeconds": .* is not a whole number of seconds from 1 to 600. Give a whole number of seconds from 1 to 600/);
  });

  test('smokeSeconds sets the smoke deadline; the CI step outlives it', () => {
    // GIVEN the longest smoke deadline / WHEN resolved
    const [smoke] = steps({ smokeSeconds: 600 });
    // THEN the script waits 600 s and the step may run 12 minutes (the default 10 stays the floor)
    expect(smoke.run).toContain('\ndeadline=$(( $(date +%s) + 600 ))\n');
    expect(smoke.run).toContain('"ok: the container is still running after 600s"');
    expect(smoke.timeoutMinutes).toBe(12);
    expect(plan({ smokeSeconds: 1 }).tests[0].timeoutMinutes).toBe(10);
  });

  test('two bad E2E fields are both reported, not only the first', () => {
    // GIVEN a bad probe port and a bad smoke deadline / WHEN resolved into one collector
    const errors = new ErrorCollector();
    resolveE2ePlan({ httpProbe: { port: 0 }, smokeSeconds: 0 }, errors);
    // THEN both are recorded, each naming its option
    let thrown: RustDockerError | undefined;
    try {
      errors.throwIfAny();
    } catch (e: any) {
      thrown = e;
    }
    expect(thrown?.errors.map(e => e.option)).toEqual(['e2e.smokeSeconds', 'e2e.httpProbe.port']);
  });

  test('a test that cannot be built is left out; the others stay', () => {
    // GIVEN a bad second command and a bad probe port / WHEN resolved
    const errors = new ErrorCollector();
    const p = resolveE2ePlan({ commands: ['true', '${{ x }}', 'false'], httpProbe: { port: 0 } }, errors);
    // THEN the smoke test and the good commands remain, keeping their numbers
    expect(p.tests.map(t => t.name)).toEqual(['E2E smoke test', 'E2E command 1', 'E2E command 3']);
  });
});

describe('E2E scripts', () => {
  const everything: E2eSettings = {
    smokeArgs: ['--greeting', "it's $HOME `id`", ''],
    commands: ['docker run --rm "$IMAGE" --help', 'test "$(docker run --rm "$IMAGE" --version)" != ""'],
    httpProbe: { port: 8080, path: '/health?x=1&y=2', timeoutSeconds: 3, args: ['serve', '--port', '8080'], env: { RUST_LOG: "info it's" } },
    composeFile: 'e2e/compose file.yml',
    composeService: 'tests',
  };

  test('every E2E script passes shellcheck as bash and as sh, and uses no GitHub expression', () => {
    // GIVEN every kind of E2E step with awkward values
    const all = steps(everything);
    expect(all.map(s => s.name)).toEqual(['E2E smoke test', 'E2E command 1', 'E2E command 2', 'E2E HTTP probe /health?x=1&y=2 on port 8080', 'E2E compose tests']);
    for (const step of all) {
      // THEN shellcheck finds nothing at warning level
      expect(shellcheck(step.run)).toEqual([]);
      const sh = spawnSync('shellcheck', ['-s', 'sh', '-S', 'warning', '-'], { input: step.run, encoding: 'utf-8' });
      expect(sh.stdout).toBe('');
      expect(step.run).not.toContain('${{');
    }
  });

  test('a command is its own script, without trailing whitespace', () => {
    // GIVEN a multi-line command ending in blank lines / WHEN resolved and rendered
    const [test1] = plan({ smokeTest: false, commands: ['for i in 1 2; do\n  echo "$i"\ndone\n\n  '] }).tests;
    // THEN the plan keeps the command trimmed and the script runs it under set -eu
    expect(test1.command).toBe('for i in 1 2; do\n  echo "$i"\ndone');
    expect(e2eScript(test1)).toBe('set -eu\nfor i in 1 2; do\n  echo "$i"\ndone\n');
  });

  test('a test with no kind, or two, is a programming error', () => {
    expect(() => e2eScript({ name: 'E2E nothing', timeoutMinutes: 10 })).toThrow(/exactly one of smoke, httpProbe, command, compose/);
    expect(() => e2eScript({ name: 'E2E both', timeoutMinutes: 10, command: 'true', compose: { file: 'c.yml', service: 's' } }))
      .toThrow(/exactly one of/);
  });

  describe('smoke test', () => {
    const smoke = steps(everything)[0].run;
    /** A fake docker: `docker inspect` prints STATE, `docker logs` a line, `docker run` exits RUN. */
    const dockerFake = (state: string, run = 0) =>
      `case "$1" in run) exit ${run};; inspect) echo "${state}";; logs) echo "app log line"; echo "app error line" >&2;; esac; exit 0`;
    // a clock that advances one second per `date` call, and an instant sleep: deadlines without waiting
    const clock = { date: 'n=$(cat "$0.n" 2>/dev/null || echo 1000); echo $((n+1)) > "$0.n"; echo "$n"', sleep: 'exit 0' };
    const NAME = /^docker <rm> <-f> <(e2e-smoke-\d+-[0-9a-f]{8})>$/;

    test('passes every argument to the detached, network-less container unchanged', () => {
      for (const shell of ['bash', 'sh']) {
        // WHEN the script runs against a container that exits 0
        const r = runWithFakes(smoke, { docker: dockerFake('exited 0') }, shell);
        // THEN docker saw the args as separate, literal words, after the image
        expect(r.status).toBe(0);
        expect(r.calls[0]).toMatch(/^docker <run> <-d> <--network=none> <--name> <e2e-smoke-\d+-[0-9a-f]{8}> <hello-svc:local> <--greeting> <it's \$HOME `id`> <>$/);
      }
    });

    test('a container that exits 0 passes, shows its output and is removed', () => {
      // GIVEN a `--version`-style container / WHEN the script runs
      const r = runWithFakes(smoke, { docker: dockerFake('exited 0') }, 'sh');
      // THEN it passes at the first look, with the output, and the container is removed last
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('ok: the container exited with code 0');
      expect(r.stdout).toContain('app log line');
      expect(r.calls.filter(c => c.startsWith('docker <inspect>'))).toHaveLength(1);
      expect(r.calls[r.calls.length - 1]).toMatch(NAME);
    });

    test('a container that exits non-zero fails with its exit code and logs, and is removed', () => {
      // GIVEN a container that crashed at start with 3 / WHEN the script runs
      const r = runWithFakes(smoke, { docker: dockerFake('exited 3') }, 'bash');
      // THEN the step fails, says the code, prints the logs (stdout and stderr), removes the container
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('error: the container exited with code 3');
      expect(r.stdout).toContain('app log line');
      expect(r.stderr).toContain('app error line');
      expect(r.calls[r.calls.length - 1]).toMatch(NAME);
    });

    test('a container still running at the deadline passes, and is removed', () => {
      for (const shell of ['bash', 'sh']) {
        // GIVEN a server that keeps running and the default 10 s / WHEN the script runs on the fake clock
        const r = runWithFakes(steps()[0].run, { docker: dockerFake('running 0'), ...clock }, shell);
        // THEN it polled until past the deadline (a whole-second clock: at least 10 s), then passed and removed the container
        expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: 'ok: the container is still running after 10s\ncontainer logs:\napp log line\n' });
        expect(r.calls.filter(c => c.startsWith('docker <inspect>'))).toHaveLength(11);
        expect(r.calls[r.calls.length - 1]).toMatch(NAME);
      }
    });

    test('a container that dies during the wait fails', () => {
      // GIVEN a container running for two looks, then exited with 139
      const r = runWithFakes(smoke, {
        docker: 'case "$1" in inspect) n=$(cat "$0.i" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$0.i"; if [ $n -ge 3 ]; then echo "exited 139"; else echo "running 0"; fi;; esac; exit 0',
        ...clock,
      }, 'sh');
      // THEN it fails with that code
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('error: the container exited with code 139');
      expect(r.calls.filter(c => c.startsWith('docker <inspect>'))).toHaveLength(3);
    });

    test('a container that cannot start fails with docker\'s code, and is still removed', () => {
      // GIVEN `docker run` failing (e.g. the entrypoint is missing: 127)
      const r = runWithFakes(smoke, { docker: dockerFake('exited 0', 127) }, 'bash');
      // THEN the step fails with that code, without polling, and removes whatever was created
      expect(r.status).toBe(127);
      expect(r.calls.some(c => c.startsWith('docker <inspect>'))).toBe(false);
      expect(r.calls[r.calls.length - 1]).toMatch(NAME);
    });

    test('every run names its container differently', () => {
      const names = [1, 2, 3].map(() => { const c = runWithFakes(smoke, { docker: dockerFake('exited 0') }).calls; return c[c.length - 1].match(NAME)![1]; });
      expect(new Set(names).size).toBe(3);
    });
  });

  describe('HTTP probe', () => {
    const probe = steps(everything)[3].run;
    const dockerFake = (state: string) => `case "$1" in inspect) echo "${state}";; logs) echo "server log line";; esac; exit 0`;

    test('starts the container detached, polls until it answers, then removes it', () => {
      // GIVEN curl succeeding at the third try
      const r = runWithFakes(probe, {
        docker: dockerFake('running 0'),
        curl: 'n=$(cat "$0.n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$0.n"; [ $n -ge 3 ]',
        sleep: 'exit 0',
      }, 'sh');
      // THEN it passes; docker run -d had the port, env and args; the container is removed
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('ok: http://127.0.0.1:8080/health?x=1&y=2 answered');
      expect(r.calls[0]).toMatch(/^docker <run> <-d> <--network=host> <--name> <e2e-http-8080-\d+-[0-9a-f]{8}> <-e> <RUST_LOG=info it's> <hello-svc:local> <serve> <--port> <8080>$/);
      expect(r.calls.filter(c => c.startsWith('curl'))).toHaveLength(3);
      expect(r.calls.filter(c => c.startsWith('curl'))[0]).toContain('<http://127.0.0.1:8080/health?x=1&y=2>');
      expect(r.calls[r.calls.length - 1]).toMatch(/^docker <rm> <-f> <e2e-http-8080-\d+-[0-9a-f]{8}>$/);
      expect(r.calls.some(c => c.startsWith('docker <logs>'))).toBe(false);
    });

    test('gives up after timeoutSeconds, dumps the logs and still removes the container', () => {
      // GIVEN a server that never answers (timeout 3s)
      const r = runWithFakes(probe, { docker: dockerFake('running 0'), curl: 'exit 7', sleep: 'exit 0' }, 'bash');
      // THEN it fails with a clear message, shows the logs, removes the container
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('did not answer with a 2xx status within 3s');
      expect(r.stdout).toContain('server log line');
      expect(r.calls[r.calls.length - 1]).toMatch(/^docker <rm> <-f>/);
    });

    test('fails fast when the container exits', () => {
      // GIVEN a container that exited with 3
      const r = runWithFakes(probe, { docker: dockerFake('exited 3'), curl: 'exit 7', sleep: 'exit 0' }, 'sh');
      // THEN it fails at once with the code and the logs
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('error: the container exited with code 3 before answering');
      expect(r.calls.filter(c => c.startsWith('curl'))).toHaveLength(1);
      expect(r.calls.some(c => c.startsWith('docker <logs>'))).toBe(true);
    });
  });

  test('compose runs with IMAGE, exits with the service code, and always tears down', () => {
    // GIVEN docker compose up failing with 4
    const compose = steps(everything)[4].run;
    const r = runWithFakes(compose, { docker: 'if [ "$4" = up ]; then echo "IMAGE=$IMAGE"; exit 4; fi; exit 0' }, 'sh');
    // THEN the step fails with that code, and down ran after up
    expect(r.status).toBe(4);
    expect(r.stdout).toContain('IMAGE=hello-svc:local');
    expect(r.calls).toEqual([
      'docker <compose> <-f> <e2e/compose file.yml> <up> <--abort-on-container-exit> <--exit-code-from> <tests>',
      'docker <compose> <-f> <e2e/compose file.yml> <down> <--volumes> <--remove-orphans>',
    ]);
  });
});
