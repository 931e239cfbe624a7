/** The steps and views the image workflow's jobs are made of. */
import { github } from 'projen';
import { e2eScript } from '../e2e/e2e-script';
import { BuildPlan } from '../plan/build-plan';
import { BuildSecretPlan } from '../plan/builder-plan';
import { E2eTestPlan } from '../plan/e2e-plan';
import { WorkflowPlan } from '../plan/workflow-plan';
import { CacheBackend, PullRequestCache } from '../settings';

type JobStep = github.workflows.JobStep;
const { JobPermission } = github.workflows;

/** Steps do not run on pull requests when they log in, push, attest or sign. */
export const NOT_A_PULL_REQUEST = "github.event_name != 'pull_request'";
/** A pull-request run. */
export const IS_PULL_REQUEST = "github.event_name == 'pull_request'";
/** The scheduled rebuild. */
export const IS_SCHEDULE = "github.event_name == 'schedule'";
/** A push to one of the branches (not a tag). */
const IS_BRANCH_PUSH = "github.event_name == 'push' && github.ref_type == 'branch'";

/**
 * The events whose builds write the branches' layer cache and save the persisted cache mounts:
 * pushes to the branches and the scheduled rebuild. Tags and pull requests only read.
 */
export function writesCache(p: WorkflowPlan): string {
  return p.rebuildCron === undefined ? IS_BRANCH_PUSH : `(${IS_BRANCH_PUSH}) || ${IS_SCHEDULE}`;
}

/**
 * A value for some events only, as one GitHub expression: `${{ (c1) && 'v1' || (c2) && 'v2' || '' }}`,
 * the value of the first condition that holds, empty (the input unset) for every other event.
 * Values may hold `${{ x }}` parts (rendered with `format()`); they must not be empty.
 */
export function forEvents(cases: Array<[condition: string, value: string]>): string {
  return `\${{ ${cases.map(([c, v]) => `(${c}) && ${asExpression(v)}`).join(' || ')} || '' }}`;
}

/** A string with `${{ x }}` parts as one expression: a quoted literal, or `format('…{0}…', x)`. */
function asExpression(value: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const parts = value.split(/\$\{\{(.*?)\}\}/); // odd indices: the expressions
  if (parts.length === 1) return quote(value);
  const args: string[] = [];
  const template = parts.map((part, i) => (i % 2 === 1 ? `{${args.push(part.trim()) - 1}}` : part.replace(/[{}]/g, c => c + c))).join('');
  return `format(${quote(template)}, ${args.join(', ')})`;
}

/**
 * What the workflow renders, gathered from the plan's parts: the workflow plan, plus the build
 * context, build args and secrets of the image, the local tag and the E2E tests.
 */
export interface WorkflowView extends WorkflowPlan {
  /** The Dockerfile stages that make the runtime image (rebuilt without cache by the schedule). */
  readonly runtimeStages: string[];
  readonly contextDir: string;
  readonly dockerfilePath: string;
  /** Build args and their values in CI (GitHub expressions). */
  readonly buildArgs: Array<{ name: string; ciValue: string }>;
  readonly buildSecrets: BuildSecretPlan[];
  readonly localTag: string;
  readonly e2eTests: E2eTestPlan[];
  /** Several images: this image's final stage, the builds' `target`. */
  readonly target?: string;
  /** Several images: appended to the derived `ghcr.io/<owner>/<repo>` (`/<image>`). */
  readonly imageNameSuffix?: string;
  /** Several images: the id of this image's build job (default `image`). */
  readonly imageJobId?: string;
}

/** Id of the metadata-action step, whose outputs name the tags and labels. */
export const META_STEP_ID = 'meta';

export function workflowView(plan: BuildPlan): WorkflowView {
  return {
    ...plan.pipeline.workflow!,
    runtimeStages: plan.image.runtime.stages,
    contextDir: plan.image.context.dir,
    dockerfilePath: plan.image.context.dockerfilePath,
    // the Dockerfile declares an ARG per OCI label; CI passes metadata-action's value, so the image's labels match the pushed ones
    buildArgs: Object.entries(plan.image.runtime.labelBuildArgs).map(([label, name]) => ({
      name,
      ciValue: `\${{ fromJSON(steps.${META_STEP_ID}.outputs.json).labels['${label}'] }}`,
    })),
    buildSecrets: plan.image.builder.secrets,
    localTag: plan.pipeline.localTag,
    e2eTests: plan.pipeline.e2e.tests,
  };
}

/**
 * One build-and-load of a single platform, then the E2E steps against it: every platform that is
 * pushed gets one, before any push, on pull requests too.
 */
export interface LoadBuild {
  /** The platform (literal, or `${{ matrix.platform }}`). */
  readonly platform: string;
  /** Keys the build reads its layer cache from. */
  readonly cacheFrom: string[];
  /** The key the build exports its layer cache to (GHA only: a registry export needs push rights, so pull requests could not). */
  readonly cacheTo?: string;
  /** Tag of the loaded image (`IMAGE` of the E2E steps). */
  readonly tag: string;
  /** Step id suffix: '' (one build per job) or `_linux_arm64`. */
  readonly idSuffix: string;
  /** Step name suffix: '' or ` (linux/arm64)`. */
  readonly nameSuffix: string;
}

export function imageRef(p: WorkflowView): string {
  return p.imageName ?? '${{ steps.image.outputs.name }}';
}

/**
 * The image with its registry host, as attestations pushed to the registry need it
 * (`acme/api` → `docker.io/acme/api`; a name that starts with its host, or the derived GHCR name, as is).
 */
export function qualifiedImageRef(p: WorkflowView): string {
  const name = imageRef(p);
  return p.imageName === undefined || name.startsWith(`${p.registry.host}/`) ? name : `${p.registry.host}/${name}`;
}

/** Resolves `ghcr.io/<owner>/<repo>` lower-cased (repository names may have upper case; image names may not). */
export function imageNameStep(p: WorkflowView): JobStep[] {
  if (p.imageName) return [];
  return [{
    id: 'image',
    name: 'Image name',
    env: { IMAGE_REPOSITORY: `ghcr.io/\${{ github.repository }}${p.imageNameSuffix ?? ''}` },
    run: 'echo "name=${IMAGE_REPOSITORY,,}" >> "$GITHUB_OUTPUT"',
  }];
}

/** Id of the step that reads the commit time (SOURCE_DATE_EPOCH). */
export const SOURCE_DATE_STEP_ID = 'source_date';

/**
 * Reads the commit time after the checkout: `epoch` (SOURCE_DATE_EPOCH: the image's and its
 * history's creation time, and every file's time with `rewrite-timestamp=true`) and `created`
 * (the same instant in RFC 3339, for the `org.opencontainers.image.created` label). A rebuild of
 * the same commit then gives the same image, not one stamped with the clock.
 */
export function sourceDateStep(): JobStep {
  return {
    id: SOURCE_DATE_STEP_ID,
    name: 'Commit time (SOURCE_DATE_EPOCH)',
    run: lines([
      'echo "epoch=$(git log -1 --format=%ct)" >> "$GITHUB_OUTPUT"',
      'echo "created=$(TZ=UTC0 git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd)" >> "$GITHUB_OUTPUT"',
    ]),
  };
}

/** The build steps' environment: buildx passes SOURCE_DATE_EPOCH to BuildKit as the build arg it honours. */
export function sourceDateEnv(): { [name: string]: string } {
  return { SOURCE_DATE_EPOCH: `\${{ steps.${SOURCE_DATE_STEP_ID}.outputs.epoch }}` };
}

/**
 * The metadata-action step: tags per event and the OCI labels/annotations. `fromCommit`: the
 * `created` label and annotation are the commit time (metadata-action's own value is the clock).
 */
export function metadataStep(p: WorkflowView, fromCommit = true): JobStep {
  const created = `org.opencontainers.image.created=\${{ steps.${SOURCE_DATE_STEP_ID}.outputs.created }}`;
  const tags = [
    'type=ref,event=branch',
    'type=ref,event=pr',
    ...(p.versionTags ? ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}'] : []),
    'type=sha',
  ];
  return {
    id: META_STEP_ID,
    name: 'Image metadata',
    uses: p.actions['docker/metadata-action'].uses,
    with: { images: imageRef(p), tags: lines(tags), ...(fromCommit ? { labels: lines([created]), annotations: lines([created]) } : {}) },
  };
}

export function loginStep(p: WorkflowView): JobStep {
  const r = p.registry;
  return {
    id: 'login',
    name: `Log in to ${r.host}`,
    if: NOT_A_PULL_REQUEST,
    uses: p.actions['docker/login-action'].uses,
    with: {
      registry: r.host,
      username: r.usernameSecret ? `\${{ secrets.${r.usernameSecret} }}` : '${{ github.actor }}',
      password: `\${{ secrets.${r.passwordSecret} }}`,
    },
  };
}

export function lines(values: string[]): string {
  return values.join('\n') + '\n';
}

/** Where the layer cache of `key` lives: the branches' scope, or (`pr`) the pull request's own. */
function cacheName(p: WorkflowView, key: string, pr: boolean): string {
  const suffix = pr ? '-pr-${{ github.event.pull_request.number }}' : '';
  return p.cacheBackend === CacheBackend.REGISTRY ? `${imageRef(p)}:buildcache-${key}${suffix}` : `${p.cacheScope}-${key}${suffix}`;
}

function fromSpec(p: WorkflowView, key: string, pr = false): string {
  return p.cacheBackend === CacheBackend.REGISTRY ? `type=registry,ref=${cacheName(p, key, pr)}` : `type=gha,scope=${cacheName(p, key, pr)}`;
}

function toSpec(p: WorkflowView, key: string, pr = false): string {
  return p.cacheBackend === CacheBackend.REGISTRY
    ? `type=registry,ref=${cacheName(p, key, pr)},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
    : `type=gha,mode=max,scope=${cacheName(p, key, pr)},ignore-error=true`;
}

/** Whether pull requests keep a layer cache of their own (OWN_SCOPE, GHA). */
function ownPullRequestScope(p: WorkflowView): boolean {
  return p.pullRequestCache === PullRequestCache.OWN_SCOPE && p.cacheBackend === CacheBackend.GHA;
}

/**
 * `cache-from`: the branches' cache, on every event (what pull requests and tags may read); with
 * OWN_SCOPE a pull request reads its own scope first.
 */
export function cacheFrom(p: WorkflowView, keys: string[]): string | undefined {
  if (p.cacheBackend === CacheBackend.NONE) return undefined;
  const own = ownPullRequestScope(p) ? keys.map(k => forEvents([[IS_PULL_REQUEST, fromSpec(p, k, true)]])) : [];
  return lines([...own, ...keys.map(k => fromSpec(p, k))]);
}

/**
 * `cache-to`: written by pushes to the branches and the schedule only; with OWN_SCOPE a pull
 * request writes its own scope. Tags and (by default) pull requests write nothing.
 */
export function cacheTo(p: WorkflowView, key: string): string | undefined {
  if (p.cacheBackend === CacheBackend.NONE) return undefined;
  return forEvents([
    [writesCache(p), toSpec(p, key)],
    ...(ownPullRequestScope(p) ? [[IS_PULL_REQUEST, toSpec(p, key, true)] as [string, string]] : []),
  ]);
}

/**
 * `no-cache-filters` of the load builds: the scheduled rebuild builds the runtime stages without
 * the layer cache (the base image and its packages are fetched anew), or nothing new would ship.
 */
export function noCacheFilters(p: WorkflowView): string | undefined {
  if (p.rebuildCron === undefined || p.cacheBackend === CacheBackend.NONE) return undefined;
  return forEvents([[IS_SCHEDULE, p.runtimeStages.join(',')]]);
}

/** RUNNER: the folder passed as the named build context, whose `out/` holds the binaries built on the runner. */
export const RUNNER_BINARIES_DIR = '${{ runner.temp }}/runner-binaries';

/** Inputs shared by the load and the push build (RUNNER: the build arg and the named context that bring the runner's binaries). */
export function buildInputs(p: WorkflowView): { [key: string]: unknown } {
  const r = p.runnerBuild;
  const inputs: { [key: string]: unknown } = {
    'context': p.contextDir,
    'file': p.dockerfilePath,
    ...(p.target !== undefined ? { target: p.target } : {}),
    'labels': `\${{ steps.${META_STEP_ID}.outputs.labels }}`,
    'build-args': lines([...p.buildArgs.map(a => `${a.name}=${a.ciValue}`), ...(r ? [`${r.buildArg}=${r.buildContext}`] : [])]),
    ...(r ? { 'build-contexts': lines([`${r.buildContext}=${RUNNER_BINARIES_DIR}`]) } : {}),
  };
  // (RUNNER: cargo runs on the runner, which gets the secrets; the image build compiles nothing)
  if (p.buildSecrets.length > 0 && r === undefined) {
    inputs.secrets = lines(p.buildSecrets.map(s => `${s.id}=\${{ secrets.${s.source} }}`));
  }
  return inputs;
}

export function withDefined(inputs: { [key: string]: unknown }): { [key: string]: unknown } {
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined));
}

export function cacheMountSteps(p: WorkflowView, key: string, platforms: string[]): JobStep[] {
  if (p.persistedCacheMounts === undefined) return [];
  const cacheMap: { [dir: string]: { target: string; id: string } } = {};
  const TARGETPLATFORM = /\$\{?TARGETPLATFORM\}?/g;
  for (const m of p.persistedCacheMounts) {
    // the folder under cache-dir: the id without build-time variables (+ the platform when several are built here)
    const dir = m.id.replace(TARGETPLATFORM, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-|-$/g, '') || 'mount';
    const perPlatform = platforms.length > 1 && /\$\{?TARGETPLATFORM\}?/.test(m.id);
    for (const platform of perPlatform ? platforms : platforms.slice(0, 1)) {
      cacheMap[perPlatform ? `${dir}-${platform.replace(/\//g, '-')}` : dir] = { target: m.target, id: m.id.replace(TARGETPLATFORM, platform) };
    }
  }
  const writes = writesCache(p);
  const cache = {
    'path': '${{ runner.temp }}/cache-mounts',
    'key': `cache-mounts-${p.cacheScope}-${key}-\${{ hashFiles('**/Cargo.lock') }}`,
    'restore-keys': `cache-mounts-${p.cacheScope}-${key}-`,
  };
  const cacheRef = p.actions['actions/cache'].uses;
  return [
    {
      // pushes to the branches and the schedule: restore, and save (the post step) after the dance extracted the mounts
      id: CACHE_MOUNTS_STEP_ID,
      name: 'Restore BuildKit cache mounts (saved after the build)',
      if: writes,
      uses: cacheRef,
      with: cache,
    },
    {
      // pull requests and tags: restore only, never save
      id: 'cache_mounts_restore',
      name: 'Restore BuildKit cache mounts (read-only)',
      if: `!(${writes})`,
      uses: cacheRef.replace(/^actions\/cache@/, 'actions/cache/restore@'),
      with: cache,
    },
    {
      id: 'cache_dance',
      name: 'Inject BuildKit cache mounts',
      uses: p.actions['reproducible-containers/buildkit-cache-dance'].uses,
      with: {
        'builder': '${{ steps.buildx.outputs.name }}',
        'cache-dir': '${{ runner.temp }}/cache-mounts',
        'dockerfile': p.dockerfilePath,
        'cache-map': JSON.stringify(cacheMap, undefined, 2) + '\n',
        // extracted (for the save) only when this run saves and the exact key missed
        'skip-extraction': `\${{ steps.${CACHE_MOUNTS_STEP_ID}.outputs.cache-hit == 'true' || !(${writes}) }}`,
      },
    },
  ];
}

/** Id of the `actions/cache` step that restores and (in its post step) saves the cache mounts. */
export const CACHE_MOUNTS_STEP_ID = 'cache_mounts';

/**
 * zizmor's cache-poisoning audit flags every saving `actions/cache` in a workflow that publishes on
 * tags. Here the saving step runs only on pushes to the branches and the schedule; pull requests and
 * tags use `actions/cache/restore`, and GitHub never lets the default branch or a tag read what a pull
 * request saved: the comment written after that `uses:` line.
 */
export const CACHE_MOUNTS_ZIZMOR_IGNORE = 'zizmor: ignore[cache-poisoning] saved only on pushes to the branches and the schedule; pull requests and tags restore read-only';

/** The load build of one platform, then the plan's E2E steps against the image it loaded (never skipped on pull requests). */
export function loadBuildAndE2eSteps(p: WorkflowView, inputs: { [key: string]: unknown }, load: LoadBuild): JobStep[] {
  return [
    {
      id: `build${load.idSuffix}`,
      name: load.idSuffix === '' ? 'Build and load for testing' : `Build and load ${load.platform} for testing`,
      uses: p.actions['docker/build-push-action'].uses,
      with: withDefined({
        ...inputs,
        'platforms': load.platform,
        'load': true,
        'push': false,
        'tags': load.tag,
        'cache-from': cacheFrom(p, load.cacheFrom),
        'cache-to': load.cacheTo === undefined ? undefined : cacheTo(p, load.cacheTo),
        'no-cache-filters': noCacheFilters(p),
        'provenance': false,
        'sbom': false,
      }),
      env: sourceDateEnv(),
    },
    ...p.e2eTests.map((test, i) => ({
      id: `e2e${load.idSuffix}_${i + 1}`,
      name: `${test.name}${load.nameSuffix}`,
      env: { IMAGE: load.tag },
      run: e2eScript(test),
      timeoutMinutes: test.timeoutMinutes,
    })),
    ...vulnerabilityGateSteps(p, load),
  ];
}

/** Id of the step that decides, before the push, whether the attestation can be stored. */
export const PREFLIGHT_STEP_ID = 'attest_preflight';

/**
 * GitHub stores artifact attestations of public repositories on every plan, of private and internal
 * ones on GitHub Enterprise Cloud only; elsewhere `actions/attest-build-provenance` fails after the
 * image is pushed. This step, before any push, outputs `attest=true` on a public repository and
 * otherwise skips the attestation with a notice (none without `attestProvenance`, or with
 * `attestPrivateRepos`: the attestation always runs).
 */
export function attestPreflightSteps(p: WorkflowView): JobStep[] {
  if (!hasAttestPreflight(p)) return [];
  const notice = 'This repository is not public: GitHub stores artifact attestations of private and internal repositories only on GitHub Enterprise Cloud, '
    + 'so the image is pushed without one. Set attestPrivateRepos if your plan has them.';
  return [{
    id: PREFLIGHT_STEP_ID,
    name: 'Attestation preflight',
    if: NOT_A_PULL_REQUEST,
    env: { VISIBILITY: '${{ github.event.repository.visibility }}' },
    run: lines([
      'if [ "$VISIBILITY" = public ]; then',
      '  echo "attest=true" >> "$GITHUB_OUTPUT"',
      'else',
      `  echo "::notice title=Attestation skipped (\${VISIBILITY:-unknown} repository)::${notice}"`,
      '  echo "attest=false" >> "$GITHUB_OUTPUT"',
      'fi',
    ]),
  }];
}

/** Whether the attestation waits for the preflight's answer (not with `attestPrivateRepos`). */
export function hasAttestPreflight(p: WorkflowView): boolean {
  return (p.attestProvenance || p.crateSbom !== undefined) && !p.attestPrivateRepos && p.push;
}

/** The condition on the attestation: the preflight's answer (`output`: its output, seen from this job), when there is a preflight. */
export function attestCondition(p: WorkflowView, output: string): string | undefined {
  return hasAttestPreflight(p) ? `${output} == 'true'` : undefined;
}

/**
 * BuildKit provenance of the pushed image: `mode=max` (the Dockerfile, every build step and build
 * arg) when the repository is public, `mode=min` otherwise, so a private repository's build is not
 * published with an image that may be pulled by others.
 */
export function provenanceInput(p: WorkflowView): string | false {
  return p.provenance ? "${{ github.event.repository.visibility == 'public' && 'mode=max' || 'mode=min' }}" : false;
}

/**
 * `vulnerabilityGate`: grype scans the loaded image (OS packages, and the crates cargo-auditable
 * embedded in the binaries) and fails the job on a fixable vulnerability at or above the severity,
 * before any login or push; on pull requests too (it needs no credentials).
 */
function vulnerabilityGateSteps(p: WorkflowView, load: LoadBuild): JobStep[] {
  const gate = p.vulnerabilityGate;
  if (gate === undefined) return [];
  return [{
    id: `vulnerability_gate${load.idSuffix}`,
    name: `Vulnerability gate${load.nameSuffix}`,
    uses: p.actions['anchore/scan-action'].uses,
    with: { 'image': load.tag, 'fail-build': true, 'severity-cutoff': gate.severity, 'only-fixed': gate.onlyFixed, 'output-format': 'table' },
  }];
}

/** Where the crate SBOM is written before it is attested. */
const CRATE_SBOM_FILE = '${{ runner.temp }}/crates.cdx.json';

export function attestAndSignSteps(p: WorkflowView, digest: string, condition: string | undefined, attestIf?: string): JobStep[] {
  const attestCond = [condition, attestIf].filter(c => c !== undefined).join(' && ') || undefined;
  const steps: JobStep[] = [];
  if (p.attestProvenance) {
    steps.push({
      id: 'attest',
      name: 'Attest build provenance',
      if: attestCond,
      uses: p.actions['actions/attest-build-provenance'].uses,
      with: { 'subject-name': qualifiedImageRef(p), 'subject-digest': digest, 'push-to-registry': true },
    });
  }
  if (p.crateSbom) {
    steps.push(
      {
        id: 'crate_sbom',
        name: 'SBOM of the crates (Cargo.lock)',
        if: attestCond,
        uses: p.actions['anchore/sbom-action'].uses,
        with: {
          'file': p.crateSbom.lockFile,
          'format': 'cyclonedx-json',
          'output-file': CRATE_SBOM_FILE,
          'upload-artifact': false,
          'upload-release-assets': false,
        },
      },
      {
        id: 'attest_sbom',
        name: 'Attest the crate SBOM',
        if: attestCond,
        uses: p.actions['actions/attest'].uses,
        // no storage record: it needs `artifact-metadata: write`, which least privilege leaves out
        with: { 'subject-name': qualifiedImageRef(p), 'subject-digest': digest, 'sbom-path': CRATE_SBOM_FILE, 'push-to-registry': true, 'create-storage-record': false },
      },
    );
  }
  if (p.sign) {
    steps.push(
      { id: 'cosign_install', name: 'Install cosign', if: condition, uses: p.actions['sigstore/cosign-installer'].uses },
      {
        id: 'sign',
        name: 'Sign the image (keyless)',
        if: condition,
        env: { IMAGE_NAME: imageRef(p), DIGEST: digest },
        run: 'cosign sign --yes "$IMAGE_NAME@$DIGEST"\n',
      },
    );
  }
  return steps;
}

/** The checkout's inputs: no persisted token; submodules when the repository has some. */
export function checkoutInputs(p: WorkflowPlan): { [key: string]: unknown } {
  return { 'persist-credentials': false, ...(p.checkoutSubmodules ? { submodules: 'recursive' } : {}) };
}

/** The checkout step of the image and merge jobs. */
export function checkoutStep(p: WorkflowPlan): JobStep {
  return { id: 'checkout', name: 'Checkout', uses: p.actions['actions/checkout'].uses, with: checkoutInputs(p) };
}

export function jobPermissions(p: WorkflowView, opts: { checkout: boolean; pushes: boolean; attests: boolean }): github.workflows.JobPermissions {
  return {
    ...(opts.checkout ? { contents: JobPermission.READ } : {}),
    ...(opts.pushes && p.registry.ghcr ? { packages: JobPermission.WRITE } : {}),
    ...(opts.attests && (p.attestProvenance || p.crateSbom || p.sign) ? { idToken: JobPermission.WRITE } : {}),
    ...(opts.attests && (p.attestProvenance || p.crateSbom) ? { attestations: JobPermission.WRITE } : {}),
  };
}
