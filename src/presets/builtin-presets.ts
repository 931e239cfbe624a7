import { RustDockerPreset } from './rust-docker-preset';
import { DependencyCaching, RuntimeBase, ActionPinning, CacheBackend } from '../settings';

/**
 * Presets for common stances. Combine them with your own in `presets: [...]`.
 */
export class Presets {
  /**
   * Hardened supply chain: distroless runtime, non-root forced, actions pinned to commit SHAs
   * (forced), provenance + SBOM, build-provenance attestation and cosign keyless signing.
   */
  public static hardened(): RustDockerPreset {
    return {
      name: 'hardened',
      description: 'distroless + non-root, SHA-pinned actions, provenance, SBOM, attestation and signing',
      settings: {
        runtime: RuntimeBase.DISTROLESS_CC,
        provenance: true,
        sbom: true,
        attestProvenance: true,
        sign: true,
      },
      forced: {
        runAsRoot: false,
        actionPinning: ActionPinning.COMMIT_SHA,
      },
    };
  }

  /**
   * Fast pull requests: layer-cached dependencies that survive fresh runners (SKELETON),
   * the GHA cache, one platform, no attestations to compute.
   */
  public static fastPullRequests(): RustDockerPreset {
    return {
      name: 'fast-pull-requests',
      description: 'SKELETON dependency layer + GHA cache, single platform, no provenance/SBOM',
      settings: {
        dependencyCaching: DependencyCaching.SKELETON,
        cacheBackend: CacheBackend.GHA,
        platforms: ['linux/amd64'],
        provenance: false,
        sbom: false,
      },
    };
  }

  private constructor() {}
}
