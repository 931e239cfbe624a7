/** Every accepted combination of the options that shape the workflow (the workflow matrix and the oracle test). */
import { AllOptions } from './workflow-fixture';
import { DependencyCaching, ActionPinning, CacheBackend, E2eSettings, MultiArchStrategy } from '../../src/settings';

const platformSets: { [name: string]: string[] } = {
  'amd64': ['linux/amd64'],
  'arm64': ['linux/arm64'],
  'amd64+arm64': ['linux/amd64', 'linux/arm64'],
};
const strategies = [MultiArchStrategy.NATIVE_RUNNERS, MultiArchStrategy.QEMU, MultiArchStrategy.CROSS_COMPILE];
const caches: { [name: string]: AllOptions } = {
  'gha': { cacheBackend: CacheBackend.GHA },
  'gha+cache-mounts': { cacheBackend: CacheBackend.GHA, dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true },
  'registry': { cacheBackend: CacheBackend.REGISTRY },
  'none': { cacheBackend: CacheBackend.NONE },
  // the binaries built on the runner (actions/cache of target/), the GHA layer cache for the rest
  'runner': { cacheBackend: CacheBackend.GHA, dependencyCaching: DependencyCaching.RUNNER },
};
const pinnings = [ActionPinning.MAJOR_VERSION, ActionPinning.COMMIT_SHA];
const supplyChains: { [name: string]: AllOptions } = {
  'no-push': { push: false },
  'push': { push: true },
  'push+provenance+sbom+attest': { push: true, provenance: true, sbom: true, attestProvenance: true },
  'push+sign': { push: true, sign: true },
  'push+attest+sign+other-registry': {
    push: true,
    attestProvenance: true,
    sign: true,
    imageName: 'registry.example.com/team/api',
    registryUsernameSecret: 'REG_USER',
    registryPasswordSecret: 'REG_TOKEN',
    buildSecrets: [{ id: 'npm-token' }],
  },
};
const e2es: { [name: string]: E2eSettings } = {
  smoke: {},
  commands: { smokeTest: false, commands: ['docker run --rm "$IMAGE" --help', 'docker image inspect "$IMAGE" >/dev/null'] },
  http: { smokeArgs: [], httpProbe: { port: 8080, path: '/healthz', args: ['serve'], env: { RUST_LOG: 'debug' } } },
  compose: { composeFile: 'compose.e2e.yaml', composeService: 'e2e' },
};

export interface WorkflowCombo { readonly name: string; readonly options: AllOptions }
export const WORKFLOW_COMBOS: WorkflowCombo[] = [];
for (const [pName, platforms] of Object.entries(platformSets)) {
  // one platform: the strategy does not apply (one representative)
  for (const strategy of platforms.length > 1 ? strategies : [undefined]) {
    for (const [cName, cache] of Object.entries(caches)) {
      // RUNNER builds each platform on its own runner: NATIVE_RUNNERS only
      if (cache.dependencyCaching === DependencyCaching.RUNNER && strategy !== undefined && strategy !== MultiArchStrategy.NATIVE_RUNNERS) continue;
      for (const pinning of pinnings) {
        for (const [sName, supply] of Object.entries(supplyChains)) {
          for (const [eName, e2e] of Object.entries(e2es)) {
            // RUNNER: cargo runs on the runner, which gets build secrets as variables
            const secrets = cache.dependencyCaching === DependencyCaching.RUNNER && supply.buildSecrets
              ? { buildSecrets: supply.buildSecrets.map(x => ({ ...x, env: 'NPM_TOKEN' })) } : {};
            WORKFLOW_COMBOS.push({
              name: [pName, strategy ?? 'single', cName, pinning, sName, eName].join(' '),
              options: { platforms, multiArchStrategy: strategy, ...cache, actionPinning: pinning, ...supply, ...secrets, e2e },
            });
          }
        }
      }
    }
  }
}
