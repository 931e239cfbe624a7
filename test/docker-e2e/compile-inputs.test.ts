/**
 * Files the compilation reads outside the members' src/ (a crate-doc README, include_str!/include_bytes!,
 * one through CARGO_MANIFEST_DIR, a build script reading a proto file and compiling C with the cc crate, a
 * library including a file of another folder): the allow-list .dockerignore must send every one, or the
 * image does not build. Built for real on the lab builder, for the default strategy and SKELETON, then run:
 * the binary prints what its compiled-in inputs say.
 */
import { DependencyCaching, RustDockerSettings } from '../../src/settings';
import { buildImage, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture, removeImage, runImage, uniqueTag } from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

const OUT = /^inputs ok config=mode: fixture logo=5 proto=syntax = "proto3"; \/\/ greeting v1 c=42 greet=hello-from-shared$/m;

describeDocker('compile-time inputs outside src/ reach the build', () => {
  const tags: string[] = [];
  afterAll(() => tags.forEach(removeImage));

  test.each([
    ['the default (CARGO_CHEF)', {} as RustDockerSettings],
    ['SKELETON', { dependencyCaching: DependencyCaching.SKELETON }],
  ])('%s: builds with the allow-list and prints its inputs', async (_label, options) => {
    // GIVEN the fixture with the generated allow-list .dockerignore and Dockerfile
    const ctx = prepareFixture('inputs-workspace');
    const dockerfile = generateDockerfile(ctx, options);
    // WHEN it is built as a runner builds it and run
    const tag = uniqueTag('compile-inputs');
    tags.push(tag);
    const build = await buildImage({ context: ctx, dockerfile, tag });
    if (!build.ok) throw new Error(`build failed:\n${build.log.slice(-6000)}`);
    const run = await runImage(tag);
    // THEN the binary prints what its compiled-in inputs say
    expect(run.stdout).toMatch(OUT);
  }, DOCKER_TEST_TIMEOUT);
});
