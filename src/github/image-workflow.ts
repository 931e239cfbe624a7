import { github } from 'projen';
import { addActionVersionComments } from './action-versions';
import { DRIFT_JOB_ID, driftCheckJob } from './drift-check';
import { CacheBackend, MultiArchStrategy } from './image-workflow-options';
import { BuildPlan } from '../plan/build-plan';
import { PipelinePlan } from '../plan/pipeline-plan';

type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;
const { JobPermission } = github.workflows;

/** Steps do not run on pull requests when they log in, push, attest or sign. */
const NOT_A_PULL_REQUEST = "github.event_name != 'pull_request'";

/** The platform a build job works on: literal, or the matrix of the NATIVE_RUNNERS strategy. */
interface JobPlatform {
  /** Platform(s) of the load build (the runner's own). */
  readonly loadPlatform: string;
  /** Cache key of the load build. */
  readonly loadKey: string;
  /** Platforms of the push build. */
  readonly pushPlatforms: string;
  /** Cache key of the push build. */
  readonly pushKey: string;
  /** Whether the push build is by digest (matrix job, merged later). */
  readonly byDigest: boolean;
}

/**
 * The GitHub image workflow: build and load the image for the runner's platform → run the E2E
 * steps against it → push (never on pull requests) with the full tag set, reusing the layers.
 *
 * Built on projen's `GithubWorkflow`: patch it with `updateJob`, `patchStep` (every step has an
 * `id`), `file.addOverride`, or override action references with `GitHub.actions.set()`.
 *
 * Jobs: `image` (a matrix over platforms with the NATIVE_RUNNERS strategy), `merge` (NATIVE_RUNNERS
 * with more than one platform, when pushing: one manifest list from the per-platform digests),
 * `drift` (the drift check, unless disabled).
 */
export class ImageWorkflow extends github.GithubWorkflow {
  /** Id of the build/test/push job. */
  public static readonly IMAGE_JOB_ID = 'image';
  /** Id of the manifest-merge job (NATIVE_RUNNERS with more than one platform). */
  public static readonly MERGE_JOB_ID = 'merge';
  /** Id of the drift-check job. */
  public static readonly DRIFT_JOB_ID = DRIFT_JOB_ID;

  /** The plan this workflow renders. */
  public readonly plan: BuildPlan;

  /**
   * @param gh the project's GitHub component
   * @param plan the resolved build plan (`RustDocker.plan`)
   */
  public constructor(gh: github.GitHub, plan: BuildPlan) {
    const p = plan.pipeline;
    super(gh, p.workflowName, {
      fileName: `${p.workflowName}.yml`,
      limitConcurrency: true,
      concurrencyOptions: { group: '${{ github.workflow }}-${{ github.ref }}', cancelInProgress: false },
    });
    this.plan = plan;

    // superseded runs are cancelled for pull requests only: a push to main always finishes
    this.file?.addOverride('concurrency.cancel-in-progress', "${{ github.event_name == 'pull_request' }}");
    // read-only token unless a job asks for more (every job states its own permissions)
    this.file?.addOverride('permissions', { contents: 'read' });

    this.on(renderTriggers(p));

    const nativeMatrix = p.multiArchStrategy === MultiArchStrategy.NATIVE_RUNNERS;
    this.addJob(ImageWorkflow.IMAGE_JOB_ID, imageJob(plan, nativeMatrix));
    if (nativeMatrix && p.push) {
      this.addJob(ImageWorkflow.MERGE_JOB_ID, mergeJob(plan));
    }
    if (p.driftCheck) {
      this.addJob(ImageWorkflow.DRIFT_JOB_ID, driftCheckJob(this.project, p));
    }

    const file = this.file;
    if (file) {
      // `# vX.Y.Z` comments after SHA pins (Renovate/Dependabot read them)
      const fileWithSynth = file as unknown as { synthesizeContent(resolver: unknown): string | undefined };
      const render = fileWithSynth.synthesizeContent.bind(file);
      fileWithSynth.synthesizeContent = (resolver: unknown) => {
        const text = render(resolver);
        return text === undefined ? undefined : addActionVersionComments(text, p.actions);
      };
    }
  }
}

function renderTriggers(p: PipelinePlan): github.workflows.Triggers {
  const pushTrigger: { branches?: string[]; tags?: string[] } = {};
  if (p.branches.length > 0) pushTrigger.branches = p.branches;
  if (p.versionTags) pushTrigger.tags = ['v*'];
  return {
    ...(pushTrigger.branches || pushTrigger.tags ? { push: pushTrigger } : {}),
    ...(p.pullRequests ? { pullRequest: p.branches.length > 0 ? { branches: p.branches } : {} } : {}),
  };
}

function imageRef(p: PipelinePlan): string {
  return p.imageName ?? '${{ steps.image.outputs.name }}';
}

/** Resolves `ghcr.io/<owner>/<repo>` lower-cased (repository names may have upper case; image names may not). */
function imageNameStep(p: PipelinePlan): JobStep[] {
  if (p.imageName) return [];
  return [{
    id: 'image',
    name: 'Image name',
    env: { IMAGE_REPOSITORY: 'ghcr.io/${{ github.repository }}' },
    run: 'echo "name=${IMAGE_REPOSITORY,,}" >> "$GITHUB_OUTPUT"',
  }];
}

function metadataStep(p: PipelinePlan): JobStep {
  const tags = [
    'type=ref,event=branch',
    'type=ref,event=pr',
    ...(p.versionTags ? ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}'] : []),
    'type=sha',
  ];
  return {
    id: 'meta',
    name: 'Image metadata',
    uses: p.actions['docker/metadata-action'].uses,
    with: { images: imageRef(p), tags: lines(tags) },
  };
}

function loginStep(p: PipelinePlan): JobStep {
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

function lines(values: string[]): string {
  return values.join('\n') + '\n';
}

function cacheFrom(p: PipelinePlan, keys: string[]): string | undefined {
  switch (p.cacheBackend) {
    case CacheBackend.GHA:
      return lines(keys.map(k => `type=gha,scope=${p.cacheScope}-${k}`));
    case CacheBackend.REGISTRY:
      return lines(keys.map(k => `type=registry,ref=${imageRef(p)}:buildcache-${k}`));
    default:
      return undefined;
  }
}

function cacheTo(p: PipelinePlan, key: string): string | undefined {
  switch (p.cacheBackend) {
    case CacheBackend.GHA:
      return `type=gha,mode=max,scope=${p.cacheScope}-${key},ignore-error=true`;
    case CacheBackend.REGISTRY:
      return `type=registry,ref=${imageRef(p)}:buildcache-${key},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`;
    default:
      return undefined;
  }
}

/** Inputs shared by the load and the push build. */
function buildInputs(plan: BuildPlan): { [key: string]: unknown } {
  const p = plan.pipeline;
  const inputs: { [key: string]: unknown } = {
    'context': p.contextDir,
    'file': p.dockerfilePath,
    'labels': '${{ steps.meta.outputs.labels }}',
    'build-args': lines(p.buildArgs.map(a => `${a.name}=${a.ciValue}`)),
  };
  if (p.buildSecrets.length > 0) {
    inputs.secrets = lines(p.buildSecrets.map(s => `${s.id}=\${{ secrets.${s.source} }}`));
  }
  return inputs;
}

function withDefined(inputs: { [key: string]: unknown }): { [key: string]: unknown } {
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined));
}

function cacheMountSteps(p: PipelinePlan, key: string, platform: string): JobStep[] {
  if (!p.persistCacheMounts) return [];
  const cacheMap: { [dir: string]: { target: string; id: string } } = {};
  for (const m of p.cacheMounts) {
    // the folder under cache-dir: the id without build-time variables
    const dir = m.id.replace(/\$\{?TARGETPLATFORM\}?/g, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-|-$/g, '') || 'mount';
    cacheMap[dir] = { target: m.target, id: m.id.replace(/\$\{?TARGETPLATFORM\}?/g, platform) };
  }
  return [
    {
      id: 'cache_mounts',
      name: 'Restore BuildKit cache mounts',
      uses: p.actions['actions/cache'].uses,
      with: {
        'path': '${{ runner.temp }}/cache-mounts',
        'key': `cache-mounts-${p.cacheScope}-${key}-\${{ hashFiles('**/Cargo.lock') }}`,
        'restore-keys': `cache-mounts-${p.cacheScope}-${key}-`,
      },
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
        'skip-extraction': '${{ steps.cache_mounts.outputs.cache-hit }}',
      },
    },
  ];
}

function e2eSteps(p: PipelinePlan): JobStep[] {
  return p.e2eSteps.map((step, i) => ({
    id: `e2e_${i + 1}`,
    name: step.name,
    env: { IMAGE: p.localTag },
    run: step.run,
    timeoutMinutes: step.timeoutMinutes,
  }));
}

function attestAndSignSteps(p: PipelinePlan, digest: string, condition: string | undefined): JobStep[] {
  const steps: JobStep[] = [];
  if (p.attestProvenance) {
    steps.push({
      id: 'attest',
      name: 'Attest build provenance',
      if: condition,
      uses: p.actions['actions/attest-build-provenance'].uses,
      with: { 'subject-name': imageRef(p), 'subject-digest': digest, 'push-to-registry': true },
    });
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

function jobPermissions(p: PipelinePlan, opts: { checkout: boolean; pushes: boolean; attests: boolean }): github.workflows.JobPermissions {
  return {
    ...(opts.checkout ? { contents: JobPermission.READ } : {}),
    ...(opts.pushes && p.registry.ghcr ? { packages: JobPermission.WRITE } : {}),
    ...(opts.attests && (p.attestProvenance || p.sign) ? { idToken: JobPermission.WRITE } : {}),
    ...(opts.attests && p.attestProvenance ? { attestations: JobPermission.WRITE } : {}),
  };
}

function jobPlatform(p: PipelinePlan, nativeMatrix: boolean): JobPlatform {
  if (nativeMatrix) {
    return { loadPlatform: '${{ matrix.platform }}', loadKey: '${{ matrix.slug }}', pushPlatforms: '${{ matrix.platform }}', pushKey: '${{ matrix.slug }}', byDigest: true };
  }
  return {
    loadPlatform: p.nativePlatform.platform,
    loadKey: p.nativePlatform.slug,
    pushPlatforms: p.platforms.map(x => x.platform).join(','),
    pushKey: p.platforms.map(x => x.slug).join('_'),
    byDigest: false,
  };
}

function imageJob(plan: BuildPlan, nativeMatrix: boolean): Job {
  const p = plan.pipeline;
  const pf = jobPlatform(p, nativeMatrix);
  const emulated = p.platforms.filter(x => x.platform !== p.nativePlatform.platform);
  const needsQemu = !nativeMatrix && emulated.length > 0;
  const inputs = buildInputs(plan);
  const loginEarly = p.push && p.cacheBackend === CacheBackend.REGISTRY;

  const steps: JobStep[] = [
    { id: 'checkout', name: 'Checkout', uses: p.actions['actions/checkout'].uses, with: { 'persist-credentials': false } },
    ...imageNameStep(p),
    // QEMU: the emulated platforms; CROSS_COMPILE: runtime-stage RUN instructions of the target platform
    ...(needsQemu ? [{
      id: 'qemu',
      name: 'Set up QEMU',
      uses: p.actions['docker/setup-qemu-action'].uses,
      with: { platforms: emulated.map(x => x.platform.split('/')[1]).join(',') },
    }] : []),
    { id: 'buildx', name: 'Set up Docker Buildx', uses: p.actions['docker/setup-buildx-action'].uses },
    metadataStep(p),
    ...cacheMountSteps(p, pf.loadKey, pf.loadPlatform),
    // a registry cache of a private image can only be read logged in; otherwise log in after the
    // E2E steps, so the commands under test never run with registry credentials
    ...(loginEarly ? [loginStep(p)] : []),
    {
      id: 'build',
      name: 'Build and load for testing',
      uses: p.actions['docker/build-push-action'].uses,
      with: withDefined({
        ...inputs,
        'platforms': pf.loadPlatform,
        'load': true,
        'push': false,
        'tags': p.localTag,
        'cache-from': cacheFrom(p, [pf.loadKey]),
        'cache-to': p.cacheBackend === CacheBackend.GHA ? cacheTo(p, pf.loadKey) : undefined,
        'provenance': false,
        'sbom': false,
      }),
    },
    ...e2eSteps(p),
  ];

  if (p.push) {
    if (!loginEarly) steps.push(loginStep(p));
    const pushFromKeys = pf.pushKey === pf.loadKey ? [pf.loadKey] : [pf.loadKey, pf.pushKey];
    // GHA: the load build exported this platform's cache; a multi-platform push exports its own scope
    const pushCacheTo = p.cacheBackend === CacheBackend.REGISTRY || pf.pushKey !== pf.loadKey ? cacheTo(p, pf.pushKey) : undefined;
    const supplyChain = { provenance: p.provenance ? 'mode=max' : false, sbom: p.sbom };
    if (pf.byDigest) {
      steps.push(
        {
          id: 'push',
          name: 'Push by digest',
          if: NOT_A_PULL_REQUEST,
          uses: p.actions['docker/build-push-action'].uses,
          with: withDefined({
            ...inputs,
            'platforms': pf.pushPlatforms,
            'outputs': `type=image,name=${imageRef(p)},push-by-digest=true,name-canonical=true,push=true`,
            'cache-from': cacheFrom(p, pushFromKeys),
            'cache-to': pushCacheTo,
            ...supplyChain,
          }),
        },
        {
          id: 'digest',
          name: 'Export digest',
          if: NOT_A_PULL_REQUEST,
          env: { DIGEST: '${{ steps.push.outputs.digest }}' },
          run: 'mkdir -p "$RUNNER_TEMP/digests"\ntouch "$RUNNER_TEMP/digests/${DIGEST#sha256:}"\n',
        },
        {
          id: 'upload_digest',
          name: 'Upload digest',
          if: NOT_A_PULL_REQUEST,
          uses: p.actions['actions/upload-artifact'].uses,
          with: {
            'name': 'digests-${{ matrix.slug }}',
            'path': '${{ runner.temp }}/digests/*',
            'if-no-files-found': 'error',
            'retention-days': 1,
          },
        },
      );
    } else {
      steps.push({
        id: 'push',
        name: 'Push',
        if: NOT_A_PULL_REQUEST,
        uses: p.actions['docker/build-push-action'].uses,
        with: withDefined({
          ...inputs,
          'platforms': pf.pushPlatforms,
          'push': true,
          'tags': '${{ steps.meta.outputs.tags }}',
          'annotations': '${{ steps.meta.outputs.annotations }}',
          'cache-from': cacheFrom(p, pushFromKeys),
          'cache-to': pushCacheTo,
          ...supplyChain,
        }),
      });
      steps.push(...attestAndSignSteps(p, '${{ steps.push.outputs.digest }}', NOT_A_PULL_REQUEST));
    }
  }

  return {
    name: nativeMatrix ? 'Image (${{ matrix.platform }})' : 'Image',
    runsOn: [nativeMatrix ? '${{ matrix.runner }}' : p.nativePlatform.runner],
    ...(nativeMatrix ? {
      strategy: {
        failFast: false,
        matrix: { include: p.platforms.map(x => ({ platform: x.platform, slug: x.slug, runner: x.runner })) },
      },
    } : {}),
    permissions: jobPermissions(p, { checkout: true, pushes: p.push, attests: !pf.byDigest && p.push }),
    steps,
  };
}

function mergeJob(plan: BuildPlan): Job {
  const p = plan.pipeline;
  const createManifest = [
    'set -euo pipefail',
    'args=()',
    'while IFS= read -r tag; do',
    '  args+=(--tag "$tag")',
    'done < <(jq -r \'.tags[]\' <<< "$DOCKER_METADATA_OUTPUT_JSON")',
    'for file in "$RUNNER_TEMP"/digests/*; do',
    '  args+=("$IMAGE_NAME@sha256:$(basename "$file")")',
    'done',
    'docker buildx imagetools create "${args[@]}"',
    'digest="$(docker buildx imagetools inspect "$IMAGE_NAME:$VERSION" --format \'{{json .Manifest}}\' | jq -r \'.digest\')"',
    'docker buildx imagetools inspect "$IMAGE_NAME@$digest"',
    'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
    '',
  ].join('\n');
  return {
    name: 'Merge platform images',
    needs: [ImageWorkflow.IMAGE_JOB_ID],
    if: NOT_A_PULL_REQUEST,
    runsOn: [p.nativePlatform.runner],
    permissions: jobPermissions(p, { checkout: false, pushes: true, attests: true }),
    steps: [
      {
        id: 'download_digests',
        name: 'Download digests',
        uses: p.actions['actions/download-artifact'].uses,
        with: { 'path': '${{ runner.temp }}/digests', 'pattern': 'digests-*', 'merge-multiple': true },
      },
      ...imageNameStep(p),
      { id: 'buildx', name: 'Set up Docker Buildx', uses: p.actions['docker/setup-buildx-action'].uses },
      metadataStep(p),
      { ...loginStep(p), if: undefined },
      {
        id: 'manifest',
        name: 'Create the manifest list',
        env: { IMAGE_NAME: imageRef(p), VERSION: '${{ steps.meta.outputs.version }}' },
        run: createManifest,
      },
      ...attestAndSignSteps(p, '${{ steps.manifest.outputs.digest }}', undefined),
    ],
  };
}
