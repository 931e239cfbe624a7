import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { DependencyCaching } from '../../src/docker/rust-dockerfile-options';
import { ActionPinning, CacheBackend, ImageWorkflowOptions, MultiArchStrategy } from '../../src/github/image-workflow-options';
import { resolveImagePlan } from '../../src/plan/image-plan';
import { resolvePipelinePlan } from '../../src/plan/pipeline-plan';
import { shellQuote } from '../../src/shell';
import { shellcheck } from '../util/workflow-lint';

const facts = CargoWorkspace.load(path.join(__dirname, '..', 'fixtures', 'single-crate')).facts;

function plan(options: ImageWorkflowOptions = {}, imageOptions: Parameters<typeof resolveImagePlan>[0] = {}) {
  const image = resolveImagePlan({ platforms: options.platforms, multiArchStrategy: options.multiArchStrategy, ...imageOptions }, facts, '.');
  return resolvePipelinePlan(options, image, 'hello-svc');
}

/** The RustDockerError message of a failing plan. */
function errorOf(options: ImageWorkflowOptions, imageOptions: Parameters<typeof resolveImagePlan>[0] = {}): string {
  try {
    plan(options, imageOptions);
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
  return { status: out.status, stdout: out.stdout, stderr: out.stderr, calls };
}

describe('defaults', () => {
  test('one platform on the amd64 runner, GHA cache, major-version pins, push with drift check', () => {
    // GIVEN no workflow options
    // WHEN the plan is resolved
    const p = plan();
    // THEN every default is explicit data
    expect(p.workflow).toBe(true);
    expect(p.workflowFiles).toEqual(['.github/workflows/docker.yml']);
    expect(p.imageName).toBeUndefined();
    expect(p.registry).toEqual({ host: 'ghcr.io', ghcr: true, usernameSecret: undefined, passwordSecret: 'GITHUB_TOKEN' });
    expect(p.platforms).toEqual([{ platform: 'linux/amd64', slug: 'linux-amd64', runner: 'ubuntu-24.04' }]);
    expect(p.multiArchStrategy).toBeUndefined();
    expect(p.cacheBackend).toBe(CacheBackend.GHA);
    expect(p.branches).toEqual(['main']);
    expect([p.versionTags, p.pullRequests, p.push, p.driftCheck]).toEqual([true, true, true, true]);
    expect([p.provenance, p.sbom, p.attestProvenance, p.sign, p.persistCacheMounts]).toEqual([false, false, false, false, false]);
    expect(p.actions['actions/checkout'].uses).toBe('actions/checkout@v5');
    expect(p.localTag).toBe('hello-svc:local');
    expect(p.cacheScope).toBe('hello-svc');
  });

  test('the default E2E is one smoke test: the image with no arguments, no network, a 10 s deadline', () => {
    // GIVEN no e2e options / WHEN resolved
    const p = plan();
    // THEN one step starts the image detached, with its own CMD (no --version), and polls it for 10 s
    expect(p.e2eSteps.map(s => [s.name, s.timeoutMinutes])).toEqual([['E2E smoke test', 10]]);
    const run = p.e2eSteps[0].run;
    expect(run).toContain('\ndocker run -d --network=none --name "$name" "$IMAGE" >/dev/null\n');
    expect(run).toContain('\ndeadline=$(( $(date +%s) + 10 ))\n');
    expect(run).toContain('\ntrap cleanup EXIT\n');
    expect(run).not.toContain('--version');
  });

  test('more than one platform defaults to NATIVE_RUNNERS with the arm runner for arm64', () => {
    // GIVEN two platforms / WHEN resolved
    const p = plan({ platforms: ['linux/amd64', 'linux/arm64'] });
    // THEN native runners, one per platform
    expect(p.multiArchStrategy).toBe(MultiArchStrategy.NATIVE_RUNNERS);
    expect(p.platforms.map(x => x.runner)).toEqual(['ubuntu-24.04', 'ubuntu-24.04-arm']);
    expect(p.nativePlatform.platform).toBe('linux/amd64');
  });

  test('an arm64-only image builds natively on the arm runner', () => {
    // GIVEN only arm64 / WHEN resolved
    const p = plan({ platforms: ['linux/arm64'], arm64Runner: 'my-arm' });
    // THEN the arm runner is the native one and no strategy applies
    expect(p.nativePlatform).toEqual({ platform: 'linux/arm64', slug: 'linux-arm64', runner: 'my-arm' });
    expect(p.multiArchStrategy).toBeUndefined();
  });

  test('CROSS_COMPILE with several platforms goes with a cross-compiling Dockerfile', () => {
    // GIVEN the CROSS_COMPILE strategy / WHEN both plans resolve
    const image = resolveImagePlan({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }, facts, '.');
    // THEN the image plan cross-compiles and the pipeline plan accepts it
    expect(image.crossCompile).toBe(true);
    expect(resolvePipelinePlan({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }, image, 'x').multiArchStrategy).toBe(MultiArchStrategy.CROSS_COMPILE);
  });
});

describe('registry and image name', () => {
  test('a Docker Hub image logs in with the named secrets', () => {
    // GIVEN a docker.io image and secrets / WHEN resolved
    const p = plan({ imageName: 'acme/api', registryUsernameSecret: 'DOCKERHUB_USER', registryPasswordSecret: 'DOCKERHUB_TOKEN' });
    // THEN the registry is docker.io and the secrets are used
    expect(p.registry).toEqual({ host: 'docker.io', ghcr: false, usernameSecret: 'DOCKERHUB_USER', passwordSecret: 'DOCKERHUB_TOKEN' });
    expect(p.cacheScope).toBe('acme-api');
  });

  test('a registry with a port is derived from the image name', () => {
    // GIVEN a private registry image / WHEN resolved
    const p = plan({ imageName: 'registry.example.com:5000/team/api', registryUsernameSecret: 'U', registryPasswordSecret: 'P' });
    // THEN the host is derived and the cache scope drops it
    expect(p.registry.host).toBe('registry.example.com:5000');
    expect(p.cacheScope).toBe('team-api');
  });

  test.each([
    ['', 'is empty'],
    ['ghcr.io/Acme/API', 'upper-case'],
    ['ghcr.io/${{ github.repository }}', 'script injection'],
    ['ghcr.io/acme/api:latest', 'has a tag or digest'],
    ['ghcr.io/acme/api@sha256:abc', 'has a tag or digest'],
    ['ghcr.io/acme//api', 'not a valid image repository'],
    ['ghcr.io/acme/api-', 'not a valid image repository'],
  ])('imageName %j is rejected (%s)', (imageName, why) => {
    // GIVEN a malformed image name / WHEN resolved / THEN the error names the option and the problem
    const message = errorOf({ imageName });
    expect(message).toMatch(/^option "imageName": /);
    expect(message).toContain(why);
  });

  test('upper case gets the lower-case suggestion', () => {
    expect(errorOf({ imageName: 'ghcr.io/Acme/API' })).toContain('Use "ghcr.io/acme/api"');
  });

  test('pushing to another registry without secrets fails and names the missing secret', () => {
    // GIVEN a docker.io image without credentials / THEN the error says GITHUB_TOKEN only works for ghcr.io
    expect(errorOf({ imageName: 'acme/api' })).toMatch(/^option "registryUsernameSecret": is required to push to docker\.io \(GITHUB_TOKEN only logs in to ghcr\.io\)/);
    expect(errorOf({ imageName: 'acme/api', registryUsernameSecret: 'U' })).toMatch(/^option "registryPasswordSecret"/);
    // AND without push no credentials are needed
    expect(plan({ imageName: 'acme/api', push: false }).registry.host).toBe('docker.io');
  });

  test('a registry that disagrees with the image name, or without an image name, is rejected', () => {
    expect(errorOf({ imageName: 'ghcr.io/acme/api', registry: 'quay.io' })).toMatch(/^option "registry": "quay.io" does not match the registry of imageName/);
    expect(errorOf({ registry: 'quay.io' })).toMatch(/^option "imageName": is unset/);
    expect(plan({ imageName: 'ghcr.io/acme/api', registry: 'ghcr.io' }).registry.host).toBe('ghcr.io');
  });

  test.each(['GITHUB_FOO', 'my-secret', '1TOKEN', '${{ secrets.X }}'])('secret name %j is rejected', (name) => {
    expect(errorOf({ imageName: 'acme/api', registryUsernameSecret: 'U', registryPasswordSecret: name })).toMatch(/^option "registryPasswordSecret": .* is not a GitHub secret name/);
  });
});

describe('validation', () => {
  test.each([
    [['linux/386'], '"linux/386" is not supported'],
    [['linux/arm/v7'], 'GitHub has hosted runners for exactly these two'],
    [['windows/amd64'], 'is not supported'],
    [['linux/amd64', 'linux/amd64'], 'is listed twice'],
    [[], 'lists no platform'],
  ])('platforms %j is rejected', (platforms, why) => {
    const message = errorOf({ platforms });
    expect(message).toMatch(/^option "platforms": /);
    expect(message).toContain(why);
  });

  test('persistCacheMounts needs the CACHE_MOUNTS strategy', () => {
    // GIVEN cache mounts persisted with cargo-chef / THEN the error names the fix
    expect(errorOf({ persistCacheMounts: true })).toMatch(/^option "persistCacheMounts": is true but dependencyCaching is "cargo-chef".*Set "dependencyCaching" to DependencyCaching.CACHE_MOUNTS/);
    // AND with CACHE_MOUNTS the mounts are listed
    expect(plan({ persistCacheMounts: true }, { dependencyCaching: DependencyCaching.CACHE_MOUNTS }).cacheMounts.length).toBeGreaterThan(0);
  });

  test('persisted cache mounts are exactly the image plan\'s (the Dockerfile\'s mount ids)', () => {
    // GIVEN the CACHE_MOUNTS image plan
    const image = resolveImagePlan({ dependencyCaching: DependencyCaching.CACHE_MOUNTS }, facts, '.');
    // WHEN persisted / THEN the workflow persists the same ids and targets the Dockerfile mounts
    expect(resolvePipelinePlan({ persistCacheMounts: true }, image, 'x').cacheMounts).toEqual(image.cacheMounts);
    expect(image.cacheMounts).toEqual(expect.arrayContaining([
      { id: 'hello-target-$TARGETPLATFORM-gnu-release', target: '/build/target' },
      { id: 'cargo-registry', target: '/usr/local/cargo/registry' },
      { id: 'cargo-git-db', target: '/usr/local/cargo/git/db' },
    ]));
  });

  test('sign and attestProvenance need push', () => {
    expect(errorOf({ push: false, sign: true })).toMatch(/^option "sign": is true but push is false: only a pushed digest can be signed/);
    expect(errorOf({ push: false, attestProvenance: true })).toMatch(/^option "attestProvenance": is true but push is false/);
  });

  test('a workflow without any trigger is rejected', () => {
    expect(errorOf({ branches: [], versionTags: false, pullRequests: false })).toMatch(/^option "branches": is empty and versionTags and pullRequests are false/);
    // AND without the workflow it is fine
    expect(plan({ workflow: false, branches: [], versionTags: false, pullRequests: false }).workflowFiles).toEqual([]);
  });

  test.each([' main', 'feat:x', '${{ github.head_ref }}', '-x', ''])('branch %j is rejected', (branch) => {
    expect(errorOf({ branches: [branch] })).toMatch(/^option "branches": /);
  });

  test.each(['docker.yml', 'a b', '', '../x'])('workflowName %j is rejected', (workflowName) => {
    expect(errorOf({ workflowName })).toMatch(/^option "workflowName": .* is not a workflow file name/);
  });

  test('runner labels are literal', () => {
    expect(errorOf({ amd64Runner: '${{ inputs.runner }}' })).toMatch(/^option "amd64Runner": .*script injection/);
    expect(plan({ amd64Runner: 'self-hosted-x64' }).nativePlatform.runner).toBe('self-hosted-x64');
  });

  test('bad enum values are rejected with the valid members', () => {
    expect(errorOf({ cacheBackend: 'redis' as any })).toMatch(/^option "cacheBackend": "redis" is not a CacheBackend. Use one of CacheBackend.GHA, CacheBackend.REGISTRY, CacheBackend.NONE/);
    expect(errorOf({ actionPinning: 'tag' as any })).toMatch(/^option "actionPinning"/);
    expect(errorOf({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: 'x' as any })).toMatch(/^option "multiArchStrategy"/);
  });

  test('a non-cross-compiling Dockerfile cannot use the CROSS_COMPILE strategy', () => {
    // GIVEN crossCompile forced off with CROSS_COMPILE (whichever plan notices first, the error names the conflict)
    const image = { ...resolveImagePlan({}, facts, '.'), crossCompile: false };
    expect(() => resolvePipelinePlan({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }, image, 'x'))
      .toThrow(/^option "crossCompile": is false but multiArchStrategy is CROSS_COMPILE/);
  });
});

describe('E2E validation', () => {
  test('E2E commands with GitHub expressions are rejected (expression injection)', () => {
    expect(errorOf({ e2e: { commands: ['curl "${{ github.event.issue.title }}"'] } }))
      .toMatch(/^option "e2e.commands\[0\]": .* contains "\$\{\{". GitHub expressions .* \(script injection\)\. Read values from the environment instead/);
    expect(errorOf({ e2e: { smokeArgs: ['${{ github.head_ref }}'] } })).toMatch(/^option "e2e.smokeArgs\[0\]"/);
    expect(errorOf({ e2e: { httpProbe: { port: 80, env: { A: '${{ secrets.X }}' } } } })).toMatch(/^option "e2e.httpProbe.env.A"/);
    expect(errorOf({ e2e: { httpProbe: { port: 80, args: ['${{ x }}'] } } })).toMatch(/^option "e2e.httpProbe.args\[0\]"/);
    expect(errorOf({ e2e: { composeFile: '${{ x }}.yml', composeService: 's' } })).toMatch(/^option "e2e.composeFile"/);
  });

  test.each([0, 65536, 80.5, -1, NaN])('httpProbe port %p is rejected', (port) => {
    expect(errorOf({ e2e: { httpProbe: { port } } })).toMatch(/^option "e2e.httpProbe.port": .* is not a TCP port. Give the container port as an integer from 1 to 65535/);
  });

  test('httpProbe path and timeout are checked', () => {
    expect(errorOf({ e2e: { httpProbe: { port: 80, path: 'health' } } })).toMatch(/^option "e2e.httpProbe.path": "health" is not a URL path/);
    expect(errorOf({ e2e: { httpProbe: { port: 80, path: '/a b' } } })).toMatch(/^option "e2e.httpProbe.path"/);
    expect(errorOf({ e2e: { httpProbe: { port: 80, timeoutSeconds: 0 } } })).toMatch(/^option "e2e.httpProbe.timeoutSeconds"/);
    expect(errorOf({ e2e: { httpProbe: { port: 80, env: { 'A-B': 'x' } } } })).toMatch(/^option "e2e.httpProbe.env.A-B": "A-B" is not an environment variable name/);
  });

  test('composeFile and composeService go together', () => {
    expect(errorOf({ e2e: { composeFile: 'compose.e2e.yml' } })).toMatch(/^option "e2e.composeService": is required with composeFile "compose.e2e.yml"/);
    expect(errorOf({ e2e: { composeService: 'test' } })).toMatch(/^option "e2e.composeService": is set without composeFile/);
    expect(errorOf({ e2e: { composeFile: '../x.yml', composeService: 'test' } })).toMatch(/^option "e2e.composeFile": "..\/x.yml" is not a path inside the project/);
    expect(errorOf({ e2e: { composeFile: 'c.yml', composeService: 'a b' } })).toMatch(/^option "e2e.composeService"/);
  });

  test('each E2E step has a CI timeout, longer for a long HTTP probe', () => {
    // GIVEN a 20-minute probe deadline and the default step timeout
    const steps = plan({ e2e: { commands: ['true'], httpProbe: { port: 80, timeoutSeconds: 1200 } } }).e2eSteps;
    // THEN the probe step outlives its own deadline; the others keep the default
    expect(steps.map(x => x.timeoutMinutes)).toEqual([10, 10, 22]);
    expect(plan({ e2e: { timeoutMinutes: 30 } }).e2eSteps[0].timeoutMinutes).toBe(30);
    expect(errorOf({ e2e: { timeoutMinutes: 0 } })).toMatch(/^option "e2e.timeoutMinutes": 0 is not a number of minutes from 1 to 360/);
  });

  test('the smoke test can be turned off', () => {
    expect(plan({ e2e: { smokeTest: false } }).e2eSteps).toEqual([]);
  });

  test.each([0, 601, 1.5, -3, NaN, '10' as any])('smokeSeconds %p is rejected', (smokeSeconds) => {
    expect(errorOf({ e2e: { smokeSeconds } })).toMatch(/^option "e2e.smokeSeconds": .* is not a number of seconds from 1 to 600. Give a whole number of seconds, e.g. 10/);
  });

  test('smokeSeconds sets the smoke deadline; the CI step outlives it', () => {
    // GIVEN the longest smoke deadline / WHEN resolved
    const [smoke] = plan({ e2e: { smokeSeconds: 600 } }).e2eSteps;
    // THEN the script waits 600 s and the step may run 12 minutes (the default 10 stays the floor)
    expect(smoke.run).toContain('\ndeadline=$(( $(date +%s) + 600 ))\n');
    expect(smoke.run).toContain('"ok: the container is still running after 600s"');
    expect(smoke.timeoutMinutes).toBe(12);
    expect(plan({ e2e: { smokeSeconds: 1 } }).e2eSteps[0].timeoutMinutes).toBe(10);
  });
});

test('any project name gives a valid local tag and cache scope', () => {
  // GIVEN arbitrary project names (npm scopes, spaces, unicode, dots)
  const image = resolveImagePlan({}, facts, '.');
  fc.assert(fc.property(fc.string(), (name) => {
    // WHEN resolved
    const p = resolvePipelinePlan({}, image, name);
    // THEN the tag is a valid docker reference and the scope a plain name
    expect(p.localTag).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*:local$/);
    expect(p.cacheScope).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  }), { seed: 7, numRuns: 200 });
  expect(resolvePipelinePlan({}, image, '@acme/My..Service_x').localTag).toBe('acme-my-service-x:local');
});

describe('shellQuote', () => {
  test('safe words stay bare, others are single-quoted', () => {
    expect(shellQuote('--version')).toBe('--version');
    expect(shellQuote('a=b,c/d:e@f%g+h')).toBe('a=b,c/d:e@f%g+h');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });

  test('any string survives a round trip through bash and sh as one word', () => {
    // GIVEN hostile input: quotes, $, backticks, newlines, globs, unicode (no NUL: argv cannot hold it)
    const hostile = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom("'", '"', '`id`', '$(id)', '${HOME}', '*', '~', '\n', '\\', "a'b\"c", ' ', '-n', '!', '#x'),
    ).filter(s => !s.includes('\0'));
    const words = fc.sample(fc.array(hostile, { minLength: 1, maxLength: 6 }), { numRuns: 60, seed: 42 });
    for (const shell of ['bash', 'sh']) {
      // WHEN each array is quoted into a printf command and run
      const script = words.map(ws => `printf '%s\\0' ${ws.map(shellQuote).join(' ')}; printf '\\1'`).join('\n');
      const out = spawnSync(shell, ['-c', script], { encoding: 'utf-8' });
      // THEN the shell sees exactly the original words
      expect(out.status).toBe(0);
      const seen = out.stdout.split('\u0001').slice(0, -1).map(chunk => chunk.split('\0').slice(0, -1));
      expect(seen).toEqual(words);
    }
  });
});

describe('E2E scripts', () => {
  const everything: ImageWorkflowOptions = {
    e2e: {
      smokeArgs: ['--greeting', "it's $HOME `id`", ''],
      commands: ['docker run --rm "$IMAGE" --help', 'test "$(docker run --rm "$IMAGE" --version)" != ""'],
      httpProbe: { port: 8080, path: '/health?x=1&y=2', timeoutSeconds: 3, args: ['serve', '--port', '8080'], env: { RUST_LOG: "info it's" } },
      composeFile: 'e2e/compose file.yml',
      composeService: 'tests',
    },
  };

  test('every E2E script passes shellcheck as bash and as sh, and uses no GitHub expression', () => {
    // GIVEN every kind of E2E step with awkward values
    const steps = plan(everything).e2eSteps;
    expect(steps.map(s => s.name)).toEqual(['E2E smoke test', 'E2E command 1', 'E2E command 2', 'E2E HTTP probe /health?x=1&y=2 on port 8080', 'E2E compose tests']);
    for (const step of steps) {
      // THEN shellcheck finds nothing at warning level
      expect(shellcheck(step.run)).toEqual([]);
      const sh = spawnSync('shellcheck', ['-s', 'sh', '-S', 'warning', '-'], { input: step.run, encoding: 'utf-8' });
      expect(sh.stdout).toBe('');
      expect(step.run).not.toContain('${{');
    }
  });

  describe('smoke test', () => {
    const smoke = plan(everything).e2eSteps[0].run;
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
        const r = runWithFakes(plan().e2eSteps[0].run, { docker: dockerFake('running 0'), ...clock }, shell);
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
    const probe = plan(everything).e2eSteps[3].run;
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
    const compose = plan(everything).e2eSteps[4].run;
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

describe('action pinning', () => {
  test('COMMIT_SHA pins every action to a SHA with its version', () => {
    const p = plan({ actionPinning: ActionPinning.COMMIT_SHA });
    for (const ref of Object.values(p.actions)) {
      expect(ref.uses).toMatch(/@[0-9a-f]{40}$/);
      expect(ref.comment).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });
});
