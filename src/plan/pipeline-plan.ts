import * as path from 'path';
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
  /** The Dependabot config; undefined when `dependabot` is false. */
  readonly dependabot?: DependabotPlan;
}

/** The Dependabot config: where it is, and what it keeps current. */
export interface DependabotPlan {
  /** `.github/dependabot.yml`, relative to the project root. */
  readonly file: string;
  /** One entry per package ecosystem. */
  readonly updates: DependabotUpdatePlan[];
  /** Days a new release must be out before Dependabot proposes it (its `cooldown`). */
  readonly cooldownDays: number;
}

/** One ecosystem Dependabot watches. */
export interface DependabotUpdatePlan {
  /** `package-ecosystem`: `github-actions`, `docker` or `cargo`. */
  readonly ecosystem: string;
  /** The folder it reads, relative to the project root (`.`, `services/api`). */
  readonly directory: string;
}

/** Dependabot's file, beside the workflows. */
export const DEPENDABOT_FILE = '.github/dependabot.yml';

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
    dependabot: options.dependabot ?? true ? dependabotPlan(image) : undefined,
  };
}

/**
 * The actions of the workflows (`.github/workflows` at the root), the base images of the Dockerfile
 * (its folder) and the crates (the Cargo workspace's folder). A failed image part leaves only the actions.
 */
function dependabotPlan(image: ImagePlan | undefined): DependabotPlan {
  const updates: DependabotUpdatePlan[] = [{ ecosystem: 'github-actions', directory: '.' }];
  if (image) {
    updates.push(
      { ecosystem: 'docker', directory: path.posix.dirname(image.context.dockerfilePath) },
      { ecosystem: 'cargo', directory: image.context.dir },
    );
  }
  return { file: DEPENDABOT_FILE, updates, cooldownDays: 7 };
}
