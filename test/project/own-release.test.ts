/**
 * This library's own release (projen's release workflow, from .projenrc.ts): it can only run on
 * GitHub, so what is checked here is the committed workflow — it publishes to npm with a
 * provenance statement through trusted publishing (no stored token), only after the build, never
 * on pull requests; every action pinned by the SHA of the library's table; no persisted git
 * credentials; no privileged trigger in any of our workflows. zizmor and native actionlint judge
 * the same files in test/security/oracles.test.ts; `projen new --from` the packed library is
 * test/project/projen-new.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ACTION_VERSIONS } from '../../src/plan/action-versions';
import { ROOT } from '../util/npm';
import { lintWorkflow } from '../util/workflow-lint';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter(f => f.endsWith('.yml'));
const text = (f: string) => fs.readFileSync(path.join(WORKFLOWS, f), 'utf-8');
const steps = (wf: any) => Object.values<any>(wf.jobs).flatMap(j => j.steps ?? []);

describe('the release workflow', () => {
  const release = YAML.parse(text('release.yml'));

  test('runs on pushes to main (and by hand), never on pull requests', () => {
    expect(Object.keys(release.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(release.on.push.branches).toEqual(['main']);
  });

  test('the version comes from the conventional commits (projen release: bump, build, unbump)', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;
    expect(steps(release).map((s: any) => s.run)).toContain('npx projen release');
    expect(tasks.release.steps.map((s: any) => s.spawn ?? s.exec ?? s.execArgs?.join(' '))).toEqual(['rm -fr dist', 'bump', 'build', 'unbump', 'git diff --ignore-space-at-eol --exit-code']);
    expect(tasks.bump.env.BUMP_PACKAGE).toMatch(/^commit-and-tag-version@/);
  });

  test('npm: trusted publishing (OIDC, no token) with a provenance statement; only that job gets id-token', () => {
    const npm = release.jobs.release_npm;
    expect(npm.permissions).toEqual({ 'id-token': 'write', 'contents': 'read' });
    const publish = npm.steps.find((s: any) => /publib-npm/.test(s.run ?? ''));
    expect(publish.env).toMatchObject({ NPM_CONFIG_PROVENANCE: 'true', NPM_TRUSTED_PUBLISHER: 'true' });
    expect(JSON.stringify(npm)).not.toMatch(/NPM_TOKEN/);
    for (const [id, job] of Object.entries<any>(release.jobs)) {
      if (id !== 'release_npm') expect({ id, idToken: job.permissions['id-token'] }).toEqual({ id, idToken: undefined });
    }
  });

  test('Node 24 on the runners (npm >= 11.5.1 for trusted publishing), the Docker lab skipped (GitHub has none)', () => {
    for (const s of steps(release).filter((x: any) => String(x.uses).startsWith('actions/setup-node@'))) expect(s.with['node-version']).toBe('24.x');
    expect(release.jobs.release.env.SKIP_DOCKER_TESTS).toBe('1');
  });
});

describe.each(files)('our workflow %s', (file) => {
  const wf = YAML.parse(text(file));

  test('every action pinned by full SHA; the library\'s own actions by the SHA of its table', () => {
    for (const s of steps(wf).filter((x: any) => x.uses)) {
      expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      const [action, sha] = s.uses.split('@');
      if (ACTION_VERSIONS[action]) expect({ action, sha }).toEqual({ action, sha: ACTION_VERSIONS[action].sha });
    }
  });

  test('no persisted git credentials, no privileged trigger, no job that pushes to a branch', () => {
    for (const s of steps(wf).filter((x: any) => String(x.uses).startsWith('actions/checkout@'))) expect(s.with['persist-credentials']).toBe(false);
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    expect(text(file)).not.toMatch(/git push|PROJEN_GITHUB_TOKEN/);
  });

  test('lints clean (native actionlint, action-validator, shellcheck, expressions in run:)', async () => {
    expect(await lintWorkflow(text(file), file)).toEqual([]);
  });
});
