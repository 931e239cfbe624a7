/**
 * DependencyCaching.RUNNER for real: the generated Dockerfile built as the workflow builds it, with the
 * binaries compiled by `cargo build --release --locked` on this machine (the "runner") and passed as the
 * named build context `runner-binaries` (`--build-arg BINARIES=runner-binaries`); BuildKit then builds
 * none of the CARGO_CHEF stages, the glibc guard checks the runner's binary against the runtime, and the
 * image runs. The same Dockerfile without the arguments still builds alone (CARGO_CHEF inside the build).
 * This host has glibc 2.36 and the runtime is trixie (2.41); a GitHub ubuntu-24.04 runner has 2.39.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DependencyCaching } from '../../src/settings';
import { buildImage, buildSteps, compiledCrates, describeDocker, DOCKER_TEST_TIMEOUT, prepareFixture, removeImage, runImage, uniqueTag } from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';

const CARGO = [path.join(os.homedir(), '.cargo', 'bin', 'cargo'), 'cargo'].find(c => c === 'cargo' || fs.existsSync(c))!;
const RUNNER_ARGS = (dir: string) => ({ buildArgs: { BINARIES: 'runner-binaries' }, extraArgs: ['--build-context', `runner-binaries=${dir}`] });

/** A folder with `out/<file>` for each [name, source path], as the workflow's runner step leaves it. */
function binariesDir(files: Array<[string, string]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-runner-binaries-'));
  fs.mkdirSync(path.join(dir, 'out'));
  for (const [name, src] of files) fs.copyFileSync(src, path.join(dir, 'out', name));
  return dir;
}

describeDocker('DependencyCaching.RUNNER: binaries built on the runner, copied by the image (real Docker)', () => {
  const tags: string[] = [];
  afterAll(() => tags.forEach(removeImage));

  test('runner binaries: no build stage runs, the guard checks them, the image runs; without the arguments the Dockerfile builds alone', async () => {
    // GIVEN the RUNNER Dockerfile of docker-app and its binary built natively on this machine
    const ctx = prepareFixture('docker-app');
    const dockerfile = generateDockerfile(ctx, { dependencyCaching: DependencyCaching.RUNNER });
    const started = Date.now();
    execFileSync(CARGO, ['build', '--release', '--locked'], { cwd: ctx, env: { ...process.env, CARGO_TARGET_DIR: path.join(ctx, 'target') }, stdio: 'pipe' });
    const hostSeconds = (Date.now() - started) / 1000;
    const dir = binariesDir([['docker-app', path.join(ctx, 'target', 'release', 'docker-app')]]);
    fs.rmSync(path.join(ctx, 'target'), { recursive: true }); // the .dockerignore would leave it out anyway

    // WHEN the image is built with the runner's binaries
    const tag = uniqueTag('runner-binaries');
    tags.push(tag);
    const built = await buildImage({ context: ctx, dockerfile, tag, ...RUNNER_ARGS(dir) });
    // THEN it builds without compiling anything or running any build stage
    // eslint-disable-next-line no-console
    if (!built.ok) console.log(built.log.slice(-4000));
    expect(built.ok).toBe(true);
    expect(compiledCrates(built.log)).toEqual([]);
    const steps = buildSteps(built.log).map(s => s.name);
    expect(steps.filter(s => /\[(chef|planner|builder|cargo-auditable) /.test(s))).toEqual([]);
    // AND the glibc guard ran over the runner's binary
    expect(steps.some(s => /\[glibc-guard .*elf needs/.test(s))).toBe(true);
    // AND the image runs the runner's binary
    expect((await runImage(tag)).stdout).toContain('docker-app ok {"sum":16,"words":3} v1');

    // WHEN the binaries folder holds a binary needing a library the runtime lacks (this host's curl: libcurl)
    const bad = binariesDir([['docker-app', '/usr/bin/curl']]);
    const refused = await buildImage({ context: ctx, dockerfile, tag: uniqueTag('runner-guard'), ...RUNNER_ARGS(bad) });
    // THEN the guard fails the build, naming the library and the runner's fix
    expect(refused.ok).toBe(false);
    expect(refused.log).toContain('glibc guard: docker-app needs libcurl.so.4, which the runtime image does not have');
    expect(refused.log).toContain('binaries built on the CI runner need a runtime whose glibc is not older than the runner one');

    // WHEN the same Dockerfile is built with no argument (docker build / docker:build)
    const aloneTag = uniqueTag('runner-alone');
    tags.push(aloneTag);
    const alone = await buildImage({ context: ctx, dockerfile, tag: aloneTag });
    // THEN the CARGO_CHEF stages build the binary inside, and the image runs
    expect(alone.ok).toBe(true);
    expect(compiledCrates(alone.log)).toContain('docker-app');
    expect((await runImage(aloneTag)).stdout).toContain('docker-app ok {"sum":16,"words":3} v1');
    // eslint-disable-next-line no-console
    console.log(`RUNNER: host cargo build ${hostSeconds.toFixed(1)} s, image from runner binaries ${built.seconds} s, built alone ${alone.seconds} s`);
  }, DOCKER_TEST_TIMEOUT);
});
