/** The build plan of settings + Cargo facts, through the public entry point (schema checks, every rule, one combined error). */
import { CargoWorkspaceFacts } from '../../src/cargo';
import { BuildPlan, resolveBuildPlan } from '../../src/plan/build-plan';
import { RustDockerSettings } from '../../src/settings';

export function planFor(options: RustDockerSettings, workspace: CargoWorkspaceFacts, contextDir = '.', projectName = 'test'): BuildPlan {
  return resolveBuildPlan({ options, workspace, contextDir, projectName });
}
