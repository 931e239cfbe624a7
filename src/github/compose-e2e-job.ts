/**
 * The compose E2E across images (`composeE2e`, issue 14): one job that builds and loads every image
 * of the repository on the native platform, then runs the compose file with `IMAGE_<NAME>` set per
 * image; the service named by `composeE2e.service` decides with its exit code.
 *
 * Wiring: it needs only the changes job and runs when any image must be rebuilt (on tags, the
 * schedule and manual runs the changes job says every image). The per-image jobs need it, so no
 * image is pushed when the joint E2E failed (their default `success()` condition skips them), and
 * none of the per-image jobs had to change. It reads the images' layer caches (which their jobs
 * wrote on earlier runs) and never writes them: the per-image jobs stay the only writers of their
 * scopes, and pull requests of forks have nothing to poison.
 */
import * as path from 'path';
import { github } from 'projen';
import { CHANGES_JOB_ID, imageKey } from './image-changes-job';
import {
  cacheFrom, checkoutStep, imageNameStep, lines, loginStep, noCacheFilters, sourceDateEnv, sourceDateStep, withDefined, WorkflowView,
} from './workflow-steps';
import { composeE2eScript } from '../e2e/compose-e2e-script';
import { ComposeE2ePlan } from '../plan/compose-e2e-plan';
import { CacheBackend, MultiArchStrategy } from '../settings';

type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

/** Id of the compose E2E job across images. */
export const COMPOSE_E2E_JOB_ID = 'e2e-compose';

/** One image of the compose E2E: its name, its workflow view (paths relative to the repository root) and its local tag. */
export interface ComposeImage {
  readonly name: string;
  readonly view: WorkflowView;
  readonly localTag: string;
}

/** The compose job runs when any image's job may run: when the changes job says any image must be rebuilt. */
export function composeE2eCondition(names: string[]): string {
  return names.map(name => `needs.${CHANGES_JOB_ID}.outputs.${imageKey(name)} == 'true'`).join(' || ');
}

/**
 * The layer-cache key of an image's build on the native platform, as its own job writes it: the
 * platform's slug (a per-platform matrix, one platform, or GHA's per-platform scopes), or all
 * platforms' slugs joined (one multi-platform job exporting to one registry ref).
 */
function nativeCacheKey(v: WorkflowView): string {
  const perPlatform = v.multiArchStrategy === MultiArchStrategy.NATIVE_RUNNERS || v.platforms.length === 1 || v.cacheBackend === CacheBackend.GHA;
  return perPlatform ? v.nativePlatform.slug : v.platforms.map(x => x.slug).join('_');
}

/**
 * The job. `p`: the workflow's view (the first image's: runner, actions, registry); `images`: every
 * image in order; `projectPath`: the project's folder in the repository (the compose file is relative to it).
 */
export function composeE2eJob(p: WorkflowView, images: ComposeImage[], plan: ComposeE2ePlan, projectPath = '.'): Job {
  // the registry cache of a private image can only be read logged in (as the image jobs do when they push)
  const registryCache = p.cacheBackend === CacheBackend.REGISTRY;
  const loginEarly = p.push && registryCache;
  // a derived image name (ghcr.io/<owner>/<repo>/<image>) is resolved per image, for its registry cache ref
  const views = images.map(image => {
    const derived = image.view.imageName === undefined && registryCache;
    const stepId = `image_${imageKey(image.name)}`;
    const view: WorkflowView = derived ? { ...image.view, imageName: `\${{ steps.${stepId}.outputs.name }}` } : image.view;
    const nameSteps = derived ? imageNameStep(image.view).map(step => ({ ...step, id: stepId, name: `Image name of ${image.name}` })) : [];
    return { ...image, view, nameSteps };
  });
  const file = path.posix.normalize(path.posix.join(projectPath, plan.file));
  const variables = Object.fromEntries(plan.images.map(i => [i.variable, images.find(x => x.name === i.name)!.localTag]));

  const steps: JobStep[] = [
    checkoutStep(p),
    sourceDateStep(),
    ...views.flatMap(v => v.nameSteps),
    { id: 'buildx', name: 'Set up Docker Buildx', uses: p.actions['docker/setup-buildx-action'].uses },
    ...(loginEarly ? [loginStep(p)] : []),
    ...views.map(({ name, view, localTag }): JobStep => {
      if (view.runnerBuild !== undefined) throw new Error(`image ${name}: RUNNER builds are not used with several images`);
      return {
        id: `build_${imageKey(name)}`,
        name: `Build and load ${name}`,
        uses: p.actions['docker/build-push-action'].uses,
        with: withDefined({
          'context': view.contextDir,
          'file': view.dockerfilePath,
          'target': view.target,
          'platforms': view.nativePlatform.platform,
          'load': true,
          'push': false,
          'tags': localTag,
          // read-only: the image's own job is the one writer of its cache
          'cache-from': cacheFrom(view, [nativeCacheKey(view)]),
          'no-cache-filters': noCacheFilters(view),
          'secrets': view.buildSecrets.length > 0 ? lines(view.buildSecrets.map(s => `${s.id}=\${{ secrets.${s.source} }}`)) : undefined,
          'provenance': false,
          'sbom': false,
        }),
        env: sourceDateEnv(),
      };
    }),
    {
      id: 'compose',
      name: `E2E compose ${plan.service} (every image)`,
      env: variables,
      timeoutMinutes: plan.timeoutMinutes,
      run: composeE2eScript(file, plan.service),
    },
  ];

  return {
    name: 'E2E compose (every image)',
    needs: [CHANGES_JOB_ID],
    if: composeE2eCondition(images.map(i => i.name)),
    runsOn: [p.nativePlatform.runner],
    permissions: {
      contents: github.workflows.JobPermission.READ,
      ...(loginEarly && p.registry.ghcr ? { packages: github.workflows.JobPermission.READ } : {}),
    },
    steps,
  };
}
