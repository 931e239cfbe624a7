/**
 * Every DependencyCaching × RuntimeBase × TargetLibc × crossCompile × single/workspace combination
 * of the Rust Dockerfile (the Dockerfile matrix and the oracle test): the accepted ones render, the
 * rejected ones fail at plan time.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { RustDockerfile } from '../../src/docker/rust-dockerfile';
import { DependencyCaching, RuntimeBase, TargetLibc, RustDockerSettings } from '../../src/settings';
import { planFor } from '../util/plan';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** single: a crate with rust-toolchain.toml + .cargo/config.toml; workspace: one binary of a 3-member glob workspace with a build script. */
export const SHAPES = {
  single: { fixture: 'toolchain-file', options: {} as RustDockerSettings, bin: 'toolchained', rustImage: 'rust:1.95-slim-trixie' },
  workspace: { fixture: 'glob-workspace', options: { binaries: ['worker'] } as RustDockerSettings, bin: 'worker', rustImage: 'rust:1-slim-trixie' },
};
const FACTS = {
  single: CargoWorkspace.load(path.join(FIXTURES, SHAPES.single.fixture)).facts,
  workspace: CargoWorkspace.load(path.join(FIXTURES, SHAPES.workspace.fixture)).facts,
};

export const STATIC_ONLY = [RuntimeBase.SCRATCH, RuntimeBase.DISTROLESS_STATIC, RuntimeBase.ALPINE];
/** The runtime image of RuntimeBase.CUSTOM. */
export const CUSTOM_RUNTIME_IMAGE = 'registry.example.com/acme/base:1-trixie';

export interface Combo {
  readonly caching: DependencyCaching;
  readonly runtime: RuntimeBase;
  readonly libc: TargetLibc;
  readonly cross: boolean;
  readonly shape: 'single' | 'workspace';
}

export const combos: Combo[] = [];
for (const caching of Object.values(DependencyCaching)) {
  for (const runtime of Object.values(RuntimeBase)) {
    for (const libc of Object.values(TargetLibc)) {
      for (const cross of [false, true]) {
        for (const shape of ['single', 'workspace'] as const) combos.push({ caching, runtime, libc, cross, shape });
      }
    }
  }
}
export const name = (c: Combo) => `${c.caching} × ${c.runtime} × ${c.libc}${c.cross ? ' × cross' : ''} × ${c.shape}`;
/** A glibc binary on a runtime without glibc. */
export const rejectedLibc = (c: Combo) => c.libc === TargetLibc.GNU && STATIC_ONLY.includes(c.runtime);
/** RUNNER: the runner builds natively (no cross-compilation), and SCRATCH's CA certificates come from the builder it skips. */
export const rejectedRunner = (c: Combo) => c.caching === DependencyCaching.RUNNER && (c.cross || c.runtime === RuntimeBase.SCRATCH);
export const rejected = combos.filter(c => rejectedLibc(c) || rejectedRunner(c));
export const accepted = combos.filter(c => !rejected.includes(c));

export function options(c: Combo): RustDockerSettings {
  return {
    ...SHAPES[c.shape].options,
    dependencyCaching: c.caching,
    runtime: c.runtime,
    runtimeImage: c.runtime === RuntimeBase.CUSTOM ? CUSTOM_RUNTIME_IMAGE : undefined,
    targetLibc: c.libc,
    crossCompile: c.cross,
    ports: [8080],
    buildSecrets: [{ id: 'cargo_token', env: 'CARGO_REGISTRY_TOKEN' }],
  };
}

export function render(c: Combo): string {
  const facts = FACTS[c.shape];
  const plan = planFor(options(c), facts);
  const project = new Project({ name: 'matrix', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'x-')) });
  return new RustDockerfile(project, plan).file.render();
}

