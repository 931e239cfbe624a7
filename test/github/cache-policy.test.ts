/**
 * The cache policy, per event, as the runner sees it: every `if:`, `cache-from`, `cache-to` and
 * `no-cache-filters` of the generated workflow is evaluated by GitHub's own expression evaluator
 * (test/util/gh-expressions.ts) in the context of a pull request, a push to main, a tag and the
 * scheduled rebuild, for every CacheBackend, both pull-request policies and persisted cache mounts.
 */
import { synthWorkflow, AllOptions } from './workflow-fixture';
import { ActionPinning, CacheBackend, DependencyCaching, MultiArchStrategy, PullRequestCache } from '../../src/settings';
import { evaluateExpressions, ExpressionItem } from '../util/gh-expressions';
import { lintWorkflow } from '../util/workflow-lint';

const repository = { visibility: 'public', private: false };
const EVENTS: { [name: string]: object } = {
  'pull_request': { event_name: 'pull_request', ref: 'refs/pull/7/merge', ref_type: 'branch', event: { pull_request: { number: 7 }, repository } },
  'push to main': { event_name: 'push', ref: 'refs/heads/main', ref_type: 'branch', event: { repository } },
  'tag v1.2.3': { event_name: 'push', ref: 'refs/tags/v1.2.3', ref_type: 'tag', event: { repository } },
  'schedule': { event_name: 'schedule', ref: 'refs/heads/main', ref_type: 'branch', event: { schedule: '17 4 * * 1', repository } },
};
type EventName = keyof typeof EVENTS;

/** What the image job does with the caches on one event. */
interface CacheUse {
  /** Layer caches read (`scope=` of GHA, `ref=` of REGISTRY), in order, without duplicates. */
  readonly reads: string[];
  /** Layer caches written. */
  readonly writes: string[];
  /** Stages built without the layer cache. */
  readonly noCache: string[];
  /** Persisted cache mounts: `save` (restored, saved after the job), `restore` (restored only), `none`. */
  readonly mounts: 'save' | 'restore' | 'none';
  /** Whether the cache dance extracts the mounts from the builder (for the save). */
  readonly extracts: boolean;
  /** The ids of the `actions/cache*` steps that run. */
  readonly cacheSteps: string[];
  /** The ids of every step that runs. */
  readonly ran: string[];
}

const cacheName = (spec: string) => /(?:scope|ref)=([^,]+)/.exec(spec)![1];
const uniq = (xs: string[]) => [...new Set(xs)];

/** Evaluates the image job of a workflow for each event. */
function cacheUse(options: AllOptions, runnerCacheHit = '', binariesCacheHit = '', binariesKey = 'docker-bin-key'): { [event: string]: CacheUse } {
  const { yaml } = synthWorkflow(options);
  const job = yaml.jobs.image;
  const matrix = job.strategy?.matrix.include[0] ?? {};
  const result: { [event: string]: CacheUse } = {};
  for (const [event, githubContext] of Object.entries(EVENTS)) {
    // a step that does not run has no outputs: the restores' hits only count on the events they run
    const steps = {
      cache_mounts: { outputs: { 'cache-hit': '' } },
      rust_toolchain: { outputs: { 'binaries-key': binariesKey } },
      rust_cache: { outputs: { 'cache-hit': runnerCacheHit } },
      rust_binaries: { outputs: { 'cache-hit': event === 'schedule' ? '' : binariesCacheHit } },
    };
    const context = { github: githubContext, matrix, steps, runner: { temp: '/tmp', arch: 'X64' } };
    const items: ExpressionItem[] = [];
    const ask = (value: string | undefined, kind: ExpressionItem['kind']) => {
      if (value === undefined) return -1;
      items.push({ value: String(value), kind, context });
      return items.length - 1;
    };
    type Asked = { step: any; runs: number; from: number; to: number; noCache: number; skipExtraction: number };
    const asked: Asked[] = job.steps.map((step: any) => ({
      step,
      runs: ask(step.if ?? 'true', 'condition'),
      from: ask(step.with?.['cache-from'], 'input'),
      to: ask(step.with?.['cache-to'], 'input'),
      noCache: ask(step.with?.['no-cache-filters'], 'input'),
      skipExtraction: ask(step.with?.['skip-extraction'], 'input'),
    }));
    const v = evaluateExpressions(items);
    const text = (i: number) => (i < 0 ? '' : String(v[i]));
    const list = (i: number, sep: RegExp) => text(i).split(sep).map(x => x.trim()).filter(x => x !== '');
    const running = asked.filter(a => v[a.runs] === true);
    const builds = running.filter(a => String(a.step.uses).startsWith('docker/build-push-action'));
    const cacheSteps = running.filter(a => String(a.step.uses).startsWith('actions/cache'));
    const dance = running.find(a => a.step.id === 'cache_dance');
    result[event] = {
      reads: uniq(builds.flatMap(a => list(a.from, /\n/).map(cacheName))),
      writes: uniq(builds.flatMap(a => list(a.to, /\n/).map(cacheName))),
      noCache: uniq(builds.flatMap(a => list(a.noCache, /,/))),
      mounts: cacheSteps.length === 0 ? 'none' : cacheSteps.every(a => /^actions\/cache\/restore@/.test(a.step.uses)) ? 'restore' : 'save',
      extracts: dance !== undefined && text(dance.skipExtraction) !== 'true',
      cacheSteps: cacheSteps.map(a => a.step.id),
      ran: running.map(a => a.step.id),
    };
  }
  return result;
}

const GHA_MAIN = 'hello-svc-linux-amd64';
const REGISTRY_MAIN = 'ghcr.io/acme/api:buildcache-linux-amd64';
const RUNTIME_STAGES = ['runtime-base', 'runtime'];

describe('the cache policy per event (GitHub\'s evaluator on the generated expressions)', () => {
  const printed: string[] = [];
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`cache policy per event:\n${printed.join('\n')}`);
  });
  const record = (label: string, use: { [event: string]: CacheUse }) => {
    for (const [event, u] of Object.entries(use)) {
      printed.push(`  ${label.padEnd(34)} ${event.padEnd(13)} reads ${JSON.stringify(u.reads)} writes ${JSON.stringify(u.writes)}`
        + ` no-cache ${JSON.stringify(u.noCache)} mounts ${u.mounts}${u.extracts ? ' (extracted)' : ''}`);
    }
  };

  test.each([
    ['GHA', { cacheBackend: CacheBackend.GHA }, GHA_MAIN],
    ['REGISTRY', { cacheBackend: CacheBackend.REGISTRY, imageName: 'ghcr.io/acme/api' }, REGISTRY_MAIN],
  ] as Array<[string, AllOptions, string]>)('%s: pull requests and tags read main\'s cache and write nothing; main and the schedule write it; the schedule rebuilds the runtime stages', (label, options, main) => {
    // GIVEN the default pull-request policy (READ_ONLY)
    // WHEN the workflow's expressions are evaluated for each event
    const use = cacheUse(options);
    record(label, use);
    // THEN only pushes to the branch and the schedule write, and only main's cache
    const expected: { [event in EventName]: Partial<CacheUse> } = {
      'pull_request': { reads: [main], writes: [], noCache: [] },
      'push to main': { reads: [main], writes: [main], noCache: [] },
      'tag v1.2.3': { reads: [main], writes: [], noCache: [] },
      'schedule': { reads: [main], writes: [main], noCache: RUNTIME_STAGES },
    };
    for (const [event, e] of Object.entries(expected)) expect({ event, ...use[event] }).toMatchObject({ event, ...e });
  });

  test('NONE: no cache read or written on any event, so nothing to filter either', () => {
    const use = cacheUse({ cacheBackend: CacheBackend.NONE });
    record('NONE', use);
    for (const u of Object.values(use)) expect(u).toMatchObject({ reads: [], writes: [], noCache: [], mounts: 'none' });
  });

  test('OWN_SCOPE (GHA): a pull request reads its own scope, then main\'s, and writes its own scope only', () => {
    const use = cacheUse({ pullRequestCache: PullRequestCache.OWN_SCOPE });
    record('GHA, OWN_SCOPE', use);
    expect(use.pull_request).toMatchObject({ reads: [`${GHA_MAIN}-pr-7`, GHA_MAIN], writes: [`${GHA_MAIN}-pr-7`] });
    expect(use['push to main']).toMatchObject({ reads: [GHA_MAIN], writes: [GHA_MAIN] });
    expect(use['tag v1.2.3']).toMatchObject({ reads: [GHA_MAIN], writes: [] });
  });

  test('NATIVE_RUNNERS matrix: the same policy per platform scope (format() with matrix.slug)', () => {
    const use = cacheUse({ platforms: ['linux/amd64', 'linux/arm64'], pullRequestCache: PullRequestCache.OWN_SCOPE });
    record('GHA, matrix, OWN_SCOPE', use);
    expect(use.pull_request).toMatchObject({ reads: [`${GHA_MAIN}-pr-7`, GHA_MAIN], writes: [`${GHA_MAIN}-pr-7`] });
    expect(use['push to main']).toMatchObject({ writes: [GHA_MAIN] });
    expect(use.schedule).toMatchObject({ writes: [GHA_MAIN], noCache: RUNTIME_STAGES });
  });

  test('no glibc guard: the schedule rebuilds the one runtime stage', () => {
    expect(cacheUse({ glibcGuard: false }).schedule.noCache).toEqual(['runtime']);
  });

  test('persisted cache mounts: pushes to main and the schedule restore and save; pull requests and tags restore only, never extract', () => {
    // GIVEN cache mounts persisted with actions/cache + buildkit-cache-dance
    const use = cacheUse({ dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true });
    record('GHA, persisted cache mounts', use);
    // THEN the saving actions/cache step runs on the writers only
    expect(use.pull_request).toMatchObject({ mounts: 'restore', extracts: false });
    expect(use['tag v1.2.3']).toMatchObject({ mounts: 'restore', extracts: false });
    expect(use['push to main']).toMatchObject({ mounts: 'save', extracts: true });
    expect(use.schedule).toMatchObject({ mounts: 'save', extracts: true });
    // AND the saving step (only) carries zizmor's scoped ignore with the reason, after the version comment
    const pinned = { dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true, actionPinning: ActionPinning.COMMIT_SHA };
    const { text } = synthWorkflow(pinned);
    const uses = text.split('\n').filter(l => /uses: actions\/cache/.test(l)).map(l => l.trim());
    expect(uses).toEqual([
      expect.stringMatching(/^uses: actions\/cache@[0-9a-f]{40} # v\S+ # zizmor: ignore\[cache-poisoning\] saved only on pushes to the branches and /),
      expect.stringMatching(/^uses: actions\/cache\/restore@[0-9a-f]{40} # v[^#]+$/),
    ]);
  });

  test('RUNNER: pull requests and tags restore target/ and the binaries and never save them; pushes to main save them; the schedule builds clean and saves', () => {
    // GIVEN the runner build, with no exact cache hit (a new Cargo.lock: the previous one's target/ is the fallback)
    const use = cacheUse({ dependencyCaching: DependencyCaching.RUNNER });
    record('GHA, RUNNER', use);
    // THEN the restores run on pull requests, tags and pushes; the saves only on pushes to main and the schedule
    expect(use.pull_request.cacheSteps).toEqual(['rust_binaries', 'rust_cache']);
    expect(use['tag v1.2.3'].cacheSteps).toEqual(['rust_binaries', 'rust_cache']);
    expect(use['push to main'].cacheSteps).toEqual(['rust_binaries', 'rust_cache', 'rust_cache_save', 'rust_binaries_save']);
    expect(use.schedule.cacheSteps).toEqual(['rust_cache_save', 'rust_binaries_save']);
    for (const u of Object.values(use)) expect(u.ran).toContain('runner_build');
    expect(use.pull_request.mounts).toBe('restore');
    // AND the image's layer cache follows the usual policy
    expect(use.pull_request).toMatchObject({ reads: [GHA_MAIN], writes: [] });
    expect(use['push to main']).toMatchObject({ writes: [GHA_MAIN] });
    // GIVEN an exact hit of target/ (the same Cargo.lock, other sources) THEN target/ is not saved, the new binaries are (by the writers)
    const hit = cacheUse({ dependencyCaching: DependencyCaching.RUNNER }, 'true');
    for (const event of ['pull_request', 'tag v1.2.3']) expect(hit[event].cacheSteps).toEqual(['rust_binaries', 'rust_cache']);
    expect(hit['push to main'].cacheSteps).toEqual(['rust_binaries', 'rust_cache', 'rust_binaries_save']);
    // AND with NATIVE_RUNNERS each platform job does the same
    const matrix = cacheUse({ dependencyCaching: DependencyCaching.RUNNER, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(matrix.pull_request.cacheSteps).toEqual(['rust_binaries', 'rust_cache']);
    expect(matrix['tag v1.2.3'].cacheSteps).toEqual(['rust_binaries', 'rust_cache']);
    expect(matrix['push to main'].cacheSteps).toEqual(['rust_binaries', 'rust_cache', 'rust_cache_save', 'rust_binaries_save']);
  });

  test('RUNNER: an exact hit of the binaries entry skips the whole build on every event but the schedule, and saves nothing', () => {
    // GIVEN the binaries entry of this commit's inputs exists (a README edit, a re-run)
    const use = cacheUse({ dependencyCaching: DependencyCaching.RUNNER }, '', 'true');
    record('GHA, RUNNER, binaries hit', use);
    const build = ['rust_cache', 'cargo_auditable', 'runner_build', 'rust_cache_prune', 'rust_cache_save', 'rust_binaries_save'];
    for (const event of ['pull_request', 'push to main', 'tag v1.2.3']) {
      // THEN only the toolchain (it makes the key) and the binaries restore run, then the image build
      expect({ event, cache: use[event].cacheSteps }).toEqual({ event, cache: ['rust_binaries'] });
      expect({ event, build: use[event].ran.filter(id => build.includes(id)) }).toEqual({ event, build: [] });
      expect(use[event].ran).toEqual(expect.arrayContaining(['rust_toolchain', 'build']));
    }
    // AND the schedule never restores it: a clean build, saved
    expect(use.schedule.ran).toEqual(expect.arrayContaining(['runner_build', 'rust_cache_save', 'rust_binaries_save']));
    expect(use.schedule.cacheSteps).not.toContain('rust_binaries');
  });

  test('RUNNER: without a binaries key (hashFiles matched nothing, a symbolic link to a folder) the binaries entry is neither restored nor saved, and cargo runs', () => {
    const use = cacheUse({ dependencyCaching: DependencyCaching.RUNNER }, '', '', '');
    for (const event of Object.keys(EVENTS)) {
      expect({ event, cache: use[event].cacheSteps.filter(id => id.startsWith('rust_binaries')) }).toEqual({ event, cache: [] });
      expect(use[event].ran).toContain('runner_build');
    }
    expect(use['push to main'].cacheSteps).toEqual(['rust_cache', 'rust_cache_save']);
  });

  test.each([
    ['defaults', {}],
    ['RUNNER', { dependencyCaching: DependencyCaching.RUNNER }],
    ['RUNNER, matrix, REGISTRY', { dependencyCaching: DependencyCaching.RUNNER, platforms: ['linux/amd64', 'linux/arm64'], cacheBackend: CacheBackend.REGISTRY }],
    ['REGISTRY', { cacheBackend: CacheBackend.REGISTRY }],
    ['OWN_SCOPE', { pullRequestCache: PullRequestCache.OWN_SCOPE }],
    ['QEMU, two platforms', { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.QEMU }],
    ['CROSS_COMPILE, REGISTRY', { platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: MultiArchStrategy.CROSS_COMPILE, cacheBackend: CacheBackend.REGISTRY }],
    ['matrix, OWN_SCOPE, cache mounts', { platforms: ['linux/amd64', 'linux/arm64'], pullRequestCache: PullRequestCache.OWN_SCOPE, dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true }],
  ] as Array<[string, AllOptions]>)('%s: nothing a pull request writes is read by a push, a tag or the schedule', async (_label, options) => {
    const use = cacheUse(options);
    const prWrites = new Set(use.pull_request.writes);
    for (const event of ['push to main', 'tag v1.2.3', 'schedule']) {
      expect(use[event].reads.filter(r => prWrites.has(r))).toEqual([]);
    }
    // AND tags never write; pull requests never save the cache mounts
    expect(use['tag v1.2.3'].writes).toEqual([]);
    expect(use.pull_request.mounts).not.toBe('save');
    const s = synthWorkflow(options);
    expect(await lintWorkflow(s.text, s.fileName)).toEqual([]);
  });

  test('scheduledRebuild: false: no schedule trigger and no no-cache-filters', () => {
    const s = synthWorkflow({ scheduledRebuild: false });
    expect(s.yaml.on.schedule).toBeUndefined();
    expect(s.text).not.toContain('no-cache-filters');
    expect(s.text).not.toContain("'schedule'");
  });
});
