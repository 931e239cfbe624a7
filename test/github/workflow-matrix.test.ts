import { AllOptions, synthWorkflow } from './workflow-fixture';
import { DependencyCaching, ActionPinning, CacheBackend, E2eSettings, MultiArchStrategy } from '../../src/settings';
import { lintWorkflow, runScripts } from '../util/workflow-lint';

// Every accepted combination of the options that shape the workflow.
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

interface Combo { readonly name: string; readonly options: AllOptions }
const combos: Combo[] = [];
for (const [pName, platforms] of Object.entries(platformSets)) {
  // one platform: the strategy does not apply (one representative)
  for (const strategy of platforms.length > 1 ? strategies : [undefined]) {
    for (const [cName, cache] of Object.entries(caches)) {
      for (const pinning of pinnings) {
        for (const [sName, supply] of Object.entries(supplyChains)) {
          for (const [eName, e2e] of Object.entries(e2es)) {
            combos.push({
              name: [pName, strategy ?? 'single', cName, pinning, sName, eName].join(' '),
              options: { platforms, multiArchStrategy: strategy, ...cache, actionPinning: pinning, ...supply, e2e },
            });
          }
        }
      }
    }
  }
}

describe('every accepted option combination', () => {
  test(`${combos.length} generated workflows have zero findings (actionlint, action-validator, shellcheck, injection rules)`, async () => {
    // GIVEN every combination / WHEN each workflow is generated and linted
    const failures: string[] = [];
    const seen = new Set<string>();
    for (const combo of combos) {
      const s = synthWorkflow(combo.options);
      if (seen.has(s.text)) continue;
      seen.add(s.text);
      const findings = await lintWorkflow(s.text, s.fileName);
      if (findings.length > 0) failures.push(`${combo.name}:\n  ${findings.join('\n  ')}`);

      // AND the structural invariants hold
      const jobs = s.yaml.jobs;
      for (const [jobId, job] of Object.entries<any>(jobs)) {
        if (!job.permissions) failures.push(`${combo.name}: job ${jobId} has no permissions`);
        const pushes = job.steps.some((x: any) => x.id === 'push' || x.id === 'manifest');
        if (job.permissions?.packages === 'write' && !pushes) failures.push(`${combo.name}: ${jobId} has packages: write but does not push`);
        if (job.permissions?.['id-token'] && !job.steps.some((x: any) => x.id === 'sign' || x.id === 'attest')) failures.push(`${combo.name}: ${jobId} has id-token without signing/attesting`);
        for (const step of job.steps) {
          const notPr = "github.event_name != 'pull_request'";
          // the condition, or a conjunction that starts with it
          const guarded = step.if === notPr || String(step.if ?? '').startsWith(`${notPr} && `) || job.if === notPr;
          if (['login', 'push', 'attest', 'sign', 'digest', 'upload_digest'].includes(step.id) && !guarded) {
            failures.push(`${combo.name}: ${jobId}.${step.id} runs on pull_request`);
          }
        }
      }
      const image = jobs.image.steps.map((x: any) => x.id);
      const e2e = image.filter((id: string) => id.startsWith('e2e_'));
      // every platform: its load build → its E2E steps (against the loaded tag) → push; none skipped on pull requests
      const loads = jobs.image.steps.filter((x: any) => x.with?.load === true);
      const platforms = combo.options.multiArchStrategy === MultiArchStrategy.NATIVE_RUNNERS ? ['${{ matrix.platform }}'] : combo.options.platforms!;
      if (loads.map((x: any) => x.with.platforms).join(',') !== platforms.join(',')) failures.push(`${combo.name}: load builds ${loads.map((x: any) => x.with.platforms)} are not one per platform`);
      for (const load of loads) {
        const tests = jobs.image.steps.filter((x: any) => x.id.startsWith('e2e_') && x.env?.IMAGE === load.with.tags).map((x: any) => image.indexOf(x.id));
        const order = [image.indexOf(load.id), ...tests, ...(image.includes('push') ? [image.indexOf('push')] : [])];
        if (tests.length === 0 || order.some((v: number, i: number) => i > 0 && v <= order[i - 1])) failures.push(`${combo.name}: order is not build → E2E → push for ${load.with.platforms}: ${image.join(',')}`);
        if ([load, ...jobs.image.steps.filter((x: any) => x.env?.IMAGE === load.with.tags)].some((x: any) => x.if !== undefined) || jobs.image.if !== undefined) failures.push(`${combo.name}: the test of ${load.with.platforms} is skipped on some events`);
      }
      if (image.includes('push') && !(image.indexOf('login') >= 0 && image.indexOf('login') < image.indexOf('push'))) failures.push(`${combo.name}: no login before push`);
      // login after the E2E steps (commands under test run without registry credentials), except for a registry cache
      const loginAfterE2e = image.indexOf('login') > Math.max(...e2e.map((id: string) => image.indexOf(id)));
      if (image.includes('login') && loginAfterE2e !== (combo.options.cacheBackend !== CacheBackend.REGISTRY)) failures.push(`${combo.name}: login position`);
      for (const { where, run } of runScripts(s.yaml)) {
        if (run.includes('${{')) failures.push(`${combo.name}: expression inside run: at ${where}`);
      }
      if (s.text.includes('pull_request_target')) failures.push(`${combo.name}: pull_request_target`);
    }
    // THEN nothing is reported
    expect(failures).toEqual([]);
    expect(seen.size).toBeGreaterThan(combos.length / 2);
  }, 600_000);
});
