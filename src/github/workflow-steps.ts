/** The steps and views the image workflow's jobs are made of. */
import { github } from 'projen';
import { e2eScript } from '../e2e/e2e-script';
import { BuildPlan } from '../plan/build-plan';
import { BuildSecretPlan } from '../plan/builder-plan';
import { E2eTestPlan } from '../plan/e2e-plan';
import { WorkflowPlan } from '../plan/workflow-plan';
import { CacheBackend } from '../settings';

type JobStep = github.workflows.JobStep;
const { JobPermission } = github.workflows;

/** Steps do not run on pull requests when they log in, push, attest or sign. */
export const NOT_A_PULL_REQUEST = "github.event_name != 'pull_request'";

/**
 * What the workflow renders, gathered from the plan's parts: the workflow plan, plus the build
 * context, build args and secrets of the image, the local tag and the E2E tests.
 */
export interface WorkflowView extends WorkflowPlan {
  readonly contextDir: string;
  readonly dockerfilePath: string;
  /** Build args and their values in CI (GitHub expressions). */
  readonly buildArgs: Array<{ name: string; ciValue: string }>;
  readonly buildSecrets: BuildSecretPlan[];
  readonly localTag: string;
  readonly e2eTests: E2eTestPlan[];
}

/** Id of the metadata-action step, whose outputs name the tags and labels. */
export const META_STEP_ID = 'meta';

export function workflowView(plan: BuildPlan): WorkflowView {
  return {
    ...plan.pipeline.workflow!,
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

/** Resolves `ghcr.io/<owner>/<repo>` lower-cased (repository names may have upper case; image names may not). */
export function imageNameStep(p: WorkflowView): JobStep[] {
  if (p.imageName) return [];
  return [{
    id: 'image',
    name: 'Image name',
    env: { IMAGE_REPOSITORY: 'ghcr.io/${{ github.repository }}' },
    run: 'echo "name=${IMAGE_REPOSITORY,,}" >> "$GITHUB_OUTPUT"',
  }];
}

export function metadataStep(p: WorkflowView): JobStep {
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
    with: { images: imageRef(p), tags: lines(tags) },
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

export function cacheFrom(p: WorkflowView, keys: string[]): string | undefined {
  switch (p.cacheBackend) {
    case CacheBackend.GHA:
      return lines(keys.map(k => `type=gha,scope=${p.cacheScope}-${k}`));
    case CacheBackend.REGISTRY:
      return lines(keys.map(k => `type=registry,ref=${imageRef(p)}:buildcache-${k}`));
    default:
      return undefined;
  }
}

export function cacheTo(p: WorkflowView, key: string): string | undefined {
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
export function buildInputs(p: WorkflowView): { [key: string]: unknown } {
  const inputs: { [key: string]: unknown } = {
    'context': p.contextDir,
    'file': p.dockerfilePath,
    'labels': `\${{ steps.${META_STEP_ID}.outputs.labels }}`,
    'build-args': lines(p.buildArgs.map(a => `${a.name}=${a.ciValue}`)),
  };
  if (p.buildSecrets.length > 0) {
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
        'provenance': false,
        'sbom': false,
      }),
    },
    ...p.e2eTests.map((test, i) => ({
      id: `e2e${load.idSuffix}_${i + 1}`,
      name: `${test.name}${load.nameSuffix}`,
      env: { IMAGE: load.tag },
      run: e2eScript(test),
      timeoutMinutes: test.timeoutMinutes,
    })),
  ];
}

export function attestAndSignSteps(p: WorkflowView, digest: string, condition: string | undefined): JobStep[] {
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

/** The checkout's inputs: no persisted token; submodules when the repository has some. */
export function checkoutInputs(p: WorkflowPlan): { [key: string]: unknown } {
  return { 'persist-credentials': false, ...(p.checkoutSubmodules ? { submodules: 'recursive' } : {}) };
}

export function jobPermissions(p: WorkflowView, opts: { checkout: boolean; pushes: boolean; attests: boolean }): github.workflows.JobPermissions {
  return {
    ...(opts.checkout ? { contents: JobPermission.READ } : {}),
    ...(opts.pushes && p.registry.ghcr ? { packages: JobPermission.WRITE } : {}),
    ...(opts.attests && (p.attestProvenance || p.sign) ? { idToken: JobPermission.WRITE } : {}),
    ...(opts.attests && p.attestProvenance ? { attestations: JobPermission.WRITE } : {}),
  };
}
