/**
 * Every DependencyCaching × RuntimeBase × TargetLibc × crossCompile × single/workspace combination:
 * accepted ones render a Dockerfile that passes lintDockerfile (dockerfile-utils, stage references,
 * exec-form JSON, shellcheck on every RUN) and has the structure its strategy promises; rejected
 * ones fail at plan time with an error naming the option, the value and the fix.
 */
import { accepted, Combo, combos, CUSTOM_RUNTIME_IMAGE, name, rejected, rejectedLibc, render, SHAPES } from './dockerfile-combos';
import { DependencyCaching, RuntimeBase, TargetLibc } from '../../src/settings';
import { lintDockerfile } from '../util/dockerfile-lint';

const RUNTIME_FROM: { [r: string]: string } = {
  [RuntimeBase.DEBIAN_SLIM]: 'debian:trixie-slim',
  [RuntimeBase.DISTROLESS_CC]: 'gcr.io/distroless/cc-debian13',
  [RuntimeBase.DISTROLESS_STATIC]: 'gcr.io/distroless/static-debian13',
  [RuntimeBase.SCRATCH]: 'scratch',
  [RuntimeBase.ALPINE]: 'alpine:3',
  [RuntimeBase.CUSTOM]: CUSTOM_RUNTIME_IMAGE,
};
/** Build stages by strategy; `cargo-auditable` (both shapes' Rust can install it) comes right before `builder`. */
const STAGES: { [s: string]: string[] } = {
  [DependencyCaching.CARGO_CHEF]: ['chef', 'planner', 'cargo-auditable', 'builder'],
  [DependencyCaching.SKELETON]: ['base', 'skeleton', 'cargo-auditable', 'builder'],
  [DependencyCaching.CACHE_MOUNTS]: ['cargo-auditable', 'builder'],
  [DependencyCaching.NONE]: ['cargo-auditable', 'builder'],
  // CARGO_CHEF's stages (the Dockerfile builds alone), then the binaries: builder's, or the runner's
  [DependencyCaching.RUNNER]: ['chef', 'planner', 'cargo-auditable', 'builder', 'binaries'],
};
const chefStages = (c: Combo) => c.caching === DependencyCaching.CARGO_CHEF || c.caching === DependencyCaching.RUNNER;
const runner = (c: Combo) => c.caching === DependencyCaching.RUNNER;
/** Every runtime but SCRATCH gets the glibc guard between its base and the final stage. */
const guarded = (c: Combo) => c.runtime !== RuntimeBase.SCRATCH;
const RUNTIME_STAGES = (c: Combo) => (guarded(c) ? ['runtime-base', 'glibc-guard', 'runtime'] : ['runtime']);

/** Logical lines (continuations joined), grouped by stage. */
function stages(text: string): Array<{ from: string; name: string; lines: string[] }> {
  const result: Array<{ from: string; name: string; lines: string[] }> = [];
  for (const line of text.replace(/ \\\n\s*/g, ' ').split('\n')) {
    const m = /^FROM (.*) AS (\S+)$/.exec(line);
    if (m) result.push({ from: m[1], name: m[2], lines: [] });
    else if (result.length > 0 && line !== '' && !line.startsWith('#')) result[result.length - 1].lines.push(line);
  }
  return result;
}

test('the matrix covers every combination', () => {
  expect(combos).toHaveLength(5 * 6 * 2 * 2 * 2);
  // GNU on a static-only runtime; RUNNER cross-compiled (24, 6 of them GNU on static-only) or on SCRATCH (MUSL: 2)
  expect(rejected).toHaveLength(5 * 3 * 2 * 2 + 18 + 2);
});

describe.each(accepted.map(c => [name(c), c] as const))('%s', (_n, c) => {
  const text = render(c);
  const all = stages(text);
  const byName = (n: string) => all.find(s => s.name === n)!;
  const builder = byName('builder');
  /** The first stage cargo builds in (cargo-auditable's stage only installs a tool). */
  const firstBuild = all.find(s => s.name !== 'cargo-auditable')!;
  const CARGO_RUN = /\bcargo (auditable build|build|chef cook)\b/;
  const cargoRuns = all.flatMap(s => s.lines).filter(l => CARGO_RUN.test(l));

  test('passes lintDockerfile with zero problems', () => {
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('stages of the strategy, one Rust image for every build stage, runtime as requested', () => {
    expect(all.map(s => s.name)).toEqual([...STAGES[c.caching], ...RUNTIME_STAGES(c)]);
    const platform = c.cross ? '--platform=$BUILDPLATFORM ' : '';
    // the first build stage and cargo-auditable's: the same image
    // (RUNNER: the binaries stage names a build arg, its guard a plain Debian image)
    const external = all.filter(s => !['runtime', 'runtime-base', 'binaries', 'glibc-guard'].includes(s.name) && !all.some(o => o.name === s.from));
    expect(external.map(s => s.name).sort()).toEqual([firstBuild.name, 'cargo-auditable'].sort());
    expect(external[1].from).toBe(external[0].from);
    const buildImage = chefStages(c)
      ? `lukemathwalker/cargo-chef:latest-rust-${SHAPES[c.shape].rustImage.split(':')[1]}`
      : SHAPES[c.shape].rustImage;
    expect(external[0].from).toBe(`${platform}${buildImage}`);
    // the runtime stage is the target platform: never --platform
    expect(byName(guarded(c) ? 'runtime-base' : 'runtime').from).toBe(RUNTIME_FROM[c.runtime]);
    if (guarded(c)) {
      expect(byName('glibc-guard').from).toBe(runner(c) ? 'debian:trixie-slim' : 'builder');
      expect(byName('runtime').from).toBe('runtime-base');
    }
  });

  test('the image\'s toolchain pinned in the first build stage; cargo config copied before the first cargo command of the builder', () => {
    if (c.shape !== 'single') return;
    expect(firstBuild.lines).toContain('ENV RUSTUP_TOOLCHAIN="${RUST_VERSION}"');
    expect(text).not.toContain('COPY rust-toolchain.toml');
    const firstCargo = builder.lines.findIndex(l => CARGO_RUN.test(l));
    expect(builder.lines.indexOf('COPY .cargo/config.toml .cargo/config.toml')).toBeGreaterThanOrEqual(0);
    expect(builder.lines.indexOf('COPY .cargo/config.toml .cargo/config.toml')).toBeLessThan(firstCargo);
  });

  test('every cargo command: --locked, same flags, secret mount, --target when MUSL or cross', () => {
    expect(cargoRuns.length).toBe(c.caching === DependencyCaching.NONE || c.caching === DependencyCaching.CACHE_MOUNTS ? 1 : 2);
    const flags = (l: string) => /cargo (?:auditable build|build|chef cook) (.*?)(?: --recipe-path recipe\.json)?(?: &&|$)/.exec(l.replace(/^.*?(?=cargo (auditable build|build|chef cook))/, ''))![1];
    for (const l of cargoRuns) {
      expect(l).toContain('--locked');
      expect(l).toContain('--mount=type=secret,id=cargo_token,env=CARGO_REGISTRY_TOKEN');
      expect(l.includes('--target "$(cat /rust-target)"')).toBe(c.cross || c.libc === TargetLibc.MUSL);
      expect(flags(l)).toBe(flags(cargoRuns[cargoRuns.length - 1]));
      if (c.shape === 'workspace') expect(l).toContain('-p worker --bin worker');
    }
    // secrets never become ARG/ENV
    expect(text).not.toMatch(/^(ARG|ENV) .*(cargo_token|CARGO_REGISTRY_TOKEN)/m);
  });

  test('dependency layer before the sources', () => {
    const copyAll = builder.lines.indexOf('COPY . .');
    const build = builder.lines.findIndex(l => /cargo (auditable )?build/.test(l));
    if (chefStages(c)) {
      const cook = builder.lines.findIndex(l => l.includes('cargo chef cook'));
      expect(cook).toBeLessThan(copyAll);
      expect(byName('planner').lines).toContain(`RUN cargo chef prepare --recipe-path recipe.json${c.shape === 'workspace' ? ' --bin worker' : ''}`);
    } else if (c.caching === DependencyCaching.SKELETON) {
      expect(build).toBeLessThan(copyAll);
      expect(builder.lines).toContain('COPY --from=skeleton /build/ ./');
    } else if (c.caching === DependencyCaching.CACHE_MOUNTS) {
      expect(builder.lines[build]).toMatch(/--mount=type=cache,target=\/build\/target,id=\S+-target-\$TARGETPLATFORM-/);
      expect(builder.lines[build]).toMatch(/cp .* \/out\/$/); // copied out before the mount goes away
    } else {
      expect(build).toBeGreaterThan(copyAll);
      expect(text).not.toContain('type=cache');
    }
  });

  test('cargo auditable: the tool installed pinned in its own stage; only the final build is auditable, after the dependency layer', () => {
    expect(byName('cargo-auditable').lines).toEqual(['RUN cargo install --locked --root /opt/cargo-auditable cargo-auditable@0.7.7']);
    const final = cargoRuns[cargoRuns.length - 1];
    expect(final).toContain('cargo auditable build ');
    // the dependency build (cook, SKELETON's stub build) stays plain cargo: that layer is the same with or without auditable
    for (const l of cargoRuns.slice(0, -1)) expect(l).not.toContain('auditable');
    const copyTool = builder.lines.indexOf('COPY --from=cargo-auditable /opt/cargo-auditable/bin/cargo-auditable /usr/local/bin/cargo-auditable');
    if (cargoRuns.length === 2) expect(copyTool).toBeGreaterThan(builder.lines.findIndex(l => CARGO_RUN.test(l)));
    expect(copyTool).toBeGreaterThan(0);
    expect(copyTool).toBeLessThan(builder.lines.indexOf('COPY . .'));
    expect(byName('cargo-auditable').from).toBe(firstBuild.from);
  });

  test('cross-compilation and libc setup', () => {
    expect(text.includes('ARG TARGETARCH')).toBe(c.cross);
    expect(text.includes('musl-tools')).toBe(c.libc === TargetLibc.MUSL);
    if (c.cross) expect(text).toContain(`CARGO_TARGET_AARCH64_UNKNOWN_LINUX_${c.libc.toUpperCase()}_LINKER`);
  });

  test('runtime: binary in /usr/local/bin, exec-form entrypoint, numeric non-root USER', () => {
    const rt = byName('runtime').lines;
    const bin = SHAPES[c.shape].bin;
    expect(rt).toContain(`COPY --from=${guarded(c) ? 'glibc-guard' : 'builder'} /out/${bin} /usr/local/bin/`);
    if (runner(c)) {
      expect(text).toMatch(/^ARG BINARIES="builder"$/m);
      expect(byName('binaries').from).toBe('${BINARIES}');
      expect(byName('glibc-guard').lines).toContain('COPY --from=binaries /out/ /out/');
      // nothing after the binaries stage reads the builder: BuildKit skips it when the binaries come from the runner
      const after = all.slice(all.findIndex(s => s.name === 'binaries') + 1);
      expect(after.flatMap(s => [s.from, ...s.lines]).filter(l => /\bbuilder\b/.test(l) && !l.includes('echo'))).toEqual([]);
    }
    expect(rt).toContain(`ENTRYPOINT ["/usr/local/bin/${bin}"]`);
    const uid = c.runtime === RuntimeBase.DISTROLESS_CC || c.runtime === RuntimeBase.DISTROLESS_STATIC ? 65532 : 10001;
    expect(rt).toContain(`USER ${uid}:${uid}`);
    expect(rt).toContain('EXPOSE 8080');
    expect(rt.some(l => l.startsWith('COPY --from=builder /etc/ssl/certs/'))).toBe(c.runtime === RuntimeBase.SCRATCH);
  });
});

describe.each(rejected.map(c => [name(c), c] as const))('rejected: %s', (_n, c) => {
  test('fails at plan time naming the option, the value and the fix', () => {
    if (rejectedLibc(c)) {
      expect(() => render(c)).toThrow(/option "targetLibc": GNU builds a glibc binary, but runtime (SCRATCH|DISTROLESS_STATIC|ALPINE) .*could not start\. Set "targetLibc" to MUSL/);
    }
    if (runner(c) && c.cross) {
      expect(() => render(c)).toThrow(/option "crossCompile": is true, but DependencyCaching\.RUNNER builds the binaries natively.*Set "crossCompile" to false and "multiArchStrategy" to NATIVE_RUNNERS/);
    }
    if (runner(c) && c.runtime === RuntimeBase.SCRATCH) {
      expect(() => render(c)).toThrow(/option "runtime": SCRATCH takes its CA certificates from the builder stage.*Use RuntimeBase\.DISTROLESS_STATIC/);
    }
  });
});
