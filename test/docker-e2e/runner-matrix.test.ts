/**
 * The generated Dockerfile, unchanged, built as a GitHub runner builds it (`docker buildx build` on the
 * lab's BuildKit, base images pulled from the registry that plays Docker Hub, crates from crates.io,
 * toolchains from rustup) and run: every cell must start and print its line with no loader complaint
 * (nothing mentioning `GLIBC_`), and no build may download a second toolchain (rustup's "syncing
 * channel updates"). Two fixtures: runner-workspace (a workspace whose binary spawns a process, so a
 * glibc mismatch would crash it) and runner-toolchain (rust-toolchain.toml pins "1.95" with components
 * and a target the build must not fetch). Every binary must carry its crate list (`cargo auditable`, on
 * by default). Also: the glibc guard fails the build for a trixie builder picked by hand with a bookworm runtime.
 *
 * Every cell runs for both fixtures (measured: ~2–20 s a cell on the lab builder once the base images
 * are pulled). A table of build/run seconds per cell is printed and written to test-reports/runner-matrix.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DebianRelease, DependencyCaching, RuntimeBase, DockerfileSettings } from '../../src/settings';
import {
  auditableCrates, buildImage, BuildResult, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture, removeImage, REPO_ROOT, runImage, uniqueTag,
} from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

interface Fixture {
  readonly name: string;
  /** What the binary prints (a regular expression over stdout). */
  readonly out: RegExp;
  /** The binary, and the crates (name@source) cargo auditable must list in it. */
  readonly bin: string;
  readonly crates: string[];
}

const WORKSPACE: Fixture = { name: 'runner-workspace', out: /^svc ok child=child-ok\(exit 0\) v1$/m, bin: 'svc', crates: ['itoa@crates.io', 'probe@local', 'svc@local'] };
const TOOLCHAIN: Fixture = { name: 'runner-toolchain', out: /^tc-app ok rustc 1\.95\.\d+ \([^)]*\) child=3 v1$/m, bin: 'tc-app', crates: ['itoa@crates.io', 'tc-app@local'] };

interface Cell {
  readonly label: string;
  readonly options: DockerfileSettings;
}

const { CARGO_CHEF, SKELETON, CACHE_MOUNTS, NONE } = DependencyCaching;
const { TRIXIE, BOOKWORM } = DebianRelease;
const CELLS: Cell[] = [];
for (const dependencyCaching of [CARGO_CHEF, SKELETON]) {
  for (const debianRelease of [TRIXIE, BOOKWORM]) {
    for (const runtime of [RuntimeBase.DEBIAN_SLIM, RuntimeBase.DISTROLESS_CC]) {
      CELLS.push({ label: `${dependencyCaching} × ${debianRelease} × ${runtime}`, options: { dependencyCaching, debianRelease, runtime } });
    }
  }
}
CELLS.push(
  { label: `musl × ${RuntimeBase.DISTROLESS_STATIC}`, options: { runtime: RuntimeBase.DISTROLESS_STATIC } },
  { label: `musl × ${RuntimeBase.SCRATCH} (${SKELETON})`, options: { runtime: RuntimeBase.SCRATCH, dependencyCaching: SKELETON } },
  { label: `${CACHE_MOUNTS} × trixie × debian-slim`, options: { dependencyCaching: CACHE_MOUNTS } },
  { label: `${NONE} × trixie × debian-slim`, options: { dependencyCaching: NONE } },
);

const PLAN: Array<{ fixture: Fixture; cell: Cell }> = [WORKSPACE, TOOLCHAIN].flatMap(fixture => CELLS.map(cell => ({ fixture, cell })));

function failure(what: string, r: BuildResult): Error {
  return new Error(`${what} failed:\n${r.log.slice(-8000)}`);
}

const rows: string[] = [];

describeDocker('real-runner matrix: the generated image builds on today\'s images and starts', () => {
  const tags: string[] = [];
  afterAll(() => {
    tags.forEach(removeImage);
    const table = ['| fixture | cell | build s | run s |', '|---|---|---:|---:|', ...rows].join('\n');
    // eslint-disable-next-line no-console
    console.log(`real-runner matrix (lab builder, seconds):\n${table}`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-reports'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-reports', 'runner-matrix.md'), `${table}\n`);
  });

  test.each(PLAN.map(p => [`${p.fixture.name}: ${p.cell.label}`, p] as const))('%s', async (_label, { fixture, cell }) => {
    // GIVEN the fixture and the Dockerfile generated for this cell
    const ctx = prepareFixture(fixture.name);
    const dockerfile = generateDockerfile(ctx, cell.options);
    const tag = uniqueTag(`matrix-${fixture.name}`);
    tags.push(tag);

    // WHEN it is built as a runner builds it
    const build = await buildImage({ context: ctx, dockerfile, tag });
    if (!build.ok) throw failure(`build of ${cell.label}`, build);
    // THEN no stage downloaded a second toolchain
    expect(build.log).not.toContain('syncing channel updates');

    // WHEN the image runs THEN it prints its line, and the loader complains about nothing
    const t0 = Date.now();
    const run = await runImage(tag);
    const runSeconds = (Date.now() - t0) / 1000;
    rows.push(`| ${fixture.name} | ${cell.label} | ${build.seconds.toFixed(1)} | ${runSeconds.toFixed(1)} |`);
    expect(`${run.stdout}${run.stderr}`).not.toContain('GLIBC_');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(fixture.out);

    // AND the binary carries its crate list (cargo auditable, on by default: glibc and musl, both Debian releases,
    // every strategy, the toolchain-file fixture's pinned Rust), the binary's own package as the root
    const crates = auditableCrates(tag, `/usr/local/bin/${fixture.bin}`);
    expect(crates?.map(c => `${c.name}@${c.source}`).sort()).toEqual(fixture.crates);
    expect(crates?.find(c => c.root)?.name).toBe(fixture.bin);
  }, DOCKER_TEST_TIMEOUT);

  test('the glibc guard fails the build of a trixie builder picked by hand with a bookworm runtime, saying what to change', async () => {
    // GIVEN a trixie builder (today's rust:1) and a bookworm runtime chosen by hand (release check off: the build must catch it)
    const ctx = prepareFixture(WORKSPACE.name);
    const dockerfile = generateDockerfile(ctx, {
      dependencyCaching: SKELETON, rustImage: 'rust:1-slim-trixie', runtimeImage: 'debian:bookworm-slim', checkImageRelease: false,
    });
    // WHEN it is built
    const build = await buildImage({ context: ctx, dockerfile, tag: uniqueTag('guard') });
    // THEN the glibc-guard stage fails it, naming the binary, the glibc version and the fix
    expect(build.ok).toBe(false);
    expect(build.log).toMatch(/glibc guard: svc needs GLIBC_2\.\d+ of libc\.so\.6, which the runtime image's libc\.so\.6 does not define/);
    expect(build.log).toContain('glibc guard: the image would not start. Fix: use a runtime image of the same Debian release as the builder');
    expect(build.log).toMatch(/\[glibc-guard \d\/\d\] RUN/);
  }, DOCKER_TEST_TIMEOUT);

  test('the glibc guard fails the build when the runtime lacks a shared library the binary needs', async () => {
    // GIVEN a binary linked against libz (a build package) and a runtime without it
    const ctx = prepareFixture(WORKSPACE.name);
    fs.appendFileSync(path.join(ctx, 'crates/svc/src/main.rs'), '\n#[link(name = "z")]\nextern "C" { fn zlibVersion() -> *const std::os::raw::c_char; }\n'
      + '#[used] static KEEP: unsafe extern "C" fn() -> *const std::os::raw::c_char = zlibVersion;\n');
    const dockerfile = generateDockerfile(ctx, { dependencyCaching: NONE, buildPackages: ['zlib1g-dev'], runtime: RuntimeBase.DISTROLESS_CC });
    // WHEN it is built THEN the guard names the missing library and says where to add it
    const build = await buildImage({ context: ctx, dockerfile, tag: uniqueTag('guard-lib') });
    expect(build.ok).toBe(false);
    expect(build.log).toContain('glibc guard: svc needs libz.so.1, which the runtime image does not have');
    expect(build.log).toContain('"runtimePackages"');
  }, DOCKER_TEST_TIMEOUT);
});
