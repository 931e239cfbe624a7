/**
 * Real-Docker test harness (jest). Builds and runs Dockerfiles on this machine's engine, offline.
 *
 * Setup: `bash scripts/docker-setup.sh` (root) starts the engine, builds the local base images
 * (debian:bookworm-slim, rust:1.95-slim-bookworm & aliases, distroless cc/static) and installs the
 * fixtures' Debian crate packages. `.ci/run` does it in CI, with REQUIRE_DOCKER=1 so a missing
 * engine fails the suite instead of skipping it.
 *
 * Typical test (see test/docker-e2e/baseline.test.ts):
 *
 *   import { buildImage, compiledCrates, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture,
 *     removeImage, replaceInFile, runImage, uniqueTag } from '../util/docker';
 *
 *   describeDocker('my generated Dockerfile', () => {
 *     const tag = uniqueTag('my-strategy');
 *     afterAll(() => removeImage(tag));
 *     test('builds, runs, rebuilds only the workspace crates', async () => {
 *       // a temp copy of test/fixtures/docker-app with its crates vendored (inject layout: the
 *       // project stays a plain crates.io project; buildImage feeds the crates to cargo)
 *       const ctx = prepareFixture('docker-app', { inject: true });
 *       const dockerfile = new RustDockerfile(...).render();          // text, or a file path
 *       const first = await buildImage({ context: ctx, dockerfile, tag });
 *       expect(first.ok).toBe(true);                                   // on failure: first.log
 *       expect((await runImage(tag)).stdout).toContain('docker-app ok');
 *       replaceInFile(`${ctx}/src/main.rs`, 'let marker = "v1"', 'let marker = "v2"');
 *       const second = await buildImage({ context: ctx, dockerfile, tag });
 *       expect(compiledCrates(second.log)).toEqual(['docker-app']);    // no dependency rebuilt
 *     }, DOCKER_TEST_TIMEOUT);
 *   });
 *
 * What buildImage does for you:
 *   - strips a leading `# syntax=` line (this engine cannot pull the frontend image) and writes
 *     the Dockerfile outside the context (so it is not part of `COPY . .`);
 *   - `DOCKER_BUILDKIT=1 docker build --network=none --progress=plain` so the log shows every step
 *     and whether it was CACHED (see buildSteps) and cargo's `Compiling x vN` lines;
 *   - serialises builds across jest workers and processes with a file lock (2 shared cores: one
 *     build at a time); `seconds` excludes the time spent waiting for the lock. describeDocker
 *     holds that lock for the whole suite, so nothing else (another suite's build, prune or
 *     wipeCacheMounts, bench/run.sh) runs between the builds of a test;
 *   - when the context was prepared with `inject: true` (it has `.offline-cargo/`), adds two COPY
 *     lines after each `FROM rust…` (scripts/offline-dockerfile.sh) that install the vendored crates
 *     as $CARGO_HOME config, and re-includes `.offline-cargo` in the context's .dockerignore.
 *     Without inject, the fixture has `vendor/` + `.cargo/config.toml` in the project itself, which
 *     only Dockerfiles that copy the whole project (e.g. `COPY . .`) pick up.
 *
 * Fixtures: test/fixtures/docker-app (single crate, bin `docker-app`, prints
 * `docker-app ok {"sum":16,"words":3} v1`) and test/fixtures/docker-workspace (virtual workspace,
 * bin `server` in crates/server using lib `core-lib` in crates/core, prints
 * `server ok words=3 total=16 v1`). Both have a `let marker = "v1";` line for one-line changes.
 * Crates compiled: docker-app: serde ryu serde_json anyhow itoa docker-app;
 * docker-workspace: anyhow itoa core-lib server.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Repository root (this file is test/util/docker.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the Rust fixtures live. */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
/** A generous per-test timeout for tests that build images (cold builds + waiting for the build lock). */
export const DOCKER_TEST_TIMEOUT = 20 * 60_000;
/** Lock file serialising docker builds across jest workers and processes. */
export const BUILD_LOCK = process.env.DOCKER_BUILD_LOCK ?? '/tmp/projen-rust-docker.docker.lock';

// Debian's docker.io client (20.10) drives the engine's built-in BuildKit; a newer client on the
// PATH (e.g. /usr/local/bin/docker 28) insists on buildx, which is not installed here.
export const DOCKER = process.env.DOCKER ?? (fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
const DOCKER_ENV = { ...process.env, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' };

let availability: { ok: boolean; reason?: string } | undefined;

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Removes the temp dirs this process created (fixture copies, written Dockerfiles). Runs
 * automatically after each test file that imports this module; KEEP_DOCKER_TEST_DIRS=1 keeps them.
 */
export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
if (typeof afterAll === 'function' && process.env.KEEP_DOCKER_TEST_DIRS !== '1') afterAll(cleanupTempDirs);

/** Whether a Docker engine is reachable (`docker info`), cached for the process. */
export function dockerAvailable(): boolean {
  return checkDocker().ok;
}

/** Why the engine is not usable, or undefined when it is. */
export function dockerUnavailableReason(): string | undefined {
  return checkDocker().reason;
}

function checkDocker(): { ok: boolean; reason?: string } {
  if (availability) return availability;
  if (process.env.SKIP_DOCKER_TESTS === '1') {
    availability = { ok: false, reason: 'SKIP_DOCKER_TESTS=1' };
    return availability;
  }
  const r = spawnSync(DOCKER, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) {
    availability = { ok: false, reason: `cannot run ${DOCKER}: ${r.error.message}` };
  } else if (r.status !== 0) {
    availability = { ok: false, reason: `Docker engine not reachable: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  } else {
    availability = { ok: true };
  }
  return availability;
}

/**
 * `describe` when an engine is reachable; otherwise `describe.skip` with the reason printed, or,
 * with REQUIRE_DOCKER=1 (CI), a suite with one failing test carrying the reason.
 * Setup: run `bash scripts/docker-setup.sh` as root.
 */
export function describeDocker(name: string, fn: () => void): void {
  const reason = dockerUnavailableReason();
  if (!reason) {
    describe(name, () => {
      // the whole suite holds the engine: no other suite's build, prune or cache-mount wipe can
      // land between two builds whose caching a test asserts
      beforeAll(acquireDockerLock, DOCKER_TEST_TIMEOUT);
      fn();
      afterAll(releaseDockerLock); // after the suite's own afterAll hooks (jest runs them in order)
    });
  } else if (process.env.REQUIRE_DOCKER === '1') {
    describe(name, () => {
      test('needs a Docker engine (REQUIRE_DOCKER=1)', () => {
        throw new Error(`${reason}. Run: sudo bash scripts/docker-setup.sh`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`[docker-e2e] skipping "${name}": ${reason} (run scripts/docker-setup.sh as root to enable)`);
    describe.skip(name, fn);
  }
}

let heldLock: ChildProcess | undefined;

/**
 * Takes the engine's build lock (BUILD_LOCK) for this process until releaseDockerLock: builds of
 * this process then skip the per-build lock, other processes wait. describeDocker does it for
 * each suite. The lock is held by a `flock … cat` child that exits when its stdin closes, so a
 * crashed jest worker cannot leave it held.
 */
export async function acquireDockerLock(): Promise<void> {
  if (heldLock) return;
  const child = spawn('flock', [BUILD_LOCK, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`flock ${BUILD_LOCK} exited (${code})`)));
  });
  heldLock = child;
}

/** Releases the lock taken by acquireDockerLock. */
export function releaseDockerLock(): void {
  heldLock?.stdin?.end();
  heldLock = undefined;
}

let tagCounter = 0;
/** A tag unique to this process, under a repository that identifies test images (`prd-test/...`). */
export function uniqueTag(name: string): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return `prd-test/${safe}:${process.pid}-${++tagCounter}`;
}

/** Options of {@link prepareFixture}. */
export interface PrepareFixtureOptions {
  /**
   * Vendor into `.offline-cargo/` (the project stays a plain crates.io project; buildImage injects
   * the crates into rust stages) instead of `vendor/` + `.cargo/config.toml` in the project.
   * Use it for generated Dockerfiles, which copy only manifests/sources. Default false.
   */
  readonly inject?: boolean;
  /** Destination directory (replaced). Default: a new temp dir. */
  readonly dest?: string;
  /** Debian `librust-*-dev` packages. Default: the fixture's debian-crates.txt. */
  readonly debianPackages?: string[];
}

/**
 * Copies a Rust project (a fixture name under test/fixtures, or a path) to a temp dir and vendors
 * its dependencies (scripts/prepare-rust-fixture.sh). Returns the copy's path (removed after the
 * test file, see cleanupTempDirs).
 */
export function prepareFixture(fixture: string, options: PrepareFixtureOptions = {}): string {
  const src = fs.existsSync(fixture) ? path.resolve(fixture) : path.join(FIXTURES_DIR, fixture);
  if (!fs.existsSync(path.join(src, 'Cargo.toml'))) throw new Error(`not a Rust project: ${src}`);
  const dest = options.dest ?? path.join(tempDir(`prd-${path.basename(src)}-`), 'project');
  const args = [path.join(REPO_ROOT, 'scripts', 'prepare-rust-fixture.sh')];
  if (options.inject) args.push('--inject');
  args.push(src, dest, ...(options.debianPackages ?? []));
  try {
    execFileSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`prepare-rust-fixture.sh failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
  return dest;
}

/** Replaces `search` (must occur) in a file: a one-line source change for rebuild tests. */
export function replaceInFile(file: string, search: string | RegExp, replacement: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(search, replacement);
  if (next === text) throw new Error(`${String(search)} not found in ${file}`);
  fs.writeFileSync(file, next);
}

/** Options of {@link buildImage}. */
export interface BuildImageOptions {
  /** Build context directory. */
  readonly context: string;
  /** Dockerfile text, or the path of a Dockerfile (a string without a newline that names an existing file). */
  readonly dockerfile: string;
  /** Image tag (see uniqueTag). */
  readonly tag: string;
  /** `--target` stage. */
  readonly target?: string;
  /** `--build-arg`s. */
  readonly buildArgs?: Record<string, string>;
  /** `--no-cache`. */
  readonly noCache?: boolean;
  /** Inject the vendored crates of `<context>/.offline-cargo` (default: when that directory exists). */
  readonly injectOfflineCrates?: boolean;
  /** Extra `docker build` arguments. */
  readonly extraArgs?: string[];
  /** Kill the build after this many seconds (default 1200). */
  readonly timeoutSeconds?: number;
}

/** Result of {@link buildImage}. */
export interface BuildResult {
  /** Build succeeded. */
  readonly ok: boolean;
  /** Wall seconds of the build itself (excludes waiting for the build lock). */
  readonly seconds: number;
  /** Full `--progress=plain` log (stdout + stderr). */
  readonly log: string;
  /** docker's exit code (-1 when killed by the timeout). */
  readonly exitCode: number;
  /** The Dockerfile actually built (syntax line stripped, crates injected). */
  readonly dockerfilePath: string;
}

/** Makes a Dockerfile buildable offline (see scripts/offline-dockerfile.sh). Returns the new text. */
export function offlineDockerfile(text: string, inject: boolean): string {
  const args = [path.join(REPO_ROOT, 'scripts', 'offline-dockerfile.sh')];
  if (inject) args.push('--inject');
  args.push('-', '-');
  return execFileSync('bash', args, { input: text, encoding: 'utf8' });
}

/** Builds an image with BuildKit, offline (`--network=none`), one build at a time. Never throws on a failed build: check `ok`/`log`. */
export async function buildImage(opts: BuildImageOptions): Promise<BuildResult> {
  const isPath = !opts.dockerfile.includes('\n') && fs.existsSync(opts.dockerfile);
  const text = isPath ? fs.readFileSync(opts.dockerfile, 'utf8') : opts.dockerfile;
  const offlineDir = path.join(opts.context, '.offline-cargo');
  const inject = opts.injectOfflineCrates ?? fs.existsSync(offlineDir);
  if (inject) allowInDockerignore(opts.context, '.offline-cargo');
  const dir = tempDir('prd-dockerfile-');
  const dockerfilePath = path.join(dir, 'Dockerfile');
  fs.writeFileSync(dockerfilePath, offlineDockerfile(text, inject));

  const args = ['build', '--network=none', '--progress=plain', '-f', dockerfilePath, '-t', opts.tag];
  if (opts.target) args.push('--target', opts.target);
  if (opts.noCache) args.push('--no-cache');
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(...(opts.extraArgs ?? []), opts.context);

  const previous = imageId(opts.tag);
  // flock LOCK sh -c 'echo MARK >&2; exec docker build …': the marker tells when the lock was taken.
  // (unless this process holds the lock already: acquireDockerLock / describeDocker)
  const marker = '__PRD_BUILD_LOCK_ACQUIRED__';
  let started = 0;
  const cmd = heldLock ? ['sh', '-c', `echo ${marker} >&2; exec "$@"`, 'sh', DOCKER, ...args]
    : ['flock', BUILD_LOCK, 'sh', '-c', `echo ${marker} >&2; exec "$@"`, 'sh', DOCKER, ...args];
  const r = await run(cmd[0], cmd.slice(1), {
    env: DOCKER_ENV,
    timeoutSeconds: opts.timeoutSeconds ?? 1200,
    onStderr: (chunk) => {
      if (!started && chunk.includes(marker)) started = Date.now();
    },
  });
  const seconds = (Date.now() - (started || r.startedAt)) / 1000;
  // rebuilding a tag leaves the previous image dangling: drop it (its build cache stays)
  if (r.exitCode === 0 && previous && previous !== imageId(opts.tag)) {
    spawnSync(DOCKER, ['rmi', previous], { stdio: 'ignore' });
  }
  const log = (r.stdout + r.stderr).replace(`${marker}\n`, '');
  return { ok: r.exitCode === 0, seconds: Math.round(seconds * 100) / 100, log, exitCode: r.exitCode, dockerfilePath };
}

function allowInDockerignore(context: string, dir: string): void {
  const file = path.join(context, '.dockerignore');
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(`!${dir}/**`)) return;
  fs.writeFileSync(file, `${text.replace(/\n?$/, '\n')}# added by the test harness (offline crates)\n!${dir}\n!${dir}/**\n`);
}

/** Options of {@link runImage}. */
export interface RunImageOptions {
  /** `none` (default) or `host` (for an HTTP probe on loopback). */
  readonly network?: 'none' | 'host';
  /** Environment variables. */
  readonly env?: Record<string, string>;
  /** `--entrypoint`. */
  readonly entrypoint?: string;
  /** `--user`. */
  readonly user?: string;
  /** Extra `docker run` arguments (before the image). */
  readonly extraArgs?: string[];
  /** Kill after this many seconds (default 60). */
  readonly timeoutSeconds?: number;
}

/** Result of {@link runImage}. */
export interface RunResult {
  /** Container exit code (-1 when killed by the timeout). */
  readonly exitCode: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** `docker run --rm --network=none [opts] tag args…`. */
export async function runImage(tag: string, args: string[] = [], opts: RunImageOptions = {}): Promise<RunResult> {
  const a = ['run', '--rm', `--network=${opts.network ?? 'none'}`];
  for (const [k, v] of Object.entries(opts.env ?? {})) a.push('-e', `${k}=${v}`);
  if (opts.entrypoint !== undefined) a.push('--entrypoint', opts.entrypoint);
  if (opts.user) a.push('--user', opts.user);
  a.push(...(opts.extraArgs ?? []), tag, ...args);
  const r = await run(DOCKER, a, { env: process.env, timeoutSeconds: opts.timeoutSeconds ?? 60 });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** Simulates a fresh CI runner restoring a layer cache: drops every BuildKit cache mount (`RUN --mount=type=cache`). */
export function wipeCacheMounts(): void {
  execFileSync(DOCKER, ['builder', 'prune', '-f', '--filter', 'type=exec.cachemount'], { stdio: 'ignore' });
}

/** Removes build cache not used by any image (`docker builder prune -f`; with all, `-af`: a cold cache; base images stay). */
export function pruneBuildCache(all = false): void {
  execFileSync(DOCKER, ['builder', 'prune', '-f', ...(all ? ['-a'] : [])], { stdio: 'ignore' });
}

function imageId(tag: string): string | undefined {
  const r = spawnSync(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Removes an image tag (ignores a missing one). */
export function removeImage(tag: string): void {
  spawnSync(DOCKER, ['rmi', '-f', tag], { stdio: 'ignore' });
}

/** Size in bytes of an image (`docker image inspect`). */
export function imageSize(tag: string): number {
  return Number(execFileSync(DOCKER, ['image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' }).trim());
}

/**
 * Names of the crates cargo compiled in a build log (`Compiling <name> v<version>` lines), in
 * order, without duplicates. Workspace members appear with their package name (e.g. `core-lib`).
 */
export function compiledCrates(log: string): string[] {
  const names: string[] = [];
  for (const m of log.matchAll(/\bCompiling ([A-Za-z0-9_-]+) v\d+\.\d+\.\d+\S*/g)) {
    if (!names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

/** A step of a BuildKit plain-progress log. */
export interface BuildStep {
  /** BuildKit vertex number (`#7`). */
  readonly id: number;
  /** Vertex name, e.g. `[builder 4/6] RUN cargo build --release`. */
  readonly name: string;
  /** Whether BuildKit reported it `CACHED`. */
  readonly cached: boolean;
}

/**
 * Steps of a `--progress=plain` log, with whether each was CACHED. Internal vertices
 * (`[internal] …`, context transfer) are included; filter on `name`, e.g.
 * `buildSteps(log).filter(s => s.name.includes('RUN'))`.
 */
export function buildSteps(log: string): BuildStep[] {
  const byId = new Map<number, { id: number; name: string; cached: boolean }>();
  for (const line of log.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line.trimEnd());
    if (!m) continue;
    const id = Number(m[1]);
    const rest = m[2];
    const step = byId.get(id);
    if (!step) {
      byId.set(id, { id, name: rest, cached: false });
    } else if (rest === 'CACHED') {
      step.cached = true;
    }
  }
  return [...byId.values()];
}

interface RunOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAt: number;
}

async function run(
  cmd: string,
  args: string[],
  o: { env: NodeJS.ProcessEnv; timeoutSeconds: number; onStderr?: (chunk: string) => void },
): Promise<RunOutput> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    // own process group, so a timeout kills flock *and* the docker client it started
    const child = spawn(cmd, args, { env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutSeconds * 1000);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      stderr += s;
      o.onStderr?.(s);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exitCode: -1, stdout, stderr: `${stderr}${e.message}\n`, startedAt });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\nkilled after ${o.timeoutSeconds}s\n`;
      resolve({ exitCode: timedOut ? -1 : code ?? -1, stdout, stderr, startedAt });
    });
  });
}
