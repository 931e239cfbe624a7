import { DockerIgnoreOptions, RustDockerfileOptions } from '../docker/rust-dockerfile-options';
import { ImageWorkflowOptions } from '../github/image-workflow-options';

/**
 * Every shareable knob of the generated Dockerfile, `.dockerignore`, workflow and E2E tests.
 *
 * This is what a project sets and what an org preset carries (all optional). Settings are
 * merged in one order: library defaults → presets (in the order given) → the project's own
 * settings → values the presets force.
 */
export interface RustDockerSettings extends RustDockerfileOptions, DockerIgnoreOptions, ImageWorkflowOptions {}
