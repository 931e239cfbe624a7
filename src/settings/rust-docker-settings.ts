import { DockerfileSettings } from './dockerfile-settings';
import { DockerIgnoreSettings } from './dockerignore-settings';
import { WorkflowSettings } from './workflow-settings';

/**
 * Every shareable knob of the generated Dockerfile, `.dockerignore`, workflow and E2E tests.
 *
 * This is what a project sets and what an org preset carries (all optional). Settings are
 * merged in one order: library defaults → presets (in the order given) → the project's own
 * settings → values the presets force.
 */
export interface RustDockerSettings extends DockerfileSettings, DockerIgnoreSettings, WorkflowSettings {}
