import { synthWorkflow } from './workflow-fixture';
import { addActionVersionComments } from '../../src/github/image-workflow';
import { ACTION_VERSIONS, resolveActionRefs } from '../../src/plan/action-versions';
import { DependencyCaching, ActionPinning, CacheBackend, VulnerabilitySeverity } from '../../src/settings';

describe('action reference table', () => {
  test.each(Object.entries(ACTION_VERSIONS))('%s: a full SHA, a semver release of the major tag', (_action, row) => {
    expect(row.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(row.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(row.version.startsWith(`${row.major}.`)).toBe(true);
  });

  test('every action the workflows use is in the table, and every row is used', () => {
    // GIVEN workflows exercising every optional step
    const texts = [
      synthWorkflow({ platforms: ['linux/amd64', 'linux/arm64'], sign: true, attestProvenance: true }).text,
      synthWorkflow({ platforms: ['linux/amd64', 'linux/arm64'], multiArchStrategy: 'qemu' as any, dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true, cacheBackend: CacheBackend.GHA, vulnerabilityGate: VulnerabilitySeverity.HIGH }).text,
    ];
    const used = new Set(texts.flatMap(t => [...t.matchAll(/uses: ([\w.-]+\/[\w.-]+)@/g)].map(m => m[1])));
    // THEN the table and the workflows agree
    expect([...used].sort()).toEqual(Object.keys(ACTION_VERSIONS).sort());
  });

  test('MAJOR_VERSION pins tags; COMMIT_SHA pins SHAs with a version comment', () => {
    expect(resolveActionRefs(ActionPinning.MAJOR_VERSION)['docker/build-push-action']).toEqual({ uses: 'docker/build-push-action@v7' });
    expect(resolveActionRefs(ActionPinning.COMMIT_SHA)['docker/build-push-action']).toEqual({
      uses: `docker/build-push-action@${ACTION_VERSIONS['docker/build-push-action'].sha}`,
      comment: ACTION_VERSIONS['docker/build-push-action'].version,
    });
  });

  test('under COMMIT_SHA pinning an override must be a full SHA (a tag would undo the pinning)', () => {
    expect(() => resolveActionRefs(ActionPinning.COMMIT_SHA, { 'actions/cache': 'v4' }))
      .toThrow(/^option "actionVersions.actions\/cache": "v4" is not a full commit SHA, but "actionPinning" is COMMIT_SHA/);
    expect(resolveActionRefs(ActionPinning.MAJOR_VERSION, { 'actions/cache': 'v4' })['actions/cache']).toEqual({ uses: 'actions/cache@v4' });
  });

  test('an override SHA without a comment is written bare', () => {
    const refs = resolveActionRefs(ActionPinning.COMMIT_SHA, { 'actions/cache': 'f'.repeat(40) });
    expect(refs['actions/cache']).toEqual({ uses: `actions/cache@${'f'.repeat(40)}` });
  });

  test('version comments are added to matching uses: lines only', () => {
    const refs = { a: { uses: `o/a@${'1'.repeat(40)}`, comment: 'v1.2.3' } };
    const text = `steps:\n  - uses: o/a@${'1'.repeat(40)}\n    with:\n      x: "uses: o/a@${'1'.repeat(40)}"\n  - uses: o/b@v1\n`;
    expect(addActionVersionComments(text, refs)).toBe(`steps:\n  - uses: o/a@${'1'.repeat(40)} # v1.2.3\n    with:\n      x: "uses: o/a@${'1'.repeat(40)}"\n  - uses: o/b@v1\n`);
  });
});
