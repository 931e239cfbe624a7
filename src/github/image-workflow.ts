import * as path from 'path';
import { github } from 'projen';
import { COMPOSE_E2E_JOB_ID, composeE2eJob } from './compose-e2e-job';
import { DRIFT_JOB_ID, driftCheckJob } from './drift-check';
import { CHANGES_JOB_ID, changesJob, imageJobCondition, imageJobId, imageView, mergeJobId } from './image-changes-job';
import { runnerBuildSteps } from './runner-build-steps';
import {
  attestAndSignSteps, attestCondition, attestPreflightSteps, buildInputs, CACHE_MOUNTS_ZIZMOR_IGNORE, checkoutStep, cacheMountSteps, cacheTo,
  hasAttestPreflight,
  imageNameStep, imageRef, jobPermissions, LoadBuild, loadBuildAndE2eSteps, loginStep, META_STEP_ID, metadataStep, NOT_A_PULL_REQUEST,
  PREFLIGHT_STEP_ID, provenanceInput, sourceDateEnv, sourceDateStep, withDefined, WorkflowView, workflowView,
} from './workflow-steps';
import { ResolvedActionRef } from '../plan/action-versions';
import { BuildPlan } from '../plan/build-plan';
import { CacheBackend, MultiArchStrategy } from '../settings';

type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

/** The platforms a build job works on: literal, or the matrix of the NATIVE_RUNNERS strategy. */
interface JobPlatform {
  /** The load builds, in platform order. */
  readonly loads: LoadBuild[];
  /** Platforms of the push build. */
  readonly pushPlatforms: string;
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
 * `drift` (the drift check, unless disabled). Several images: `changes`, `e2e-compose` (with
 * `composeE2e`: every image together, before the image jobs, which need it), `image_<name>` and
 * `merge_<name>` per image.
 */
export class ImageWorkflow extends github.GithubWorkflow {
  /** Id of the build/test/push job. */
  public static readonly IMAGE_JOB_ID = 'image';
  /** Id of the manifest-merge job (NATIVE_RUNNERS with more than one platform). */
  public static readonly MERGE_JOB_ID = 'merge';
  /** Id of the drift-check job. */
  public static readonly DRIFT_JOB_ID = DRIFT_JOB_ID;
  /** Id of the compose E2E job across images (`composeE2e`, several images). */
  public static readonly COMPOSE_E2E_JOB_ID = COMPOSE_E2E_JOB_ID;

  /** The plan this workflow renders. */
  public readonly plan: BuildPlan;

  /**
   * @param gh the GitHub component of the repository root's project (a subproject's component writes its workflow there)
   * @param plan the resolved build plan (`RustDocker.plan`)
   * @param options where the plan's project is in the repository
   */
  public constructor(gh: github.GitHub, plan: BuildPlan, options: ImageWorkflowOptions = {}) {
    const prefix = options.projectPath ?? '.';
    const p = inRepository(workflowView(plan), prefix);
    super(gh, p.name, {
      fileName: `${p.name}.yml`,
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
    if (plan.images) {
      // several images: the changes job first, then per image its build job (and merge job) when its inputs changed
      this.addJob(CHANGES_JOB_ID, changesJob(p, plan, prefix));
      // composeE2e: the joint E2E runs first; the image jobs need it, so none pushes unless it passed
      if (plan.composeE2e) {
        const images = plan.images.map(image => ({
          name: image.name, view: inRepository(imageView(plan, image), prefix), localTag: image.pipeline.localTag,
        }));
        this.addJob(COMPOSE_E2E_JOB_ID, composeE2eJob(p, images, plan.composeE2e, prefix));
      }
      for (const image of plan.images) {
        const view = inRepository(imageView(plan, image), prefix);
        const job = imageJob(view, nativeMatrix);
        this.addJob(imageJobId(image.name), {
          ...job,
          name: nativeMatrix ? `Image ${image.name} (\${{ matrix.platform }})` : `Image ${image.name}`,
          needs: plan.composeE2e ? [CHANGES_JOB_ID, COMPOSE_E2E_JOB_ID] : [CHANGES_JOB_ID],
          if: imageJobCondition(image.name),
        });
        if (nativeMatrix && p.push) this.addJob(mergeJobId(image.name), { ...mergeJob(view), name: `Merge platform images of ${image.name}` });
      }
    } else {
      this.addJob(ImageWorkflow.IMAGE_JOB_ID, imageJob(p, nativeMatrix));
      if (nativeMatrix && p.push) {
        this.addJob(ImageWorkflow.MERGE_JOB_ID, mergeJob(p));
      }
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
        if (text === undefined) return undefined;
        const extra = p.persistedCacheMounts ? { [p.actions['actions/cache'].uses]: CACHE_MOUNTS_ZIZMOR_IGNORE } : {};
        return addActionVersionComments(text, p.actions, extra);
      };
    }
  }
}

/** Options of `ImageWorkflow`. */
export interface ImageWorkflowOptions {
  /**
   * The folder of the plan's project relative to the repository root (the root project's folder),
   * prefixed to the build context, the Dockerfile and the changes job's paths.
   * @default "." (the root project)
   */
  readonly projectPath?: string;
}

/** The view with its paths relative to the repository root instead of its project. */
function inRepository(p: WorkflowView, prefix: string): WorkflowView {
  if (prefix === '.' || prefix === '') return p;
  const join = (file: string) => path.posix.normalize(path.posix.join(prefix, file));
  return {
    ...p,
    contextDir: join(p.contextDir),
    dockerfilePath: join(p.dockerfilePath),
    crateSbom: p.crateSbom ? { lockFile: join(p.crateSbom.lockFile) } : undefined,
  };
}

function renderTriggers(p: WorkflowView): github.workflows.Triggers {
  const pushTrigger: { branches?: string[]; tags?: string[] } = {};
  if (p.branches.length > 0) pushTrigger.branches = p.branches;
  if (p.versionTags) pushTrigger.tags = ['v*'];
  return {
    ...(pushTrigger.branches || pushTrigger.tags ? { push: pushTrigger } : {}),
    ...(p.pullRequests ? { pullRequest: p.branches.length > 0 ? { branches: p.branches } : {} } : {}),
    ...(p.rebuildCron !== undefined ? { schedule: [{ cron: p.rebuildCron }] } : {}),
  };
}

/**
 * What the image job builds. One platform per job (NATIVE_RUNNERS matrix, or a single platform): one
 * load build under that platform's cache key, which the push reuses. Several platforms in one job
 * (QEMU, CROSS_COMPILE): a load build + E2E per platform, in order, each tagged `<localTag>-<slug>`
 * (a multi-platform image cannot be loaded, buildx #59; the emulated ones run under QEMU), then one
 * multi-platform push. The push imports no cache: it reuses the layers the load builds of the same
 * job left in the builder (on the scheduled rebuild, the runtime stages those just rebuilt). GHA:
 * each load build exports its platform's scope. REGISTRY: only the push can export (pull requests
 * have no credentials), one ref for all platforms. Which events write: `cacheTo`.
 */
function jobPlatform(p: WorkflowView, nativeMatrix: boolean): JobPlatform {
  const gha = p.cacheBackend === CacheBackend.GHA;
  const single = (platform: string, key: string, byDigest: boolean): JobPlatform => ({
    loads: [{ platform, cacheFrom: [key], cacheTo: gha ? key : undefined, tag: p.localTag, idSuffix: '', nameSuffix: '' }],
    pushPlatforms: platform,
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

function imageJob(p: WorkflowView, nativeMatrix: boolean): Job {
  const pf = jobPlatform(p, nativeMatrix);
  const emulated = p.platforms.filter(x => x.platform !== p.nativePlatform.platform);
  // QEMU builds and runs the other platforms' images (E2E); CROSS_COMPILE runs their runtime stage and images
  const needsQemu = !nativeMatrix && emulated.length > 0;
  const inputs = buildInputs(p);
  const loginEarly = p.push && p.cacheBackend === CacheBackend.REGISTRY;

  const steps: JobStep[] = [
    checkoutStep(p),
    sourceDateStep(),
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
    // before anything is pushed: whether the attestation can be stored at all
    ...attestPreflightSteps(p),
    ...cacheMountSteps(p, pf.mountKey, pf.mountPlatforms),
    // RUNNER: the binaries, built here and handed to the image build as a named build context
    ...runnerBuildSteps(p, nativeMatrix ? '${{ matrix.runner }}' : p.nativePlatform.runner),
    // a registry cache of a private image can only be read logged in; otherwise log in after the
    // E2E steps, so the commands under test never run with registry credentials
    ...(loginEarly ? [loginStep(p)] : []),
    // every platform that is pushed: built, loaded and E2E-tested first, on pull requests too
    ...pf.loads.flatMap(load => loadBuildAndE2eSteps(p, inputs, load)),
  ];

  if (p.push) {
    if (!loginEarly) steps.push(loginStep(p));
    const pushCacheTo = pf.pushCacheTo === undefined ? undefined : cacheTo(p, pf.pushCacheTo);
    const supplyChain = { provenance: provenanceInput(p), sbom: p.sbom };
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
            'outputs': `type=image,name=${imageRef(p)},push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true`,
            'cache-to': pushCacheTo,
            ...supplyChain,
          }),
          env: sourceDateEnv(),
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
            'name': `${digestArtifact(p)}-\${{ matrix.slug }}`,
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
          // file times clamped to SOURCE_DATE_EPOCH: the same commit gives the same layers
          'outputs': 'type=image,push=true,rewrite-timestamp=true',
          'tags': `\${{ steps.${META_STEP_ID}.outputs.tags }}`,
          'annotations': `\${{ steps.${META_STEP_ID}.outputs.annotations }}`,
          'cache-to': pushCacheTo,
          ...supplyChain,
        }),
        env: sourceDateEnv(),
      });
      const attestIf = attestCondition(p, `steps.${PREFLIGHT_STEP_ID}.outputs.attest`);
      steps.push(...attestAndSignSteps(p, '${{ steps.push.outputs.digest }}', NOT_A_PULL_REQUEST, attestIf));
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
    // the merge job attests what the preflight allowed
    ...(pf.byDigest && hasAttestPreflight(p) ? { outputs: { attest: { stepId: PREFLIGHT_STEP_ID, outputName: 'attest' } } } : {}),
    steps,
  };
}

/** Name (prefix) of the digest artifacts of the per-platform pushes: `digests`, or `digests-<image>` with several images. */
function digestArtifact(p: WorkflowView): string {
  return p.target === undefined ? 'digests' : `digests-${p.target}`;
}

function mergeJob(p: WorkflowView): Job {
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
    needs: [p.imageJobId ?? ImageWorkflow.IMAGE_JOB_ID],
    if: NOT_A_PULL_REQUEST,
    runsOn: [p.nativePlatform.runner],
    // the crate SBOM reads Cargo.lock from the checkout
    permissions: jobPermissions(p, { checkout: p.crateSbom !== undefined, pushes: true, attests: true }),
    steps: [
      ...(p.crateSbom ? [checkoutStep(p)] : []),
      {
        id: 'download_digests',
        name: 'Download digests',
        uses: p.actions['actions/download-artifact'].uses,
        with: { 'path': '${{ runner.temp }}/digests', 'pattern': `${digestArtifact(p)}-*`, 'merge-multiple': true },
      },
      ...imageNameStep(p),
      { id: 'buildx', name: 'Set up Docker Buildx', uses: p.actions['docker/setup-buildx-action'].uses },
      // only the tags and the version are read here
      metadataStep(p, false),
      { ...loginStep(p), if: undefined },
      {
        id: 'manifest',
        name: 'Create the manifest list',
        env: { IMAGE_NAME: imageRef(p), VERSION: `\${{ steps.${META_STEP_ID}.outputs.version }}` },
        run: createManifest,
      },
      ...attestAndSignSteps(p, '${{ steps.manifest.outputs.digest }}', undefined,
        attestCondition(p, `needs.${p.imageJobId ?? ImageWorkflow.IMAGE_JOB_ID}.outputs.attest`)),
    ],
  };
}

/**
 * Appends `# <version>` comments to `uses: owner/action@<sha>` lines of a rendered workflow (also to
 * `owner/action/path@<sha>`), then the `extra` comment of that `uses:` value, if any.
 * (The YAML model cannot carry comments; this runs on the synthesized text.)
 */
export function addActionVersionComments(
  yamlText: string, refs: { [action: string]: ResolvedActionRef }, extra: { [uses: string]: string } = {},
): string {
  const comments = new Map<string, string>();
  for (const ref of Object.values(refs)) {
    if (ref.comment) comments.set(ref.uses, ref.comment);
  }
  if (comments.size === 0 && Object.keys(extra).length === 0) return yamlText;
  return yamlText.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, prefix: string, uses: string) => {
    const version = comments.get(uses) ?? comments.get(uses.replace(/^([^/]+\/[^/@]+)\/[^@]*@/, '$1@'));
    const parts = [version, extra[uses]].filter(c => c !== undefined);
    return parts.length > 0 ? `${prefix}${uses}${parts.map(c => ` # ${c}`).join('')}` : line;
  });
}
