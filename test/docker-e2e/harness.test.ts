/** Unit tests of the real-Docker harness's parsers and Dockerfile transform (no engine needed). */
import { buildSteps, compiledCrates, offlineDockerfile } from '../util/docker';

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

test('offlineDockerfile strips the syntax line and injects crates into rust stages only', () => {
  const df = [
    '# syntax=docker/dockerfile:1.7',
    'ARG RUST_VERSION=1.95',
    'FROM rust:${RUST_VERSION}-slim-bookworm AS chef',
    'FROM chef AS builder',
    'FROM debian:bookworm-slim AS runtime',
    '',
  ].join('\n');
  expect(offlineDockerfile(df, false)).toBe(df.split('\n').slice(1).join('\n'));
  const out = offlineDockerfile(df, true).split('\n');
  expect(out.filter((l) => l.startsWith('COPY .offline-cargo/'))).toHaveLength(2);
  expect(out.indexOf('COPY .offline-cargo/config.toml /usr/local/cargo/config.toml')).toBe(out.indexOf('FROM rust:${RUST_VERSION}-slim-bookworm AS chef') + 1);
});
