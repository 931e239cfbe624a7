/**
 * A new user's first minutes: `cargo new`, one dependency, no Cargo.lock yet, then
 * `projen new --from <packed library>` without flags. Synthesis must succeed (with a warning about the
 * missing lock file), and the generated Dockerfile, unchanged, must build as a runner builds it and run.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildImage, describeDocker, DOCKER_TEST_TIMEOUT, removeImage, runImage, uniqueTag } from '../util/docker';
import { fixtureOutdir } from '../util/fixture-project';
import { packLibrary, PROJEN_VERSION } from '../util/npm';

describeDocker('projen new in a fresh `cargo new` repo without Cargo.lock', () => {
  const tag = uniqueTag('cargo-new');
  afterAll(() => removeImage(tag));

  test('succeeds without flags, warns about the lock file, and the image builds and runs', async () => {
    // GIVEN `cargo new hello-new` with one dependency and no Cargo.lock
    const repo = fixtureOutdir();
    execFileSync('cargo', ['init', '--quiet', '--vcs', 'none', '--name', 'hello-new', repo]);
    fs.appendFileSync(path.join(repo, 'Cargo.toml'), 'itoa = "1"\n');
    fs.writeFileSync(path.join(repo, 'src/main.rs'),
      'fn main() {\n    let mut b = itoa::Buffer::new();\n    println!("hello-new {}", b.format(42));\n}\n');
    expect(fs.existsSync(path.join(repo, 'Cargo.lock'))).toBe(false);

    // WHEN a user runs projen new --from the package, without flags
    const tgz = packLibrary();
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: '' };
    delete env.CI;
    const r0 = spawnSync('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tgz, '--projen-version', PROJEN_VERSION, '--no-git'], {
      cwd: repo, env, encoding: 'utf-8',
    });
    const out = `${r0.stdout}${r0.stderr}`;
    if (r0.status !== 0) throw new Error(`projen new failed (${r0.status}):\n${out}`);
    // THEN it succeeds, says the lock file is missing, and the Dockerfile builds unlocked
    expect(out).toMatch(/Cargo\.lock is missing/);
    const dockerfile = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf-8');
    expect(dockerfile).not.toMatch(/cargo (build|chef cook)[^\n]*--locked/);

    // WHEN the generated Dockerfile is built as is, in the repo, as the workflow builds it
    const build = await buildImage({ context: repo, dockerfile: path.join(repo, 'Dockerfile'), tag });
    if (!build.ok) throw new Error(`build failed:\n${build.log.slice(-6000)}`);
    // THEN the image runs and prints its line
    const r = await runImage(tag);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('hello-new 42');
  }, DOCKER_TEST_TIMEOUT);
});
