/**
 * End to end: pack this library, then `projen new --from <tgz>` in a temp Rust repo and run
 * `npx projen` there twice (the second run must change nothing). Uses the npm registry for
 * projen/ts-node/typescript, like a user's machine.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fixtureOutdir } from '../util/fixture-project';
import { packLibrary, PROJEN_VERSION, run, tree } from '../util/npm';

describe('projen new --from <tgz>', () => {
  jest.setTimeout(600_000);

  test('creates a working project in an existing Rust repo; npx projen is idempotent', () => {
    // GIVEN the packed library and a Rust repo with a Cargo.toml
    const tgz = packLibrary();
    const repo = fixtureOutdir('single-crate');
    // WHEN a user runs projen new --from the package
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tgz, '--projen-version', PROJEN_VERSION, '--no-git'], { cwd: repo });

    // THEN the projenrc, the managed files and a working package.json exist
    const rc = fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8');
    expect(rc).toMatch(/from ["']projen-rust-docker["']/);
    expect(rc).toContain('new RustDockerProject(');
    for (const f of ['Dockerfile', '.dockerignore', '.github/workflows/docker.yml', 'package.json', '.projen/tasks.json']) {
      expect(fs.existsSync(path.join(repo, f))).toBe(true);
    }
    expect(fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf-8')).toContain('hello');

    // WHEN npx projen runs (first time: from the .projenrc.ts, with the locally installed tooling)
    run('npx', ['projen'], { cwd: repo });
    const first = tree(repo);
    // AND again
    run('npx', ['projen'], { cwd: repo });
    // THEN nothing changed the second time
    expect(tree(repo)).toEqual(first);
  });
});
