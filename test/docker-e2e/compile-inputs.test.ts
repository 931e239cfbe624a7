/**
 * Files the compilation reads outside the members' src/ (a crate-doc README, include_str!/include_bytes!,
 * one through CARGO_MANIFEST_DIR, a build script reading a proto file and compiling C with the cc crate, a
 * library including a file of another folder): the allow-list .dockerignore must send every one, or the
 * image does not build. Built for real on the lab builder, for the default strategy and SKELETON, then run:
 * the binary prints what its compiled-in inputs say. Two more embed migrations (sqlx::migrate!()) and askama templates.
 */
import { DependencyCaching, RustDockerSettings } from '../../src/settings';
import { buildImage, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture, removeImage, runImage, uniqueTag } from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

const FIXTURES = [
  { name: 'inputs-workspace', out: /^inputs ok config=mode: fixture logo=5 proto=syntax = "proto3"; \/\/ greeting v1 c=42 greet=hello-from-shared fr=bonjour$/m },
  // sqlx::migrate!() embeds ./migrations (the macro crate comes from crates.io, as on a runner)
  { name: 'inputs-migrations', out: /^migrations ok 20260101000000:create users,20260102000000:create posts$/m },
  // askama compiles ./templates into the binary
  { name: 'inputs-templates', out: /^templates ok hello from-askama$/m },
];
const STRATEGIES: Array<[string, RustDockerSettings]> = [
  ['the default (CARGO_CHEF)', {}],
  ['SKELETON', { dependencyCaching: DependencyCaching.SKELETON }],
];

describeDocker('compile-time inputs outside src/ reach the build', () => {
  const tags: string[] = [];
  afterAll(() => tags.forEach(removeImage));

  test.each(FIXTURES.flatMap(f => STRATEGIES.map(([label, options]) => [`${f.name}, ${label}`, f, options] as const)))(
    '%s: builds with the allow-list and prints its inputs', async (_label, fixture, options) => {
    // GIVEN the fixture with the generated allow-list .dockerignore and Dockerfile
      const ctx = prepareFixture(fixture.name);
      const dockerfile = generateDockerfile(ctx, options);
      // WHEN it is built as a runner builds it and run
      const tag = uniqueTag('compile-inputs');
      tags.push(tag);
      const build = await buildImage({ context: ctx, dockerfile, tag });
      if (!build.ok) throw new Error(`build failed:\n${build.log.slice(-6000)}`);
      const run = await runImage(tag);
      // THEN the binary prints what its compiled-in inputs say
      expect(run.stdout).toMatch(fixture.out);
    }, DOCKER_TEST_TIMEOUT);
});
