/**
 * A workspace member named like a registry crate (`itoa`, which serde_json depends on), reached through a
 * renamed inline path dependency, a workspace dependency and a renamed `[dependencies.<key>]` sub-table:
 * Cargo.lock then holds versioned references (`"itoa 0.1.0"`). SKELETON's rewrite must follow every one,
 * and the default must not pick cargo-chef, whose recipe cannot build such a workspace. Built for real on
 * the lab builder (crates from crates.io) with `cargo build --locked`, then run.
 */
import { DependencyCaching, RustDockerSettings } from '../../src/settings';
import { buildImage, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture, removeImage, runImage, uniqueTag } from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

const OUT = /^name-clash ok workspace itoa util\+workspace itoa \{"n":1\}$/m;

describeDocker('a member named like a registry crate', () => {
  const tags: string[] = [];
  afterAll(() => tags.forEach(removeImage));

  test.each([
    ['the default (SKELETON chosen, reason in the header)', {} as RustDockerSettings],
    ['SKELETON', { dependencyCaching: DependencyCaching.SKELETON }],
  ])('%s: builds with --locked and runs', async (_label, options) => {
    // GIVEN the fixture and its generated Dockerfile
    const ctx = prepareFixture('name-clash');
    const dockerfile = generateDockerfile(ctx, options);
    expect(dockerfile).toMatch(/^# +Dependency caching: SKELETON/m);
    expect(dockerfile).toMatch(/cargo build --locked/);
    // WHEN it is built as a runner builds it and run
    const tag = uniqueTag('name-clash');
    tags.push(tag);
    const build = await buildImage({ context: ctx, dockerfile, tag });
    if (!build.ok) throw new Error(`build failed:\n${build.log.slice(-6000)}`);
    const run = await runImage(tag);
    // THEN the binary prints what its workspace crates say
    expect(run.stdout).toMatch(OUT);
  }, DOCKER_TEST_TIMEOUT);
});
