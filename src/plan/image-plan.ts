import { CargoBinaryTarget, CargoWorkspaceFacts } from '../cargo/cargo-workspace';
import { BuildSecret, DependencyCaching, DockerIgnoreOptions, RustDockerfileOptions } from '../docker/rust-dockerfile-options';

/**
 * Everything the Dockerfile and `.dockerignore` renderers need, resolved and validated.
 * Pure data: computed once from options + Cargo facts, before any file renders.
 */
export interface ImagePlan {
  /** Dockerfile path relative to the project root. */
  readonly dockerfilePath: string;
  /** Build context relative to the project root ("." or the cargo dir). */
  readonly contextDir: string;
  /** Binaries built and shipped, first = entrypoint. */
  readonly binaries: CargoBinaryTarget[];
  /** Strategy for dependency caching. */
  readonly dependencyCaching: DependencyCaching;
  /** Whether the build stages cross-compile from $BUILDPLATFORM. */
  readonly crossCompile: boolean;
  /** Build secrets the build consumes. */
  readonly buildSecrets: BuildSecret[];
  /** Ports the image exposes. */
  readonly ports: number[];
}

/** Resolves and validates the image part of the build plan. Throws RustDockerError on bad input. */
export function resolveImagePlan(
  options: RustDockerfileOptions & DockerIgnoreOptions,
  workspace: CargoWorkspaceFacts,
  contextDir: string,
): ImagePlan {
  // TODO(dockerfile): full resolution; placeholder so the plan compiles.
  void workspace;
  return {
    dockerfilePath: options.dockerfilePath ?? 'Dockerfile',
    contextDir,
    binaries: [],
    dependencyCaching: options.dependencyCaching ?? DependencyCaching.CARGO_CHEF,
    crossCompile: options.crossCompile ?? false,
    buildSecrets: options.buildSecrets ?? [],
    ports: options.ports ?? [],
  };
}
