/**
 * Real-Docker test harness (jest). Builds Dockerfiles as a GitHub runner builds them —
 * `docker buildx build --builder lab --load`, the file byte for byte — and runs the images on this
 * machine's engine.
 *
 * Set-up: `bash scripts/docker-setup.sh` (root; the projen `test` task runs it first, so
 * `npx projen build` / `npx projen test` need nothing else). It starts the engine, builds the
 * stand-ins of the public base images (rust, debian, distroless, cargo-chef), a local registry that
 * plays Docker Hub / gcr.io (127.0.0.1:5000) and the buildx builder `lab` (current BuildKit, whose
 * RUN steps reach apt, crates.io and rustup as a runner's do). REQUIRE_DOCKER=1 (CI) makes a
 * missing engine or builder fail the suites instead of skipping them; SKIP_DOCKER_TESTS=1 skips them.
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
 *       const ctx = prepareFixture('docker-app');                      // a temp copy of test/fixtures/docker-app
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
 *   - builds the Dockerfile exactly as given (the `# syntax=` line is honoured: the frontend is
 *     pulled, FROM images are pulled from the lab registry, cargo fetches from crates.io), written
 *     outside the context (so it is not part of `COPY . .`) unless `dockerfileInContext` is set;
 *   - `docker buildx build --builder lab --progress=plain --load`, so the log shows every step and
 *     whether it was CACHED (see buildSteps) and cargo's `Compiling x vN` lines, and the image
 *     reaches the engine for runImage. `builder` picks another builder: `freshBuilder()` starts one
 *     with empty state (a new runner); `cacheFrom`/`cacheTo` use a registry cache
 *     (`type=registry,ref=127.0.0.1:5000/test/<name>,mode=max`, what `type=gha` is on a runner);
 *   - serialises builds across jest workers and processes with a file lock (2 shared cores: one
 *     build at a time); `seconds` excludes the time spent waiting for the lock. describeDocker
 *     holds that lock for the whole suite, so nothing else (another suite's build or prune,
 *     bench/run.sh) runs between the builds of a test.
 *
 * Fixtures: test/fixtures/docker-app (single crate, bin `docker-app`, prints
 * `docker-app ok {"sum":16,"words":3} v1`) and test/fixtures/docker-workspace (virtual workspace,
 * bin `server` in crates/server using lib `core-lib` in crates/core, prints
 * `server ok words=3 total=16 v1`). Both have a `let marker = "v1";` line for one-line changes and a
 * Cargo.lock resolved against crates.io. Crates compiled: docker-app: serde ryu serde_json anyhow
 * itoa docker-app; docker-workspace: anyhow itoa core-lib server.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

/** Repository root (this file is test/util/docker.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the Rust fixtures live. */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
/** A generous per-test timeout for tests that build images (cold builds + waiting for the build lock). */
export const DOCKER_TEST_TIMEOUT = 20 * 60_000;
/** Lock file serialising docker builds across jest workers and processes. */
export const BUILD_LOCK = process.env.DOCKER_BUILD_LOCK ?? '/tmp/projen-rust-docker.docker.lock';

// Debian's docker.io client (20.10) talks to this engine; a newer client on the PATH (e.g.
// /usr/local/bin/docker 28) may not. buildx is installed as a CLI plugin for both.
export const DOCKER = process.env.DOCKER ?? (fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
/** The buildx builder tests build with by default (scripts/docker-setup.sh creates it). */
export const DEFAULT_BUILDER = process.env.DOCKER_TEST_BUILDER ?? 'lab';
/** The lab registry (plays Docker Hub and gcr.io for the builders; target of registry caches). */
export const LAB_REGISTRY = '127.0.0.1:5000';
/** `lab-builder NAME start|stop` (installed on the PATH by the lab's buildkit.sh). */
export const LAB_BUILDER_CMD = process.env.LAB_BUILDER ?? (fs.existsSync('/usr/local/bin/lab-builder') ? '/usr/local/bin/lab-builder' : 'lab-builder');
const DOCKER_ENV = { ...process.env, BUILDKIT_PROGRESS: 'plain' };

let availability: { ok: boolean; reason?: string } | undefined;

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Removes the temp dirs this process created (fixture copies, written Dockerfiles, secret files).
 * Runs automatically after each test file that imports this module; KEEP_DOCKER_TEST_DIRS=1 keeps them.
 */
export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
if (typeof afterAll === 'function' && process.env.KEEP_DOCKER_TEST_DIRS !== '1') afterAll(cleanupTempDirs);

/** Whether a Docker engine and the default buildx builder are reachable, cached for the process. */
export function dockerAvailable(): boolean {
  return checkDocker().ok;
}

/** Why the engine or the default builder is not usable, or undefined when they are. */
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
    const b = builderStatus(DEFAULT_BUILDER);
    availability = b === 'running' ? { ok: true } : { ok: false, reason: `buildx builder "${DEFAULT_BUILDER}" not usable (${b})` };
  }
  return availability;
}

/** `running`, or what `docker buildx inspect BUILDER` says is wrong. */
function builderStatus(builder: string): string {
  const r = spawnSync(DOCKER, ['buildx', 'inspect', builder], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return `cannot run ${DOCKER} buildx: ${r.error.message}`;
  if (r.status !== 0) return (r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.status}`;
  const status = /^Status:\s*(\S+)/m.exec(r.stdout)?.[1];
  return status ?? 'no status in `docker buildx inspect`';
}

/**
 * `describe` when the engine and the `lab` builder are reachable; otherwise `describe.skip` with the
 * reason printed, or, with REQUIRE_DOCKER=1 (CI), a suite with one failing test carrying the reason.
 * Set-up: `bash scripts/docker-setup.sh` (root; the projen test task runs it).
 */
export function describeDocker(name: string, fn: () => void): void {
  const reason = dockerUnavailableReason();
  if (!reason) {
    describe(name, () => {
      // the whole suite holds the build lock: no other suite's build or prune can land between two
      // builds whose caching a test asserts
      beforeAll(acquireDockerLock, DOCKER_TEST_TIMEOUT);
      fn();
      afterAll(releaseDockerLock); // after the suite's own afterAll hooks (jest runs them in order)
    });
  } else if (process.env.REQUIRE_DOCKER === '1') {
    describe(name, () => {
      test('needs a Docker engine and the lab builder (REQUIRE_DOCKER=1)', () => {
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
 * Takes the build lock (BUILD_LOCK) for this process until releaseDockerLock: builds of this
 * process then skip the per-build lock, other processes wait. describeDocker does it for each
 * suite. The lock is held by a `flock … cat` child that exits when its stdin closes, so a crashed
 * jest worker cannot leave it held.
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

// ---- builders ---------------------------------------------------------------------------------

const startedBuilders = new Set<string>();
let builderCounter = 0;

/**
 * Starts a buildx builder with its own empty state — a new runner's builder — via
 * `lab-builder NAME start`, and returns its name (`prd-<name>-<pid>-<n>`, unique to this call).
 * Its only cache is what `cacheFrom` imports. Stop it with stopBuilder (done automatically after
 * the test file otherwise), which deletes its state.
 */
export function freshBuilder(name: string): string {
  const builder = `prd-${name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')}-${process.pid}-${++builderCounter}`;
  labBuilder(builder, 'start');
  startedBuilders.add(builder);
  return builder;
}

/** Stops a builder started by freshBuilder and deletes its state (`lab-builder NAME stop`). */
export function stopBuilder(builder: string): void {
  labBuilder(builder, 'stop');
  startedBuilders.delete(builder);
}

function labBuilder(builder: string, cmd: 'start' | 'stop'): void {
  try {
    execFileSync(LAB_BUILDER_CMD, [builder, cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${LAB_BUILDER_CMD} ${builder} ${cmd} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}
if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const b of [...startedBuilders]) {
      try {
        stopBuilder(b);
      } catch {
        // best effort: a builder that cannot be stopped must not fail the suite
      }
    }
  });
}

/** The lab registry repository of a test cache: `127.0.0.1:5000/test/<name>`. */
export function cacheRef(name: string): string {
  return `${LAB_REGISTRY}/test/${name.toLowerCase().replace(/[^a-z0-9._/-]+/g, '-')}`;
}

/** `--cache-from`/`--cache-to` value: a full spec (contains `type=`) as is, else the registry cache `name`. */
function cacheSpec(nameOrSpec: string, to: boolean): string {
  if (nameOrSpec.includes('type=')) return nameOrSpec;
  return `type=registry,ref=${cacheRef(nameOrSpec)}${to ? ',mode=max' : ''}`;
}

/**
 * Drops a registry cache's repository (`cacheRef(name)`) from the lab registry's storage, so the
 * next `cacheFrom` of that name finds nothing. (Its blobs stay until the registry is
 * garbage-collected.) LAB_WORK: the lab's work dir, default /var/tmp/docker-offline.
 */
export function removeRegistryCache(name: string): void {
  const repo = cacheRef(name).slice(LAB_REGISTRY.length + 1);
  const root = path.join(process.env.LAB_WORK ?? '/var/tmp/docker-offline', 'registry', 'docker', 'registry', 'v2', 'repositories');
  fs.rmSync(path.join(root, repo), { recursive: true, force: true });
}

/**
 * Drops a builder's build cache (`docker buildx prune --builder B -f`; with `all`, `-af`: also the
 * pulled base images and the frontend, a cold builder). For a truly new runner prefer freshBuilder.
 */
export function pruneBuilder(builder: string = DEFAULT_BUILDER, all = false): void {
  execFileSync(DOCKER, ['buildx', 'prune', '--builder', builder, '-f', ...(all ? ['-a'] : [])], { stdio: 'ignore', timeout: 300_000 });
}

/** Drops a builder's cache mounts (`RUN --mount=type=cache`) only: a runner that restored the layer cache but not the mounts. */
export function wipeCacheMounts(builder: string = DEFAULT_BUILDER): void {
  execFileSync(DOCKER, ['buildx', 'prune', '--builder', builder, '-f', '--filter', 'type=exec.cachemount'], { stdio: 'ignore', timeout: 300_000 });
}

// ---- fixtures ---------------------------------------------------------------------------------

/** Options of {@link prepareFixture}. */
export interface PrepareFixtureOptions {
  /** Destination directory (replaced). Default: a new temp dir. */
  readonly dest?: string;
}

/**
 * Copies a Rust project (a fixture name under test/fixtures, or a path) to a temp dir, without its
 * `target/`, and returns the copy's path (removed after the test file, see cleanupTempDirs). Nothing
 * is vendored: cargo inside the build fetches the crates from crates.io, as on a runner.
 */
export function prepareFixture(fixture: string, options: PrepareFixtureOptions = {}): string {
  const src = fs.existsSync(fixture) ? path.resolve(fixture) : path.join(FIXTURES_DIR, fixture);
  if (!fs.existsSync(path.join(src, 'Cargo.toml'))) throw new Error(`not a Rust project: ${src}`);
  const dest = options.dest ?? path.join(tempDir(`prd-${path.basename(src)}-`), 'project');
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(src, dest, { recursive: true, filter: (p) => !(path.basename(p) === 'target' && path.dirname(p) === src) });
  // a read-only source (shared/ in CI) must give a writable copy
  execFileSync('chmod', ['-R', 'u+w', dest]);
  return dest;
}

/** Replaces `search` (must occur) in a file: a one-line source change for rebuild tests. */
export function replaceInFile(file: string, search: string | RegExp, replacement: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(search, replacement);
  if (next === text) throw new Error(`${String(search)} not found in ${file}`);
  fs.writeFileSync(file, next);
}

// ---- build ------------------------------------------------------------------------------------

/** Options of {@link buildImage}. */
export interface BuildImageOptions {
  /** Build context directory. */
  readonly context: string;
  /** Dockerfile text, or the path of a Dockerfile (a string without a newline that names an existing file). Built unchanged. */
  readonly dockerfile: string;
  /** Image tag (see uniqueTag); loaded into the engine. */
  readonly tag: string;
  /** Write the Dockerfile text at this path relative to the context (default: a temp dir outside it). */
  readonly dockerfileInContext?: string;
  /** buildx builder (default DEFAULT_BUILDER, `lab`; see freshBuilder). */
  readonly builder?: string;
  /** `--target` stage. */
  readonly target?: string;
  /** `--platform`, e.g. `linux/amd64`. */
  readonly platform?: string;
  /** `--build-arg`s. */
  readonly buildArgs?: Record<string, string>;
  /** Build secrets, id → value (written to a private temp file, passed as `--secret id=ID,src=FILE`). */
  readonly secrets?: Record<string, string>;
  /** `--cache-from`: registry cache names (`127.0.0.1:5000/test/<name>`, see cacheRef) or full specs. */
  readonly cacheFrom?: string | string[];
  /** `--cache-to`: a registry cache name (exported with `mode=max`) or a full spec. */
  readonly cacheTo?: string;
  /** `--no-cache`. */
  readonly noCache?: boolean;
  /** Extra `docker buildx build` arguments. */
  readonly extraArgs?: string[];
  /** `--output` instead of `--load` (e.g. `type=oci,dest=DIR,tar=false,rewrite-timestamp=true`): nothing reaches the engine. */
  readonly output?: string;
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
  /** The Dockerfile built (the given text, byte for byte). */
  readonly dockerfilePath: string;
  /** The `docker buildx build` arguments used. */
  readonly args: string[];
}

/**
 * Builds an image as a runner does: `docker buildx build --builder <builder> --progress=plain --load`,
 * the Dockerfile unchanged, one build at a time. Never throws on a failed build: check `ok`/`log`.
 */
export async function buildImage(opts: BuildImageOptions): Promise<BuildResult> {
  const isPath = !opts.dockerfile.includes('\n') && fs.existsSync(opts.dockerfile);
  let dockerfilePath: string;
  if (isPath) {
    dockerfilePath = path.resolve(opts.dockerfile);
  } else {
    dockerfilePath = opts.dockerfileInContext
      ? path.join(opts.context, opts.dockerfileInContext)
      : path.join(tempDir('prd-dockerfile-'), 'Dockerfile');
    fs.mkdirSync(path.dirname(dockerfilePath), { recursive: true });
    fs.writeFileSync(dockerfilePath, opts.dockerfile);
  }

  const args = ['buildx', 'build', '--builder', opts.builder ?? DEFAULT_BUILDER, '--progress=plain',
    ...(opts.output ? ['--output', opts.output] : ['--load']), '-t', opts.tag, '-f', dockerfilePath];
  if (opts.target) args.push('--target', opts.target);
  if (opts.platform) args.push('--platform', opts.platform);
  if (opts.noCache) args.push('--no-cache');
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  const secrets = Object.entries(opts.secrets ?? {});
  if (secrets.length > 0) {
    const dir = tempDir('prd-secrets-');
    fs.chmodSync(dir, 0o700);
    for (const [id, value] of secrets) {
      const file = path.join(dir, id.replace(/[^A-Za-z0-9._-]/g, '_'));
      fs.writeFileSync(file, value, { mode: 0o600 });
      args.push('--secret', `id=${id},src=${file}`);
    }
  }
  const from = opts.cacheFrom === undefined ? [] : ([] as string[]).concat(opts.cacheFrom);
  for (const c of from) args.push('--cache-from', cacheSpec(c, false));
  if (opts.cacheTo) args.push('--cache-to', cacheSpec(opts.cacheTo, true));
  args.push(...(opts.extraArgs ?? []), opts.context);

  const previous = imageId(opts.tag);
  // flock LOCK sh -c 'echo MARK >&2; exec docker buildx build …': the marker tells when the lock was taken.
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
  // rebuilding a tag leaves the previous image dangling: drop it
  if (r.exitCode === 0 && previous && previous !== imageId(opts.tag)) {
    spawnSync(DOCKER, ['rmi', previous], { stdio: 'ignore' });
  }
  const log = (r.stdout + r.stderr).replace(`${marker}\n`, '');
  return { ok: r.exitCode === 0, seconds: Math.round(seconds * 100) / 100, log, exitCode: r.exitCode, dockerfilePath, args };
}

// ---- run and inspect --------------------------------------------------------------------------

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

/** One crate of the dependency list cargo-auditable embeds in a binary (its JSON format). */
export interface AuditedCrate {
  readonly name: string;
  readonly version: string;
  /** `crates.io`, `local`, `git`, `registry`, … */
  readonly source: string;
  /** `build` for build-time only dependencies (proc macros, build scripts); absent for runtime ones. */
  readonly kind?: string;
  /** The root package (the binary's own). */
  readonly root?: boolean;
}

/** Bytes of an ELF section, read with readelf (any architecture: aarch64 binaries too); undefined when the file has no such section. */
export function elfSection(file: string, section: string): Buffer | undefined {
  const r = spawnSync('readelf', ['--wide', `--hex-dump=${section}`, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run readelf (binutils): ${r.error.message}`);
  if (!r.stdout.includes(`Hex dump of section '${section}'`)) return undefined;
  // "  0x00012340 789c8d92 4b6ec330 0c86ef32 a0b1c2d3 x..2" — 16 bytes in a fixed-width hex column
  const hex = r.stdout.split('\n')
    .map(l => /^\s*0x[0-9a-f]+ (.{35})/.exec(l)?.[1])
    .filter((h): h is string => h !== undefined)
    .map(h => h.replace(/ /g, ''))
    .join('');
  return Buffer.from(hex, 'hex');
}

/**
 * The dependency list `cargo auditable` embedded in a binary of an image: the file is copied out
 * (`docker create` + `docker cp`: images without a shell too), its `.dep-v0` section read with
 * readelf, zlib-inflated and parsed. Undefined when the binary has no such section.
 */
export function auditableCrates(tag: string, binaryPath: string): AuditedCrate[] | undefined {
  const dir = tempDir('prd-audit-');
  const container = execFileSync(DOCKER, ['create', tag], { encoding: 'utf8' }).trim();
  try {
    execFileSync(DOCKER, ['cp', `${container}:${binaryPath}`, path.join(dir, 'bin')]);
  } finally {
    spawnSync(DOCKER, ['rm', '-f', container], { stdio: 'ignore' });
  }
  const section = elfSection(path.join(dir, 'bin'), '.dep-v0');
  if (section === undefined) return undefined;
  return (JSON.parse(zlib.inflateSync(section).toString('utf8')) as { packages: AuditedCrate[] }).packages;
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
  /** Whether BuildKit reported it `CACHED` (a hit in the builder's own cache). */
  readonly cached: boolean;
  /**
   * Whether its result came from an imported cache (`--cache-from`, e.g. a registry cache on a
   * fresh builder): the step's layers were downloaded and extracted (`sha256:… / …`,
   * `extracting sha256:…`) and nothing ran. BuildKit prints `CACHED` for such a hit only sometimes
   * (seen both ways on identical builds): use this, or `reused`, not `cached`, for cache imports.
   * Never true for `FROM` steps (their downloads are image pulls).
   */
  readonly importedFromCache: boolean;
  /** `cached || importedFromCache`: the step did not run. */
  readonly reused: boolean;
}

/**
 * Steps of a `--progress=plain` log (BuildKit / `docker buildx build`), with whether each was
 * CACHED or came from an imported cache. Internal vertices (`[internal] …`, context transfer,
 * buildx's `#0 building with "lab" instance …` line) are included; filter on `name`, e.g.
 * `buildSteps(log).filter(s => s.name.includes('RUN'))`. A vertex's header line is repeated when
 * its output resumes after another vertex's: the first one names it.
 */
export function buildSteps(log: string): BuildStep[] {
  const byId = new Map<number, { id: number; name: string; cached: boolean; layerLines: number; outputLines: number }>();
  for (const line of log.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line.trimEnd());
    if (!m) continue;
    const id = Number(m[1]);
    const rest = m[2];
    const step = byId.get(id);
    if (!step) {
      byId.set(id, { id, name: rest, cached: false, layerLines: 0, outputLines: 0 });
    } else if (rest === 'CACHED') {
      step.cached = true;
    } else if (/^(extracting )?sha256:[0-9a-f]{64}\b/.test(rest)) {
      step.layerLines++;
    } else if (/^\d+\.\d+ /.test(rest)) {
      step.outputLines++; // output of a process the step ran
    }
  }
  return [...byId.values()].map(({ id, name, cached, layerLines, outputLines }) => {
    const isPull = /^\[[^\]]+\] FROM /.test(name) || name.startsWith('docker-image://');
    const importedFromCache = !isPull && layerLines > 0 && outputLines === 0;
    return { id, name, cached, importedFromCache, reused: cached || importedFromCache };
  });
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
