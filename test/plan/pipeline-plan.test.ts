import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { buildPlan, errorFrom, fixtureFacts } from './plan-test-util';
import { ACTION_VERSIONS } from '../../src/plan/action-versions';
import { BuildPlan } from '../../src/plan/build-plan';
import { WorkflowPlan } from '../../src/plan/workflow-plan';
import { ActionPinning, CacheBackend, DependencyCaching, MultiArchStrategy, PullRequestCache, RustDockerSettings, VulnerabilitySeverity } from '../../src/settings';
import { shellQuote } from '../../src/shell';

const facts = fixtureFacts('single-crate');

/** The build plan of the single-crate fixture with these settings (image and workflow options alike). */
function plan(options: RustDockerSettings = {}, projectName = 'hello-svc'): BuildPlan {
  return buildPlan({ options, workspace: facts, projectName });
}

/** The workflow part of the plan (asserted present). */
function workflowOf(options: RustDockerSettings = {}): WorkflowPlan {
  const workflow = plan(options).pipeline.workflow;
  expect(workflow).toBeDefined();
  return workflow!;
}

/** The RustDockerError message of a failing plan. */
function errorOf(options: RustDockerSettings): string {
  return errorFrom(() => plan(options)).message;
}

describe('defaults', () => {
  test('one platform on the amd64 runner, GHA cache, SHA-pinned actions, push with drift check', () => {
    // GIVEN no workflow options
    // WHEN the plan is resolved
    const { pipeline } = plan();
    const p = pipeline.workflow!;
    // THEN every default is explicit data
    expect(pipeline.workflow !== undefined).toBe(true);
    expect([p.file]).toEqual(['.github/workflows/docker.yml']);
    expect(p.imageName).toBeUndefined();
    expect(p.registry).toEqual({ host: 'ghcr.io', ghcr: true, usernameSecret: undefined, passwordSecret: 'GITHUB_TOKEN' });
    expect(p.platforms).toEqual([{ platform: 'linux/amd64', slug: 'linux-amd64', runner: 'ubuntu-24.04' }]);
    expect(p.multiArchStrategy).toBeUndefined();
    expect(p.cacheBackend).toBe(CacheBackend.GHA);
    expect(p.branches).toEqual(['main']);
    expect([p.versionTags, p.pullRequests, p.push, p.driftCheck]).toEqual([true, true, true, true]);
    expect([p.provenance, p.sbom, p.attestProvenance, p.attestPrivateRepos, p.sign, p.persistedCacheMounts !== undefined])
      .toEqual([true, false, false, false, false, false]);
    expect([p.pullRequestCache, p.rebuildCron]).toEqual([PullRequestCache.READ_ONLY, '17 4 * * 1']);
    expect(p.actions['actions/checkout']).toEqual({ uses: `actions/checkout@${ACTION_VERSIONS['actions/checkout'].sha}`, comment: ACTION_VERSIONS['actions/checkout'].version });
    expect(pipeline.localTag).toBe('hello-svc:local');
    expect(p.cacheScope).toBe('hello-svc');
  });

  test('more than one platform defaults to NATIVE_RUNNERS with the arm runner for arm64', () => {
    // GIVEN two platforms / WHEN resolved
    const p = workflowOf({ platforms: ['linux/amd64', 'linux/arm64'] });
    // THEN native runners, one per platform
    expect(p.multiArchStrategy).toBe(MultiArchStrategy.NATIVE_RUNNERS);
    expect(p.platforms.map(x => x.runner)).toEqual(['ubuntu-24.04', 'ubuntu-24.04-arm']);
    expect(p.nativePlatform.platform).toBe('linux/amd64');
  });

  test('an arm64-only image builds natively on the arm runner', () => {
    // GIVEN only arm64 / WHEN resolved
    const p = workflowOf({ platforms: ['linux/arm64'], arm64Runner: 'my-arm' });
    // THEN the arm runner is the native one and no strategy applies
    expect(p.nativePlatform).toEqual({ platform: 'linux/arm64', slug: 'linux-arm64', runner: 'my-arm' });
    expect(p.multiArchStrategy).toBeUndefined();
  });

  test('CROSS_COMPILE with several platforms goes with a cross-compiling Dockerfile', () => {
    // GIVEN the CROSS_COMPILE strategy / WHEN both parts resolve
    const { image, pipeline } = plan({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE });
    // THEN the image plan cross-compiles and the pipeline plan accepts it
    expect(image.builder.crossCompile).toBe(true);
    expect(pipeline.workflow!.multiArchStrategy).toBe(MultiArchStrategy.CROSS_COMPILE);
  });
});

describe('registry and image name', () => {
  test('a Docker Hub image logs in with the named secrets', () => {
    // GIVEN a docker.io image and secrets / WHEN resolved
    const p = workflowOf({ imageName: 'acme/api', registryUsernameSecret: 'DOCKERHUB_USER', registryPasswordSecret: 'DOCKERHUB_TOKEN' });
    // THEN the registry is docker.io and the secrets are used
    expect(p.registry).toEqual({ host: 'docker.io', ghcr: false, usernameSecret: 'DOCKERHUB_USER', passwordSecret: 'DOCKERHUB_TOKEN' });
    expect(p.cacheScope).toBe('acme-api');
  });

  test('a registry with a port is derived from the image name', () => {
    // GIVEN a private registry image / WHEN resolved
    const p = workflowOf({ imageName: 'registry.example.com:5000/team/api', registryUsernameSecret: 'U', registryPasswordSecret: 'P' });
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
    expect(workflowOf({ imageName: 'acme/api', push: false }).registry.host).toBe('docker.io');
  });

  test('a registry that disagrees with the image name, or without an image name, is rejected', () => {
    expect(errorOf({ imageName: 'ghcr.io/acme/api', registry: 'quay.io' })).toMatch(/^option "registry": "quay.io" does not match the registry of imageName/);
    expect(errorOf({ registry: 'quay.io' })).toMatch(/^option "imageName": is unset/);
    expect(workflowOf({ imageName: 'ghcr.io/acme/api', registry: 'ghcr.io' }).registry.host).toBe('ghcr.io');
  });

  test.each(['GITHUB_FOO', 'my-secret', '1TOKEN', '${{ secrets.X }}'])('secret name %j is rejected', (name) => {
    expect(errorOf({ imageName: 'acme/api', registryUsernameSecret: 'U', registryPasswordSecret: name })).toMatch(/^option "registryPasswordSecret": .* is not a GitHub secret name/);
  });
});

describe('validation', () => {
  test('a bad image option and a bad workflow option are reported together, in one error', () => {
    // GIVEN a port 0 (image) and a workflow name with a space (workflow)
    // WHEN the plan is resolved
    const err = errorFrom(() => plan({ ports: [0], workflowName: 'a b' }));
    // THEN one error lists both problems, each naming its option
    expect(err.errors).toHaveLength(2);
    expect(err.message).toMatch(/^found 2 problems:\n/);
    expect(err.message).toContain('option "ports": 0 is not a TCP port');
    expect(err.message).toContain('option "workflowName": "a b" is not a workflow file name');
  });

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
    expect(errorOf({ persistCacheMounts: true, dependencyCaching: DependencyCaching.CARGO_CHEF })).toMatch(/^option "persistCacheMounts": is true but dependencyCaching is "cargo-chef".*Set "dependencyCaching" to DependencyCaching.CACHE_MOUNTS/);
    // AND with CACHE_MOUNTS the mounts are listed
    const persisted = workflowOf({ persistCacheMounts: true, dependencyCaching: DependencyCaching.CACHE_MOUNTS }).persistedCacheMounts;
    expect(persisted!.length).toBeGreaterThan(0);
  });

  test('persisted cache mounts are exactly the image plan\'s (the Dockerfile\'s mount ids)', () => {
    // GIVEN the CACHE_MOUNTS strategy, its mounts persisted / WHEN resolved
    const { image, pipeline } = plan({ dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true });
    // THEN the workflow persists the same ids and targets the Dockerfile mounts
    expect(pipeline.workflow!.persistedCacheMounts).toEqual(image.builder.cacheMounts);
    expect(image.builder.cacheMounts).toEqual(expect.arrayContaining([
      { id: 'hello-target-$TARGETPLATFORM-gnu-release', target: '/build/target' },
      { id: 'cargo-registry', target: '/usr/local/cargo/registry' },
      { id: 'cargo-git-db', target: '/usr/local/cargo/git/db' },
    ]));
  });

  test('sign and attestProvenance need push', () => {
    expect(errorOf({ push: false, sign: true })).toMatch(/^option "sign": is true but push is false: only a pushed digest can be signed/);
    expect(errorOf({ push: false, attestProvenance: true })).toMatch(/^option "attestProvenance": is true but push is false/);
  });

  test('OWN_SCOPE pull-request caches need the GHA backend (pull requests have no registry credentials)', () => {
    expect(errorOf({ pullRequestCache: PullRequestCache.OWN_SCOPE, cacheBackend: CacheBackend.REGISTRY }))
      .toMatch(/^option "pullRequestCache": is OWN_SCOPE but cacheBackend is "registry"/);
    expect(workflowOf({ pullRequestCache: PullRequestCache.OWN_SCOPE }).pullRequestCache).toBe(PullRequestCache.OWN_SCOPE);
  });

  test('the scheduled rebuild: on with push and branches, off without; explicitly on without them is rejected', () => {
    // GIVEN / WHEN / THEN the default follows push and branches
    expect(workflowOf({ push: false }).rebuildCron).toBeUndefined();
    expect(workflowOf({ branches: [] }).rebuildCron).toBeUndefined();
    expect(workflowOf({ scheduledRebuild: false }).rebuildCron).toBeUndefined();
    expect(workflowOf({ rebuildCron: '0  3 * * *' }).rebuildCron).toBe('0 3 * * *');
    // AND asking for it where it cannot push the branch fails early
    expect(errorOf({ scheduledRebuild: true, push: false })).toMatch(/^option "scheduledRebuild": is true but push is false/);
    expect(errorOf({ scheduledRebuild: true, branches: [] })).toMatch(/^option "scheduledRebuild": is true but branches is empty/);
  });

  test.each(['', '* * * *', '0 0 * * * *', '${{ inputs.cron }}', '0 0 * * 1;id', '0 0\n* * *'])('rebuildCron %j is rejected', (rebuildCron) => {
    expect(errorOf({ rebuildCron })).toMatch(/^option "rebuildCron": /);
  });

  test('the crate SBOM follows attestProvenance by default, lists the context\'s Cargo.lock, and needs push and a lock file', () => {
    // GIVEN attestations on / WHEN resolved THEN the SBOM of Cargo.lock is attested too (none by default)
    expect(workflowOf().crateSbom).toBeUndefined();
    expect(workflowOf({ attestProvenance: true }).crateSbom).toEqual({ lockFile: 'Cargo.lock' });
    expect(buildPlan({ options: { attestProvenance: true }, workspace: facts, contextDir: 'rust' }).pipeline.workflow!.crateSbom).toEqual({ lockFile: 'rust/Cargo.lock' });
    // AND it can be asked for alone, or turned off
    expect(workflowOf({ attestSbom: true }).crateSbom).toEqual({ lockFile: 'Cargo.lock' });
    expect(workflowOf({ attestProvenance: true, attestSbom: false }).crateSbom).toBeUndefined();
    // WHEN nothing is pushed, or there is no Cargo.lock THEN asking for it is an error
    expect(errorOf({ push: false, attestSbom: true })).toMatch(/^option "attestSbom": is true but push is false/);
    const unlocked = { ...facts, lockFile: undefined };
    expect(errorFrom(() => buildPlan({ options: { attestSbom: true }, workspace: unlocked })).message).toMatch(/^option "attestSbom": is true but there is no Cargo\.lock \(Cargo\.lock\)/);
    // AND by default it is then simply left out
    expect(buildPlan({ options: { attestProvenance: true }, workspace: unlocked }).pipeline.workflow!.crateSbom).toBeUndefined();
  });

  test('the vulnerability gate is off by default; a severity turns it on, counting fixable vulnerabilities only', () => {
    expect(workflowOf().vulnerabilityGate).toBeUndefined();
    expect(workflowOf({ vulnerabilityGate: VulnerabilitySeverity.HIGH }).vulnerabilityGate).toEqual({ severity: 'high', onlyFixed: true });
    expect(errorOf({ vulnerabilityGate: 'severe' as any })).toMatch(/^option "vulnerabilityGate": "severe" is not a VulnerabilitySeverity/);
  });

  test('a workflow without any trigger is rejected', () => {
    expect(errorOf({ branches: [], versionTags: false, pullRequests: false })).toMatch(/^option "branches": is empty and versionTags and pullRequests are false/);
    // AND without the workflow it is fine
    expect(plan({ workflow: false, branches: [], versionTags: false, pullRequests: false }).pipeline.workflow).toBeUndefined();
  });

  test.each([' main', 'feat:x', '${{ github.head_ref }}', '-x', ''])('branch %j is rejected', (branch) => {
    expect(errorOf({ branches: [branch] })).toMatch(/^option "branches": /);
  });

  test.each(['docker.yml', 'a b', '', '../x'])('workflowName %j is rejected', (workflowName) => {
    expect(errorOf({ workflowName })).toMatch(/^option "workflowName": .* is not a workflow file name/);
  });

  test('runner labels are literal', () => {
    expect(errorOf({ amd64Runner: '${{ inputs.runner }}' })).toMatch(/^option "amd64Runner": .*script injection/);
    expect(workflowOf({ amd64Runner: 'self-hosted-x64' }).nativePlatform.runner).toBe('self-hosted-x64');
  });

  test('bad enum values are rejected with the valid members', () => {
    expect(errorOf({ cacheBackend: 'redis' as any })).toMatch(/^option "cacheBackend": "redis" is not a CacheBackend. Use one of CacheBackend.GHA, CacheBackend.REGISTRY, CacheBackend.NONE/);
    expect(errorOf({ actionPinning: 'tag' as any })).toMatch(/^option "actionPinning"/);
    expect(errorOf({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: 'x' as any })).toMatch(/^option "multiArchStrategy"/);
  });

  test('a non-cross-compiling Dockerfile cannot use the CROSS_COMPILE strategy', () => {
    // GIVEN crossCompile forced off with CROSS_COMPILE (whichever plan notices first, the error names the conflict)
    const options = { crossCompile: false, platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE };
    expect(() => plan(options)).toThrow(/^option "crossCompile": is false but multiArchStrategy is CROSS_COMPILE/);
  });
});

test('any project name gives a valid local tag and cache scope', () => {
  // GIVEN arbitrary project names (npm scopes, spaces, unicode, dots)
  fc.assert(fc.property(fc.string(), (name) => {
    // WHEN resolved
    const { pipeline } = plan({}, name);
    // THEN the tag is a valid docker reference and the scope a plain name
    expect(pipeline.localTag).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*:local$/);
    expect(pipeline.workflow!.cacheScope).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  }), { seed: 7, numRuns: 200 });
  expect(plan({}, '@acme/My..Service_x').pipeline.localTag).toBe('acme-my-service-x:local');
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

describe('action pinning', () => {
  test('COMMIT_SHA pins every action to a SHA with its version', () => {
    const p = workflowOf({ actionPinning: ActionPinning.COMMIT_SHA });
    for (const ref of Object.values(p.actions)) {
      expect(ref.uses).toMatch(/@[0-9a-f]{40}$/);
      expect(ref.comment).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });
});

describe('git submodules', () => {
  test('a repository with submodules checks them out recursively; one without does not', () => {
    // GIVEN Cargo facts with and without submodules / WHEN planned
    const withSubmodules = buildPlan({ workspace: { ...facts, submodules: ['crates/email/translations'] } }).pipeline.workflow!;
    // THEN only the first asks checkouts for them
    expect(withSubmodules.checkoutSubmodules).toBe(true);
    expect(workflowOf().checkoutSubmodules).toBe(false);
  });
});
