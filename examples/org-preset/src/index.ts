import {
  ActionPinning,
  CacheBackend,
  DependencyCaching,
  RustDockerPreset,
  RustDockerProject,
  RustDockerProjectOptions,
  RuntimeBase,
} from 'projen-rust-docker';

/** ACME's presets for Rust services. */
export class AcmePresets {
  /**
   * How every ACME Rust service builds: distroless non-root runtime with UID 4242, SKELETON
   * dependency caching (no third-party tool in the build), both platforms on native runners,
   * and (forced) SHA-pinned actions, provenance and an owner label.
   */
  public static standard(): RustDockerPreset {
    return {
      name: 'acme-standard',
      description: 'ACME platform defaults for Rust services',
      settings: {
        runtime: RuntimeBase.DISTROLESS_CC,
        uid: 4242,
        dependencyCaching: DependencyCaching.SKELETON,
        platforms: ['linux/amd64', 'linux/arm64'],
        cacheBackend: CacheBackend.GHA,
        e2e: { smokeArgs: ['--version'] },
      },
      forced: {
        runAsRoot: false,
        actionPinning: ActionPinning.COMMIT_SHA,
        provenance: true,
        labels: { 'com.acme.owner': 'platform' },
      },
    };
  }

  private constructor() {}
}

/** Options for `AcmeRustServiceProject`. */
export interface AcmeRustServiceProjectOptions extends RustDockerProjectOptions {}

/**
 * An ACME Rust service: `RustDockerProject` with ACME's preset applied first and the image
 * pushed to `ghcr.io/acme/<name>` unless the service says otherwise.
 *
 * @pjid acme-rust-service
 */
export class AcmeRustServiceProject extends RustDockerProject {
  public constructor(options: AcmeRustServiceProjectOptions) {
    super({
      ...options,
      imageName: options.imageName ?? `ghcr.io/acme/${options.name.toLowerCase()}`,
      presets: [AcmePresets.standard(), ...(options.presets ?? [])],
    });
  }
}
