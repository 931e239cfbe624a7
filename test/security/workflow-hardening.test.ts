/**
 * Hardening of the generated pipeline, checked on the parsed workflow over a matrix of
 * configurations: least-privilege permissions, no privileged triggers, no registry credentials
 * or write tokens on pull requests, no expressions in scripts, no persisted git credentials,
 * pinned actions when asked; and the runtime image runs as a non-root numeric UID.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { RUNNER_BUILD_STEP_ID } from '../../src/github/runner-build-steps';
import { Presets } from '../../src/presets/builtin-presets';
import { RustDockerProject, RustDockerProjectOptions } from '../../src/project/rust-docker-project';
import { DebianRelease, DependencyCaching, RuntimeBase, TargetLibc, ActionPinning, CacheBackend, MultiArchStrategy, VulnerabilitySeverity } from '../../src/settings';
import { fixtureOutdir } from '../util/fixture-project';
import { lintWorkflow } from '../util/workflow-lint';

type Options = Partial<RustDockerProjectOptions>;

function synth(options: Options, fixture = 'single-crate'): { [file: string]: any } {
  return Testing.synth(new RustDockerProject({ name: 'svc', outdir: fixtureOutdir(fixture), ...options }));
}

function workflowOf(options: Options, fixture = 'single-crate'): { text: string; wf: any } {
  const out = synth(options, fixture);
  const text = out[`.github/workflows/${options.workflowName ?? 'docker'}.yml`] as string;
  return { text, wf: YAML.parse(text) };
}

/** Configurations covering every job and step kind the workflow can have. */
const MATRIX: Array<[string, Options]> = [
  ['defaults', {}],
  ['hardened preset', { presets: [Presets.hardened()] }],
  ['hardened, two platforms on native runners', { presets: [Presets.hardened()], platforms: ['linux/amd64', 'linux/arm64'] }],
  ['QEMU multi-arch, registry cache', { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.QEMU, cacheBackend: CacheBackend.REGISTRY }],
  ['cross-compiled multi-arch', { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE }],
  ['Docker Hub with secrets, attest + sign', {
    imageName: 'docker.io/acme/api',
    registryUsernameSecret: 'DOCKERHUB_USERNAME',
    registryPasswordSecret: 'DOCKERHUB_TOKEN',
    attestProvenance: true,
    sign: true,
    provenance: true,
    sbom: true,
  }],
  ['vulnerability gate, crate SBOM, two platforms on native runners', { platforms: ['linux/amd64', 'linux/arm64'], vulnerabilityGate: VulnerabilitySeverity.HIGH, attestSbom: true }],
  ['vulnerability gate, QEMU multi-arch', { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.QEMU, vulnerabilityGate: VulnerabilitySeverity.CRITICAL }],
  ['build only (push: false)', { push: false }],
  ['cache mounts persisted', { dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true }],
  ['no drift job, no PRs, no tags', { driftCheck: false, pullRequests: false, versionTags: false, branches: ['main', 'release/*'] }],
  ['every E2E kind and build secrets', {
    e2e: { commands: ['docker run --rm "$IMAGE" --help'], httpProbe: { port: 8080, path: '/healthz', env: { MODE: 'test' } }, composeFile: 'compose.e2e.yaml', composeService: 'tests' },
    buildSecrets: [{ id: 'cargo-token', env: 'CARGO_REGISTRIES_ACME_TOKEN' }],
  }],
  ['major-version pins, MUSL on scratch, GHA cache off', { actionPinning: ActionPinning.MAJOR_VERSION, runtime: RuntimeBase.SCRATCH, targetLibc: TargetLibc.MUSL, cacheBackend: CacheBackend.NONE }],
];

const PR_GUARD = /github\.event_name\s*!=\s*'pull_request'/;

function jobs(wf: any): Array<[string, any]> {
  return Object.entries<any>(wf.jobs ?? {});
}

function steps(wf: any): Array<{ jobId: string; job: any; step: any }> {
  return jobs(wf).flatMap(([jobId, job]) => (job.steps ?? []).map((step: any) => ({ jobId, job, step })));
}

/** Whether a step (or its job) never runs for a pull_request event. */
function skippedOnPullRequests(wf: any, job: any, step: any): boolean {
  const triggers = typeof wf.on === 'object' ? Object.keys(wf.on) : [wf.on].flat();
  if (!triggers.includes('pull_request')) return true;
  return PR_GUARD.test(String(step.if ?? '')) || PR_GUARD.test(String(job.if ?? ''));
}

/**
 * Whether a step writes to the registry or uses its credentials. Build secrets given to the
 * test build (`with.secrets` of the load build) are not: a pull request from the same repository
 * cannot be built without them, and GitHub gives fork pull requests no secrets at all.
 */
function isPrivileged(step: any): boolean {
  const uses = String(step.uses ?? '');
  // build secrets reach the build on pull requests too (it needs them): build-push-action's `secrets`
  // input, and the variables of the runner build (DependencyCaching.RUNNER), which runs cargo itself
  const { secrets: _buildSecrets, ...otherInputs } = step.with ?? {};
  const env = Object.entries<string>(step.env ?? {}).filter(([, v]) => !(step.id === RUNNER_BUILD_STEP_ID && /^\$\{\{ secrets\.[\w-]+ \}\}$/.test(v)));
  const text = JSON.stringify({ ...step, with: otherInputs, env: Object.fromEntries(env) });
  if (text.includes('secrets.')) return true;
  if (/^(docker\/login-action|actions\/attest-build-provenance|actions\/attest|sigstore\/cosign-installer)@/.test(uses)) return true;
  if (uses.startsWith('docker/build-push-action@')) {
    const w = step.with ?? {};
    return w.push === true || w.push === 'true' || /push=true/.test(String(w.outputs ?? ''));
  }
  return /\b(cosign sign|imagetools create|docker push)\b/.test(String(step.run ?? ''));
}

describe.each(MATRIX)('workflow hardening: %s', (_name, options) => {
  const { text, wf } = workflowOf(options);

  test('the workflow lints clean (actionlint, action-validator, shellcheck, expressions)', async () => {
    expect(await lintWorkflow(text, 'docker.yml')).toEqual([]);
  });

  test('top-level permissions are read-only; every job declares its own, least privilege', () => {
    // GIVEN the parsed workflow THEN the default token can only read contents
    expect(wf.permissions).toEqual({ contents: 'read' });
    const usesOf = (job: any) => (job.steps ?? []).map((s: any) => String(s.uses ?? '')).join(' ');
    for (const [id, job] of jobs(wf)) {
      expect({ id, permissions: job.permissions }).toEqual({ id, permissions: expect.any(Object) });
      for (const [scope, level] of Object.entries<string>(job.permissions)) {
        if (level === 'read' || level === 'none') continue;
        // AND each write scope is justified by a step of that job
        expect({ id, scope, level }).toEqual({ id, scope: expect.stringMatching(/^(packages|id-token|attestations)$/), level: 'write' });
        if (scope === 'packages') expect({ id, pushes: (job.steps ?? []).some(isPrivileged) }).toEqual({ id, pushes: true });
        if (scope === 'id-token') expect({ id, signs: /cosign-installer|attest-build-provenance|actions\/attest@/.test(usesOf(job)) }).toEqual({ id, signs: true });
        if (scope === 'attestations') expect({ id, attests: /attest-build-provenance|actions\/attest@/.test(usesOf(job)) }).toEqual({ id, attests: true });
      }
      // AND nothing ever writes to the repository
      expect(job.permissions.contents ?? 'none').not.toBe('write');
    }
  });

  test('no privileged trigger: no pull_request_target, workflow_run or comment events', () => {
    const triggers = typeof wf.on === 'object' ? Object.keys(wf.on) : [wf.on].flat();
    for (const t of ['pull_request_target', 'workflow_run', 'issue_comment', 'pull_request_review_comment']) expect(triggers).not.toContain(t);
  });

  test('registry credentials, pushes, signing and attestations never run on pull requests', () => {
    const privileged = steps(wf).filter(({ step }) => isPrivileged(step));
    if (options.push !== false) expect(privileged.length).toBeGreaterThan(0);
    for (const { jobId, job, step } of privileged) {
      expect({ job: jobId, step: step.id, guarded: skippedOnPullRequests(wf, job, step) }).toEqual({ job: jobId, step: step.id, guarded: true });
    }
  });

  test('no `${{ }}` expression inside any run: script (values come through env)', () => {
    for (const { jobId, step } of steps(wf)) {
      if (typeof step.run === 'string') expect({ job: jobId, step: step.id, run: step.run }).toEqual({ job: jobId, step: step.id, run: expect.not.stringContaining('${{') });
    }
  });

  test('every checkout drops the token (persist-credentials: false): nothing pushes with git', () => {
    const checkouts = steps(wf).filter(({ step }) => String(step.uses ?? '').startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const { step } of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
    for (const { step } of steps(wf)) expect(String(step.run ?? '')).not.toMatch(/\bgit (push|commit)\b/);
  });

  test('actions are pinned to full commit SHAs when COMMIT_SHA is asked, to major tags otherwise', () => {
    const pinned = options.actionPinning !== ActionPinning.MAJOR_VERSION;
    for (const { step } of steps(wf)) {
      if (step.uses === undefined) continue;
      expect(step.uses).toMatch(pinned ? /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/ : /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@v\d+$/);
    }
    if (pinned) {
      // AND the text says which version each SHA is
      for (const line of text.split('\n').filter(l => /uses: /.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+( # zizmor: ignore\[[a-z-]+\] .+)?$/);
    }
  });
});

describe('pinning cannot be undone by an override', () => {
  test('under COMMIT_SHA, an actionVersions override must be a full SHA, not a tag', () => {
    // GIVEN the hardened preset (COMMIT_SHA forced) WHEN a project overrides checkout with a tag
    // THEN it is rejected, naming the action
    expect(() => synth({ presets: [Presets.hardened()], actionVersions: { 'actions/checkout': 'v4' } }))
      .toThrow(/option "actionVersions\.actions\/checkout": .*not a full commit SHA/);
    // AND a full SHA is accepted and used
    const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
    const { wf } = workflowOf({ presets: [Presets.hardened()], actionVersions: { 'actions/checkout': sha } });
    const checkouts = steps(wf).filter(s => String(s.step.uses).startsWith('actions/checkout@')).map(s => s.step.uses);
    expect(checkouts.length).toBeGreaterThan(0);
    expect(new Set(checkouts)).toEqual(new Set([`actions/checkout@${sha}`]));
  });

  test('the hardened preset forces non-root: runAsRoot: true contradicts it', () => {
    expect(() => synth({ presets: [Presets.hardened()], runAsRoot: true })).toThrow(/runAsRoot/);
  });
});

// ---------------------------------------------------------------------------------------------
// runtime user

/** USER instructions of the final stage (the image that ships). */
function finalStageUsers(dockerfile: string): string[] {
  const instructions = DockerfileParser.parse(dockerfile).getInstructions();
  const lastFrom = instructions.map(i => i.getKeyword()).lastIndexOf('FROM');
  return instructions.slice(lastFrom).filter(i => i.getKeyword() === 'USER').map(i => (i.getRawArgumentsContent() ?? '').trim());
}

const RUNTIMES: Array<[string, Options]> = [
  ['DEBIAN_SLIM', { runtime: RuntimeBase.DEBIAN_SLIM }],
  ['DISTROLESS_CC', { runtime: RuntimeBase.DISTROLESS_CC }],
  ['DISTROLESS_STATIC', { runtime: RuntimeBase.DISTROLESS_STATIC }],
  ['SCRATCH', { runtime: RuntimeBase.SCRATCH }],
  ['ALPINE', { runtime: RuntimeBase.ALPINE }],
  ['CUSTOM', { runtimeImage: 'ubuntu:24.04', debianRelease: DebianRelease.BOOKWORM }],
  ['DEBIAN_SLIM with uid 4242', { runtime: RuntimeBase.DEBIAN_SLIM, uid: 4242 }],
  ['hardened preset', { presets: [Presets.hardened()] }],
];

describe.each(RUNTIMES)('runtime user: %s', (_name, options) => {
  test('the final stage ends as a non-zero numeric UID (Kubernetes runAsNonRoot can verify it)', () => {
    const users = finalStageUsers(synth(options).Dockerfile);
    expect(users.length).toBeGreaterThan(0);
    const last = users[users.length - 1];
    expect(last).toMatch(/^\d+(:\d+)?$/);
    expect(Number(last.split(':')[0])).toBeGreaterThan(0);
    if (options.uid) expect(last).toBe(`${options.uid}:${options.uid}`);
  });

  test('runAsRoot: true is the only way to run as root', () => {
    if (options.presets) return; // the hardened preset forbids it (tested above)
    const { uid: _uid, ...rest } = options;
    const users = finalStageUsers(synth({ ...rest, runAsRoot: true }).Dockerfile);
    const last = users[users.length - 1];
    expect(last === undefined || /^(0|root)(:.*)?$/.test(last)).toBe(true);
  });
});

test('uid 0 is refused with a hint to runAsRoot', () => {
  expect(() => synth({ uid: 0 })).toThrow(/option "uid": 0 is not a non-root UID\. Set "runAsRoot" to true/);
});
