import * as path from 'path';
import { CargoWorkspace, CargoWorkspaceFacts } from '../../src/cargo';
import { BuildPlan, resolveBuildPlan } from '../../src/plan/build-plan';
import { RustDockerSettings } from '../../src/settings';
import { thrownError } from '../util/errors';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The Cargo facts of a fixture under `test/fixtures`. */
export function fixtureFacts(fixture: string): CargoWorkspaceFacts {
  return CargoWorkspace.load(path.join(FIXTURES, fixture)).facts;
}

/** Inputs of `buildPlan`; everything but `workspace` has a default. */
export interface BuildPlanArgs {
  /** Effective settings (default none). */
  readonly options?: RustDockerSettings;
  /** Cargo facts of the workspace. */
  readonly workspace: CargoWorkspaceFacts;
  /** Build context relative to the project root (default "."). */
  readonly contextDir?: string;
  /** Project name (default "hello-svc"). */
  readonly projectName?: string;
}

/** The build plan, through the public entry point (schema checks, then every rule; one combined error). */
export function buildPlan(args: BuildPlanArgs): BuildPlan {
  return resolveBuildPlan({
    options: args.options ?? {},
    workspace: args.workspace,
    contextDir: args.contextDir ?? '.',
    projectName: args.projectName ?? 'hello-svc',
  });
}

/** The RustDockerError `fn` throws (shared with the model tests). */
export const errorFrom = thrownError;
