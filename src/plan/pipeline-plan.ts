import { ImagePlan } from './image-plan';
import { ImageWorkflowOptions } from '../github/image-workflow-options';

/** One end-to-end test step: the same shell in the workflow and in the `docker:e2e` task. */
export interface E2eStep {
  /** Step name. */
  readonly name: string;
  /** Shell script (bash); `$IMAGE` is the image under test. */
  readonly run: string;
}

/**
 * Everything the workflow and the local docker tasks need, resolved and validated.
 */
export interface PipelinePlan {
  /** Whether the workflow is generated. */
  readonly workflow: boolean;
  /** Local tag used by `docker:build` / `docker:e2e`. */
  readonly localTag: string;
  /** End-to-end test steps run against the built image. */
  readonly e2eSteps: E2eStep[];
}

/** Resolves and validates the pipeline part of the build plan. Throws RustDockerError on bad input. */
export function resolvePipelinePlan(options: ImageWorkflowOptions, image: ImagePlan, projectName: string): PipelinePlan {
  // TODO(github): full resolution; placeholder so the plan compiles.
  void image;
  return {
    workflow: options.workflow ?? true,
    localTag: `${projectName}:local`,
    e2eSteps: [],
  };
}
