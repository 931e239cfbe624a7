import { E2ePlan, resolveE2ePlan } from './e2e-plan';
import { ImagePlan } from './image-plan';
import { resolveWorkflowPlan, sanitizeName, WorkflowPlan } from './workflow-plan';
import { ErrorCollector } from '../errors';
import { WorkflowSettings } from '../settings';

/** Everything the workflow and the local docker tasks need besides the image: the workflow, the E2E tests, the local tag. */
export interface PipelinePlan {
  /** The GitHub image workflow; undefined when `workflow` is false. */
  readonly workflow?: WorkflowPlan;
  /** End-to-end tests run against the built image (in CI before any push, and by `docker:e2e`). */
  readonly e2e: E2ePlan;
  /** Local tag used by `docker:build` / `docker:e2e` and by the CI load build. */
  readonly localTag: string;
}

/**
 * Resolves and validates the pipeline part of the build plan (`image` undefined: the image part
 * failed, its errors are recorded). Every bad option is recorded in `errors`.
 */
export function resolvePipelinePlan(
  options: WorkflowSettings, image: ImagePlan | undefined, projectName: string, errors: ErrorCollector,
): PipelinePlan {
  // the workflow settings are checked even when no workflow is written (a preset may set them)
  const workflow = resolveWorkflowPlan(options, image, projectName, errors);
  return {
    workflow: options.workflow ?? true ? workflow : undefined,
    e2e: resolveE2ePlan(options.e2e, errors),
    localTag: `${sanitizeName(projectName) || 'image'}:local`,
  };
}
