/**
 * Baseline real-Docker builds of the fixtures with hand-written Dockerfiles: proves the harness
 * (test/util/docker.ts) end to end and records the baseline truth that generated Dockerfiles must
 * beat: a naive `COPY . . && cargo build` recompiles every dependency after a one-line change.
 * Built as a runner builds (`docker buildx build --builder lab`, crates from crates.io).
 * Skipped (with the reason printed) when no engine/builder is reachable; the test task's set-up
 * (scripts/docker-setup.sh) provides them.
 */
import {
  buildImage,
  buildSteps,
  compiledCrates,
  describeDocker,
  DOCKER_TEST_TIMEOUT,
  freshBuilder,
  prepareFixture,
  pruneBuilder,
  removeImage,
  removeRegistryCache,
  replaceInFile,
  runImage,
  stopBuilder,
  uniqueTag,
} from '../util/docker';

/** Naive: copy everything, build, copy the binary into a slim runtime. */
function naiveDockerfile(bin: string): string {
  return [
    '# syntax=docker/dockerfile:1',
    'FROM rust:1.95-slim-bookworm AS builder',
    'WORKDIR /app',
    'COPY . .',
    'RUN cargo build --release --locked',
    '',
    'FROM debian:bookworm-slim',
    `COPY --from=builder /app/target/release/${bin} /usr/local/bin/${bin}`,
    `CMD ["${bin}"]`,
    '',
  ].join('\n');
}

const DOCKER_APP_CRATES = ['anyhow', 'docker-app', 'itoa', 'ryu', 'serde', 'serde_json'];
const WORKSPACE_CRATES = ['anyhow', 'core-lib', 'itoa', 'server'];

const cases = [
  { fixture: 'docker-app', bin: 'docker-app', main: 'src/main.rs', out: 'docker-app ok {"sum":16,"words":3}', crates: DOCKER_APP_CRATES },
  { fixture: 'docker-workspace', bin: 'server', main: 'crates/server/src/main.rs', out: 'server ok words=3 total=16', crates: WORKSPACE_CRATES },
];

describeDocker('baseline naive Dockerfile (real Docker)', () => {
  const tags: string[] = [];
  afterAll(() => {
    tags.forEach(removeImage);
    pruneBuilder();
  });

  test.each(cases)('$fixture: builds, runs, and a one-line change recompiles every dependency', async (c) => {
    const ctx = prepareFixture(c.fixture);
    const tag = uniqueTag(`naive-${c.fixture}`);
    tags.push(tag);
    const dockerfile = naiveDockerfile(c.bin);

    const cold = await buildImage({ context: ctx, dockerfile, tag, noCache: true });
    expect(cold.log).not.toMatch(/ERROR|error\[/);
    expect(cold.ok).toBe(true);
    expect(compiledCrates(cold.log).sort()).toEqual(c.crates);
    const first = await runImage(tag);
    expect(first).toMatchObject({ exitCode: 0, stdout: `${c.out} v1\n` });

    const same = await buildImage({ context: ctx, dockerfile, tag });
    expect(same.ok).toBe(true);
    expect(compiledCrates(same.log)).toEqual([]);
    expect(buildSteps(same.log).filter((s) => s.name.includes('RUN cargo')).every((s) => s.cached)).toBe(true);

    replaceInFile(`${ctx}/${c.main}`, 'let marker = "v1"', 'let marker = "v2"');
    const edited = await buildImage({ context: ctx, dockerfile, tag });
    expect(edited.ok).toBe(true);
    // the baseline truth: COPY . . invalidates the only build layer, so dependencies rebuild too
    expect(compiledCrates(edited.log).sort()).toEqual(c.crates);
    expect((await runImage(tag)).stdout).toBe(`${c.out} v2\n`);
    // eslint-disable-next-line no-console
    console.log(`[docker-e2e] naive ${c.fixture}: cold ${cold.seconds}s, no change ${same.seconds}s, one-line change ${edited.seconds}s`);
  }, DOCKER_TEST_TIMEOUT);

  /** Dependencies in their own layer (manifests first), then the sources. */
  const manifestFirst = [
    'FROM rust:1.95-slim-bookworm AS builder',
    'WORKDIR /app',
    'COPY Cargo.toml Cargo.lock ./',
    'RUN mkdir src && echo "fn main() {}" > src/main.rs && cargo build --release --locked && rm -rf src target/release/docker-app* target/release/deps/docker_app*',
    'COPY src src',
    'RUN cargo build --release --locked',
    'FROM gcr.io/distroless/cc-debian12:nonroot',
    'COPY --from=builder /app/target/release/docker-app /docker-app',
    'ENTRYPOINT ["/docker-app"]',
  ].join('\n');

  test('a manifest-first Dockerfile rebuilds only the workspace crate', async () => {
    // the project is a plain crates.io project: cargo fetches its crates inside the build
    const ctx = prepareFixture('docker-app');
    const tag = uniqueTag('skeleton-docker-app');
    tags.push(tag);
    const dockerfile = manifestFirst;

    const cold = await buildImage({ context: ctx, dockerfile, tag, noCache: true });
    expect(cold.ok).toBe(true);
    expect(compiledCrates(cold.log).sort()).toEqual(DOCKER_APP_CRATES);
    expect((await runImage(tag)).stdout).toBe('docker-app ok {"sum":16,"words":3} v1\n');

    replaceInFile(`${ctx}/src/main.rs`, 'let marker = "v1"', 'let marker = "v2"');
    const edited = await buildImage({ context: ctx, dockerfile, tag });
    expect(edited.ok).toBe(true);
    expect(compiledCrates(edited.log)).toEqual(['docker-app']);
    const deps = buildSteps(edited.log).find((s) => s.name.includes('echo "fn main() {}"'));
    expect(deps?.cached).toBe(true);
    expect((await runImage(tag)).stdout).toBe('docker-app ok {"sum":16,"words":3} v2\n');
  }, DOCKER_TEST_TIMEOUT);

  test('a fresh builder (a new runner) reuses the dependency layer only through the registry cache', async () => {
    // GIVEN a cold build on one fresh builder that exports its cache to the lab registry
    const ctx = prepareFixture('docker-app');
    const tag = uniqueTag('fresh-docker-app');
    tags.push(tag);
    const cache = `baseline-${process.pid}`;
    const first = freshBuilder('baseline-a');
    const cold = await buildImage({ context: ctx, dockerfile: manifestFirst, tag, builder: first, cacheTo: cache });
    stopBuilder(first);
    if (!cold.ok) throw new Error(cold.log.slice(-4000));
    expect(compiledCrates(cold.log).sort()).toEqual(DOCKER_APP_CRATES);

    // WHEN a source line changes and another fresh builder builds with that cache
    replaceInFile(`${ctx}/src/main.rs`, 'let marker = "v1"', 'let marker = "v2"');
    const second = freshBuilder('baseline-b');
    const edited = await buildImage({ context: ctx, dockerfile: manifestFirst, tag, builder: second, cacheFrom: cache });
    stopBuilder(second);
    removeRegistryCache(cache);

    // THEN only the workspace crate compiles (the dependency step comes from the registry cache)
    if (!edited.ok) throw new Error(edited.log.slice(-4000));
    expect(compiledCrates(edited.log)).toEqual(['docker-app']);
    const deps = buildSteps(edited.log).find((s) => s.name.includes('echo "fn main() {}"'));
    expect(deps).toMatchObject({ importedFromCache: true, reused: true });
    expect((await runImage(tag)).stdout).toBe('docker-app ok {"sum":16,"words":3} v2\n');
    // eslint-disable-next-line no-console
    console.log(`[docker-e2e] manifest-first on fresh builders: cold ${cold.seconds}s (cache export), one-line change ${edited.seconds}s (cache import)`);
  }, DOCKER_TEST_TIMEOUT);
});
