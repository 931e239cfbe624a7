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

/**
 * One build-and-load of a single platform, then the E2E steps against it: every platform that is
 * pushed gets one, before any push, on pull requests too.
 */
interface LoadBuild {
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

/** The platforms a build job works on: literal, or the matrix of the NATIVE_RUNNERS strategy. */
interface JobPlatform {
  /** The load builds, in platform order. */
  readonly loads: LoadBuild[];
  /** Platforms of the push build. */
  readonly pushPlatforms: string;
  /** Keys the push build reads its layer cache from. */
  readonly pushCacheFrom: string[];
  /** The key the push build exports its layer cache to (undefined: the load builds exported it). */
  readonly pushCacheTo?: string;
  /** Key of the persisted cache mounts. */
  readonly mountKey: string;
  /** Platforms whose cache mounts are persisted (`$TARGETPLATFORM` values). */
  readonly mountPlatforms: string[];
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

function cacheMountSteps(p: PipelinePlan, key: string, platforms: string[]): JobStep[] {
  if (!p.persistCacheMounts) return [];
  const cacheMap: { [dir: string]: { target: string; id: string } } = {};
  const TARGETPLATFORM = /\$\{?TARGETPLATFORM\}?/g;
  for (const m of p.cacheMounts) {
    // the folder under cache-dir: the id without build-time variables (+ the platform when several are built here)
    const dir = m.id.replace(TARGETPLATFORM, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-|-$/g, '') || 'mount';
    const perPlatform = platforms.length > 1 && /\$\{?TARGETPLATFORM\}?/.test(m.id);
    for (const platform of perPlatform ? platforms : platforms.slice(0, 1)) {
      cacheMap[perPlatform ? `${dir}-${platform.replace(/\//g, '-')}` : dir] = { target: m.target, id: m.id.replace(TARGETPLATFORM, platform) };
    }
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

/** The load build of one platform, then the plan's E2E steps against the image it loaded (never skipped on pull requests). */
function loadBuildAndE2eSteps(p: PipelinePlan, inputs: { [key: string]: unknown }, load: LoadBuild): JobStep[] {
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
        'provenance': false,
        'sbom': false,
      }),
    },
    ...p.e2eSteps.map((step, i) => ({
      id: `e2e${load.idSuffix}_${i + 1}`,
      name: `${step.name}${load.nameSuffix}`,
      env: { IMAGE: load.tag },
      run: step.run,
      timeoutMinutes: step.timeoutMinutes,
    })),
  ];
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

/**
 * What the image job builds. One platform per job (NATIVE_RUNNERS matrix, or a single platform): one
 * load build under that platform's cache key, which the push reuses. Several platforms in one job
 * (QEMU, CROSS_COMPILE): a load build + E2E per platform, in order, each tagged `<localTag>-<slug>`
 * (a multi-platform image cannot be loaded, buildx #59; the emulated ones run under QEMU), then one
 * multi-platform push. GHA: each load build exports its platform's scope, which the push reads.
 * REGISTRY: only the push can export (pull requests have no credentials), one ref for all platforms.
 */
function jobPlatform(p: PipelinePlan, nativeMatrix: boolean): JobPlatform {
  const gha = p.cacheBackend === CacheBackend.GHA;
  const single = (platform: string, key: string, byDigest: boolean): JobPlatform => ({
    loads: [{ platform, cacheFrom: [key], cacheTo: gha ? key : undefined, tag: p.localTag, idSuffix: '', nameSuffix: '' }],
    pushPlatforms: platform,
    pushCacheFrom: [key],
    // GHA: the load build already exported this platform's cache
    pushCacheTo: gha ? undefined : key,
    mountKey: key,
    mountPlatforms: [platform],
    byDigest,
  });
  if (nativeMatrix) return single('${{ matrix.platform }}', '${{ matrix.slug }}', true);
  if (p.platforms.length === 1) return single(p.platforms[0].platform, p.platforms[0].slug, false);

  const allKey = p.platforms.map(x => x.slug).join('_');
  const [localName, localVersion] = splitTag(p.localTag);
  return {
    loads: p.platforms.map(x => ({
      platform: x.platform,
      cacheFrom: gha ? [x.slug] : [allKey],
      cacheTo: gha ? x.slug : undefined,
      tag: `${localName}:${localVersion}-${x.slug}`,
      idSuffix: `_${x.slug.replace(/-/g, '_')}`,
      nameSuffix: ` (${x.platform})`,
    })),
    pushPlatforms: p.platforms.map(x => x.platform).join(','),
    pushCacheFrom: gha ? p.platforms.map(x => x.slug) : [allKey],
    pushCacheTo: gha ? undefined : allKey,
    mountKey: allKey,
    mountPlatforms: p.platforms.map(x => x.platform),
    byDigest: false,
  };
}

/** `name:tag` → [name, tag] (tag `latest` when absent). */
function splitTag(ref: string): [string, string] {
  const i = ref.lastIndexOf(':');
  return i > ref.lastIndexOf('/') ? [ref.slice(0, i), ref.slice(i + 1)] : [ref, 'latest'];
}

function imageJob(plan: BuildPlan, nativeMatrix: boolean): Job {
  const p = plan.pipeline;
  const pf = jobPlatform(p, nativeMatrix);
  const emulated = p.platforms.filter(x => x.platform !== p.nativePlatform.platform);
  // QEMU builds and runs the other platforms' images (E2E); CROSS_COMPILE runs their runtime stage and images
  const needsQemu = !nativeMatrix && emulated.length > 0;
  const inputs = buildInputs(plan);
  const loginEarly = p.push && p.cacheBackend === CacheBackend.REGISTRY;

  const steps: JobStep[] = [
    { id: 'checkout', name: 'Checkout', uses: p.actions['actions/checkout'].uses, with: { 'persist-credentials': false } },
    ...imageNameStep(p),
    // the other platforms' builds (QEMU: all stages; CROSS_COMPILE: the runtime stage) and their E2E containers
    ...(needsQemu ? [{
      id: 'qemu',
      name: 'Set up QEMU',
      uses: p.actions['docker/setup-qemu-action'].uses,
      with: { platforms: emulated.map(x => x.platform.split('/')[1]).join(',') },
    }] : []),
    { id: 'buildx', name: 'Set up Docker Buildx', uses: p.actions['docker/setup-buildx-action'].uses },
    metadataStep(p),
    ...cacheMountSteps(p, pf.mountKey, pf.mountPlatforms),
    // a registry cache of a private image can only be read logged in; otherwise log in after the
    // E2E steps, so the commands under test never run with registry credentials
    ...(loginEarly ? [loginStep(p)] : []),
    // every platform that is pushed: built, loaded and E2E-tested first, on pull requests too
    ...pf.loads.flatMap(load => loadBuildAndE2eSteps(p, inputs, load)),
  ];

  if (p.push) {
    if (!loginEarly) steps.push(loginStep(p));
    const pushFromKeys = pf.pushCacheFrom;
    const pushCacheTo = pf.pushCacheTo === undefined ? undefined : cacheTo(p, pf.pushCacheTo);
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
