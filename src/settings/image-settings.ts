import { RuntimeBase } from './dockerfile-settings';
import { E2eSettings } from './workflow-settings';

/**
 * One image of a repository that ships several (`RustDockerOptions.images`): every image is a final
 * stage of the one Dockerfile (`docker buildx build --target <name>`) and a job of the one workflow.
 *
 * Every other field overrides, for this image only, the shared setting of the same name (replacing
 * it, lists and `e2e` included); presets merge into every image in the documented order: library
 * defaults → presets → the project's settings → this entry → values the presets force.
 */
export interface ImageSettings {
  /**
   * Image name: the final Dockerfile stage (`--target <name>`), the workflow job, the last part of
   * the image repository (`ghcr.io/<owner>/<repo>/<name>`) and of the cache scope. Lowercase letters,
   * digits, `.`, `_`, `-`.
   */
  readonly name: string;

  /**
   * Binaries the image ships; the first one is its entrypoint.
   * @default - the binary named like the image, else every binary of `packageName`
   */
  readonly binaries?: string[];

  /**
   * Cargo package of its binaries (`cargo build -p`).
   * @default - the package of the first binary
   */
  readonly packageName?: string;

  /**
   * Cargo features of this image's build (`--features`).
   * @default - the shared `features`
   */
  readonly features?: string[];

  /**
   * `--no-default-features` for this image's build.
   * @default - the shared `noDefaultFeatures`
   */
  readonly noDefaultFeatures?: boolean;

  /**
   * Base image of this image's runtime stage.
   * @default - the shared `runtime`
   */
  readonly runtime?: RuntimeBase;

  /**
   * Packages installed in this image's runtime stage (replaces the shared list).
   * @default - the shared `runtimePackages`
   */
  readonly runtimePackages?: string[];

  /**
   * Ports this image EXPOSEs.
   * @default - the shared `ports`
   */
  readonly ports?: number[];

  /**
   * This image's ENTRYPOINT (exec form).
   * @default - its first binary, `["/usr/local/bin/<binary>"]`
   */
  readonly entrypoint?: string[];

  /**
   * This image's CMD (exec form).
   * @default - the shared `cmd`
   */
  readonly cmd?: string[];

  /**
   * This image's environment (replaces the shared map).
   * @default - the shared `env`
   */
  readonly env?: { [name: string]: string };

  /**
   * Image repository without tag.
   * @default - the shared `imageName` + `/<name>`, else `ghcr.io/<owner>/<repo>/<name>`
   */
  readonly imageName?: string;

  /**
   * This image's end-to-end tests (replaces the shared `e2e`).
   * @default - the shared `e2e`
   */
  readonly e2e?: E2eSettings;
}
