import { WORKFLOW_COMBOS as combos } from './workflow-combos';
import { synthWorkflow } from './workflow-fixture';
import { CacheBackend, MultiArchStrategy } from '../../src/settings';
import { lintWorkflow, runScripts } from '../util/workflow-lint';

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
