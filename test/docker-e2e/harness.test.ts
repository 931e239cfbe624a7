/** Unit tests of the real-Docker harness's log parsers (no engine needed). */
import { buildSteps, compiledCrates } from '../util/docker';

const LOG = `#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 300B done
#1 DONE 0.0s

#7 [builder 3/5] COPY Cargo.toml Cargo.lock ./
#7 CACHED

#8 [builder 4/5] RUN cargo build --release
#8 0.412    Compiling serde v1.0.152
#8 0.413    Compiling serde_json v1.0.87
#8 1.2   Compiling core-lib v0.1.0 (/app/crates/core)
#8 2.3    Compiling server v0.1.0 (/app/crates/server)
#8 2.4    Compiling serde v1.0.152
#8 3.0     Finished \`release\` profile [optimized] target(s) in 2.95s
#8 DONE 3.1s
`;

test('compiledCrates lists crate names once, in order', () => {
  expect(compiledCrates(LOG)).toEqual(['serde', 'serde_json', 'core-lib', 'server']);
  expect(compiledCrates('#5 CACHED\n')).toEqual([]);
});

test('buildSteps reports cached and executed steps', () => {
  const steps = buildSteps(LOG);
  expect(steps.find((s) => s.name.startsWith('[builder 3/5]'))?.cached).toBe(true);
  expect(steps.find((s) => s.name.startsWith('[builder 4/5]'))?.cached).toBe(false);
  expect(steps.map((s) => s.id)).toEqual([1, 7, 8]);
});

/** Excerpt of a real `docker buildx build --builder lab --progress=plain --load` log (buildx 0.38, BuildKit 0.34). */
const BUILDX_LOG = `#0 building with "lab" instance using remote driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 490B done
#1 DONE 0.0s

#3 docker-image://docker.io/docker/dockerfile:1@sha256:941b4a51eeb387142cfd9ee9e788faeb72cb53d97b0c98962bed1620d2eaf60b
#3 resolve docker.io/docker/dockerfile:1@sha256:941b4a51eeb387142cfd9ee9e788faeb72cb53d97b0c98962bed1620d2eaf60b done
#3 CACHED

#8 [stage-1 1/2] FROM gcr.io/distroless/cc-debian12:nonroot@sha256:b90a679cd1c7616b74edbce0f1608d95b9361b65eb9f79e9ea2fb438a46dcec9
#8 resolve gcr.io/distroless/cc-debian12:nonroot@sha256:b90a679cd1c7616b74edbce0f1608d95b9361b65eb9f79e9ea2fb438a46dcec9 done
#8 DONE 0.0s

#12 [builder 4/6] RUN mkdir src && echo "fn main() {}" > src/main.rs && cargo build --release --locked
#12 CACHED

#13 [builder 5/6] COPY src src
#13 DONE 0.0s

#14 [builder 6/6] RUN cargo build --release --locked
#14 0.139    Compiling docker-app v0.1.0 (/app)
#14 0.868     Finished \`release\` profile [optimized] target(s) in 0.76s
#14 DONE 0.9s

#8 [stage-1 1/2] FROM gcr.io/distroless/cc-debian12:nonroot@sha256:b90a679cd1c7616b74edbce0f1608d95b9361b65eb9f79e9ea2fb438a46dcec9
#8 CACHED

#16 exporting to docker image format
#16 sending tarball
#16 ...

#17 importing to docker
#17 DONE 0.1s

#16 exporting to docker image format
#16 sending tarball 0.3s done
#16 DONE 0.4s
`;

test('the parsers read buildx plain progress: repeated vertex headers, "...", the #0 builder line', () => {
  // GIVEN a real buildx log WHEN parsed
  const steps = buildSteps(BUILDX_LOG);
  // THEN each vertex appears once, with its first header as name, CACHED wherever it was reported
  expect(steps.map((s) => s.id)).toEqual([0, 1, 3, 8, 12, 13, 14, 16, 17]);
  expect(steps.find((s) => s.id === 0)?.name).toBe('building with "lab" instance using remote driver');
  expect(steps.filter((s) => s.name.includes(' RUN ')).map((s) => [s.name.split(' RUN ')[0], s.cached]))
    .toEqual([['[builder 4/6]', true], ['[builder 6/6]', false]]);
  expect(steps.find((s) => s.id === 8)?.cached).toBe(true);
  expect(steps.find((s) => s.id === 16)?.name).toBe('exporting to docker image format');
  // AND cargo's lines are found in the timestamped vertex output
  expect(compiledCrates(BUILDX_LOG)).toEqual(['docker-app']);
});

/** Excerpt of a real buildx log on a FRESH builder with `--cache-from type=registry,…` after a one-line change. */
const IMPORTED_CACHE_LOG = `#6 [builder 1/6] FROM docker.io/library/rust:1.95-slim-bookworm@sha256:df26618fbed7f9540df740e476004635faa4c358c278e4863f8ef131426d94a8
#6 resolve docker.io/library/rust:1.95-slim-bookworm@sha256:df26618fbed7f9540df740e476004635faa4c358c278e4863f8ef131426d94a8 0.0s done
#6 DONE 0.0s

#8 importing cache manifest from 127.0.0.1:5000/test/fbx
#8 inferred cache manifest type: application/vnd.oci.image.manifest.v1+json done
#8 DONE 0.0s

#10 [builder 3/6] COPY Cargo.toml Cargo.lock ./
#10 CACHED

#11 [builder 4/6] RUN mkdir src && echo "fn main() {}" > src/main.rs && cargo build --release --locked
#11 sha256:76d65a33d85e1245af70689e5c8d211d2507071314ec79323990b5d0cb3fefff 787B / 787B 0.0s done
#11 sha256:c973c0b2809a661dd41982cd0be51bd47e0be117182ba086b1507f29e64539bb 325.07MB / 325.07MB 1.0s done
#11 DONE 1.1s

#11 [builder 4/6] RUN mkdir src && echo "fn main() {}" > src/main.rs && cargo build --release --locked
#11 extracting sha256:c973c0b2809a661dd41982cd0be51bd47e0be117182ba086b1507f29e64539bb
#11 extracting sha256:c973c0b2809a661dd41982cd0be51bd47e0be117182ba086b1507f29e64539bb 10.0s done
#11 DONE 11.0s

#12 [builder 5/6] COPY src src
#12 DONE 2.3s

#13 [builder 6/6] RUN cargo build --release --locked
#13 0.198    Compiling docker-app v0.1.0 (/app)
#13 0.889     Finished \`release\` profile [optimized] target(s) in 0.78s
#13 DONE 0.9s

#7 [stage-1 1/2] FROM gcr.io/distroless/cc-debian12:nonroot@sha256:b90a679cd1c7616b74edbce0f1608d95b9361b65eb9f79e9ea2fb438a46dcec9
#7 sha256:da4eee13a33a91ba926ad27c544749f6045500258d83c7603ac2a59774f1395e 8.07MB / 8.07MB 0.0s done
#7 extracting sha256:da4eee13a33a91ba926ad27c544749f6045500258d83c7603ac2a59774f1395e
#7 DONE 1.3s
`;

test('a step restored from an imported (registry) cache is reused, whether or not BuildKit says CACHED', () => {
  // GIVEN the log of a fresh builder importing a registry cache WHEN parsed
  const byStep = Object.fromEntries(buildSteps(IMPORTED_CACHE_LOG).map((s) => [s.id, s]));
  // THEN the dependency step (layers downloaded, nothing run) was imported from the cache
  expect(byStep[11]).toMatchObject({ cached: false, importedFromCache: true, reused: true });
  // AND the same with the CACHED line BuildKit sometimes prints first for such a hit
  const withCachedLine = IMPORTED_CACHE_LOG.replace('#11 sha256:76d6', '#11 CACHED\n\n#11 [builder 4/6] RUN mkdir src\n#11 sha256:76d6');
  expect(buildSteps(withCachedLine).find((s) => s.id === 11)).toMatchObject({ cached: true, importedFromCache: true, reused: true });
  // AND a step of the builder's own cache is CACHED, the source build ran, and image pulls are not cache hits
  expect(byStep[10]).toMatchObject({ cached: true, importedFromCache: false, reused: true });
  expect(byStep[13]).toMatchObject({ cached: false, importedFromCache: false, reused: false });
  expect(byStep[12].reused).toBe(false);
  expect(byStep[7].reused).toBe(false);
  expect(byStep[6].reused).toBe(false);
});
