import { ImagePlan, resolveImagePlan } from './image-plan';
import { PipelinePlan, resolvePipelinePlan } from './pipeline-plan';
import { CargoWorkspaceFacts } from '../cargo/cargo-workspace';
import { RustDockerSettings } from '../project/rust-docker-settings';

/**
 * The one resolved build plan: options (after presets) + Cargo facts, validated.
 * Every renderer (Dockerfile, .dockerignore, workflow, tasks) reads only this.
 */
export interface BuildPlan {
  /** Cargo facts the plan was computed from. */
  readonly workspace: CargoWorkspaceFacts;
  /** Dockerfile and build context. */
  readonly image: ImagePlan;
  /** Workflow, E2E and local tasks. */
  readonly pipeline: PipelinePlan;
}

/** Inputs of `resolveBuildPlan`. */
export interface BuildPlanInput {
  /** Effective options, presets already merged. */
  readonly options: RustDockerSettings;
  /** Cargo facts of the workspace. */
  readonly workspace: CargoWorkspaceFacts;
  /** Build context relative to the project root. */
  readonly contextDir: string;
  /** Project name (local image tag). */
  readonly projectName: string;
}

/** Computes the build plan. Pure; throws RustDockerError on the first bad input. */
export function resolveBuildPlan(input: BuildPlanInput): BuildPlan {
  const image = resolveImagePlan(input.options, input.workspace, input.contextDir);
  const pipeline = resolvePipelinePlan(input.options, image, input.projectName);
  return { workspace: input.workspace, image, pipeline };
}
