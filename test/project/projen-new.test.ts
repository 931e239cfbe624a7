/**
 * End to end: pack this library as the release workflow publishes it (`npm pack` of the compiled
 * package), then `projen new --from <tgz>` in a temp Rust repo and run `npx projen` there twice
 * (the second run must change nothing). Uses the npm registry for projen/ts-node/typescript, like
 * a user's machine.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixtureOutdir } from '../util/fixture-project';
import { packLibrary, PROJEN_VERSION, run, tree } from '../util/npm';

describe('projen new --from <tgz>', () => {
  jest.setTimeout(600_000);

  test('creates a working project in an existing Rust repo; npx projen is idempotent', () => {
    // GIVEN the packed library and a Rust repo with a Cargo.toml
    const tgz = packLibrary();
    // AND the package holds what users need (the compiled library, its jsii assembly, the docs)
    // and nothing of the repository's tests, examples or sources
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf-8' }).split('\n').filter(f => f !== '');
    for (const f of ['package/package.json', 'package/lib/index.js', 'package/lib/index.d.ts', 'package/.jsii', 'package/README.md', 'package/LICENSE', 'package/API.md']) {
      expect(files).toContain(f);
    }
    expect(files.filter(f => /^package\/(test|examples|src|bench|docs|\.ci|\.github)\//.test(f))).toEqual([]);
    // AND its package.json names the repository (npm's provenance statement is checked against it)
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf-8' }));
    expect(manifest.repository.url).toBe('https://github.com/projen-rust-docker/projen-rust-docker.git');
    const repo = fixtureOutdir('single-crate');
    // WHEN a user runs projen new --from the package
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tgz, '--projen-version', PROJEN_VERSION, '--no-git'], { cwd: repo });

    // THEN the projenrc, the managed files and a working package.json exist
    const rc = fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8');
    expect(rc).toMatch(/from ["']projen-rust-docker["']/);
    expect(rc).toContain('new RustDockerProject(');
    for (const f of ['Dockerfile', '.dockerignore', '.github/workflows/docker.yml', '.github/dependabot.yml', 'package.json', '.projen/tasks.json']) {
      expect(fs.existsSync(path.join(repo, f))).toBe(true);
    }
    expect(fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf-8')).toContain('hello');
    // AND the workflow's actions are pinned by SHA (the default)
    const uses = fs.readFileSync(path.join(repo, '.github/workflows/docker.yml'), 'utf-8').split('\n').filter(l => /^\s*(- )?uses: /.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const l of uses) expect(l).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);

    // WHEN npx projen runs (first time: from the .projenrc.ts, with the locally installed tooling)
    run('npx', ['projen'], { cwd: repo });
    const first = tree(repo);
    // AND again
    run('npx', ['projen'], { cwd: repo });
    // THEN nothing changed the second time
    expect(tree(repo)).toEqual(first);
  });

  test('a workspace with two binaries and no default-run: projen new without flags gives two images', () => {
    // GIVEN the packed library and the multi-image workspace (api, worker, a shared lib; no default-run)
    const tgz = packLibrary();
    const repo = fixtureOutdir('multi-image');
    // WHEN a user runs projen new --from the package, without any option
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tgz, '--projen-version', PROJEN_VERSION, '--no-git'], { cwd: repo });
    // THEN the one Dockerfile has a final stage per image, and the workflow a job per image after the changes job
    const dockerfile = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf-8');
    expect(dockerfile).toMatch(/^#   Images: api \(api of package api\); worker \(worker of package worker\) \(one per binary: 2 binaries and no default-run\)$/m);
    expect(dockerfile).toMatch(/^FROM api-runtime-base AS api$/m);
    expect(dockerfile).toMatch(/^FROM worker-runtime-base AS worker$/m);
    const workflow = fs.readFileSync(path.join(repo, '.github/workflows/docker.yml'), 'utf-8');
    for (const job of ['changes', 'image_api', 'image_worker']) expect(workflow).toMatch(new RegExp(`^  ${job}:$`, 'm'));
  });
});
