import { ImagePlan, resolveImagePlan } from './image-plan';
import { PipelinePlan, resolvePipelinePlan } from './pipeline-plan';
import { CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { ErrorCollector } from '../errors';
import { RustDockerSettings } from '../settings';
import { checkSettings } from '../settings/option-schema';

/**
 * The one resolved build plan: settings (after presets) + Cargo facts, validated.
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
  /** Effective settings, presets already merged. */
  readonly options: RustDockerSettings;
  /** Cargo facts of the workspace. */
  readonly workspace: CargoWorkspaceFacts;
  /** Build context relative to the project root. */
  readonly contextDir: string;
  /** Project name (local image tag). */
  readonly projectName: string;
}

/**
 * Computes the build plan. Pure. Throws one RustDockerError listing every bad setting
 * (`RustDockerError.errors`): the kinds of all values first, then every independent rule.
 */
export function resolveBuildPlan(input: BuildPlanInput): BuildPlan {
  const errors = new ErrorCollector();
  checkSettings(input.options, 'the settings', errors);
  errors.throwIfAny();
  const image = resolveImagePlan(input.options, input.workspace, input.contextDir, errors);
  const pipeline = resolvePipelinePlan(input.options, image, input.projectName, errors);
  errors.throwIfAny();
  return { workspace: input.workspace, image: image!, pipeline };
}
