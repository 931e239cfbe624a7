/**
 * DependencyCaching.RUNNER across fresh runners (issue 16): the generated workflow's own steps run as a
 * GitHub runner runs them (test/util/runner-emulator.ts: bash, GitHub's expression evaluator,
 * actions/cache semantics against a local store), each run on a new "runner" (empty HOME and target/ at
 * the same paths, a new `lab-builder` with the previous commit's registry cache). A patch bump of one
 * crate then restores the previous lock's target/ through restore-keys and recompiles only that crate
 * and its dependents; the binary is byte-identical to a clean build of the bumped lock; the image
 * build compiles nothing and the image runs.
 * Not like GitHub: this host's glibc is 2.36 (ubuntu-24.04: 2.39; the runtime is trixie, 2.41); the
 * toolchain is pinned to this machine's 1.95 (a runner's preinstalled stable plays that part), so
 * `rustup toolchain install` finds it installed.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { DependencyCaching } from '../../src/settings';
import { compiledCrates, DOCKER_TEST_TIMEOUT, describeDocker, removeImage, removeRegistryCache, runImage } from '../util/docker';
import { RunnerJobResult } from '../util/runner-emulator';
import { CARGO_BIN, pushToMain, runnerWorkspace, sha256File } from '../util/runner-workspace';

const OPTIONS = { dependencyCaching: DependencyCaching.RUNNER, rustVersion: '1.95' };
const PUSH_TO_MAIN = pushToMain('docker-app');
const SCHEDULE = { ...PUSH_TO_MAIN, event_name: 'schedule' };
/** The key of the target/ entry a run saved (the binaries entry, `-bin-`, is saved too). */
const targetSaved = (r: RunnerJobResult) => r.savedKeys.find(k => !k.includes('-bin-'));

describeDocker('RUNNER on fresh runners: a dependency bump costs what it changes (real cargo, real Docker)', () => {
  const tags: string[] = [];
  const cacheName = `runner-bump-${process.pid}`;
  afterAll(() => {
    tags.forEach(removeImage);
    removeRegistryCache(cacheName);
  });

  test('itoa 1.0.1 → 1.0.2: only itoa and its dependents compile, the binary equals a clean build, the image builds nothing and runs', async () => {
    // GIVEN docker-app with RUNNER, its Dockerfile and workflow as projen writes them
    const { root, workspace, steps: job, binaries, newRunner, imageOf: buildOn } = runnerWorkspace('docker-app', OPTIONS);
    const imageOf = async (name: string) => {
      const image = await buildOn(name, cacheName);
      tags.push(image.tag);
      return image;
    };
    const imageBuild = job.find(s => s.id === 'build');
    // the image build step hands the runner's binaries over as a named context
    expect(imageBuild.with['build-args']).toContain('BINARIES=runner-binaries');
    expect(imageBuild.with['build-contexts']).toBe('runner-binaries=${{ runner.temp }}/runner-binaries\n');

    const store = path.join(root, 'actions-cache');

    // WHEN the previous commit is built on a new runner (a push to main: it saves its cache)
    const first = newRunner(store, PUSH_TO_MAIN);
    // THEN nothing was restored, everything compiled, the cache was saved
    expect(first.restoredKey).toBeUndefined();
    expect(targetSaved(first)).toMatch(/-ubuntu-24\.04-X64-[0-9a-f]{64}$/);
    expect(compiledCrates(first.log)).toEqual(expect.arrayContaining(['itoa', 'serde_json', 'serde', 'anyhow', 'docker-app']));
    const img1 = await imageOf('runner-bump-1');
    expect(img1.built.ok).toBe(true);

    // WHEN Dependabot bumps itoa (a patch release) and the bump is built on another new runner
    execFileSync(path.join(CARGO_BIN, 'cargo'), ['update', '-p', 'itoa', '--precise', '1.0.2'], { cwd: workspace, stdio: 'pipe' });
    const bump = newRunner(store, PUSH_TO_MAIN);
    // THEN the previous lock's entry was restored through restore-keys (not an exact hit)
    expect(bump.restoredKey).toBe(targetSaved(first));
    expect(bump.outputs.rust_binaries['cache-hit']).toBe('false');
    expect(bump.outputs.rust_cache['cache-hit']).toBe('false');
    // AND only itoa and what depends on it compiled
    expect(compiledCrates(bump.log).sort()).toEqual(['docker-app', 'itoa', 'serde_json']);
    expect(bump.log).toContain('Compiling itoa v1.0.2');
    // AND the bumped lock's entry was saved for the next runner
    expect(targetSaved(bump)).toBeDefined();
    expect(targetSaved(bump)).not.toBe(targetSaved(first));
    const bumped = sha256File(path.join(binaries, 'out', 'docker-app'));

    // AND the image build compiles nothing, imports the rest from the registry cache, and the image runs
    const img2 = await imageOf('runner-bump-2');
    // eslint-disable-next-line no-console
    if (!img2.built.ok) console.log(img2.built.log.slice(-4000));
    expect(img2.built.ok).toBe(true);
    expect(compiledCrates(img2.built.log)).toEqual([]);
    expect((await runImage(img2.tag)).stdout).toContain('docker-app ok {"sum":16,"words":3} v1');

    // WHEN the same lock is built clean (the scheduled rebuild restores nothing; the pinned tool kept aside)
    const clean = newRunner(path.join(root, 'empty-cache'), SCHEDULE, ['.cargo-tools']);
    // THEN every crate compiled, and the binary is byte for byte the bump's
    expect(clean.restoredKey).toBeUndefined();
    expect(compiledCrates(clean.log)).toEqual(expect.arrayContaining(['itoa', 'serde', 'anyhow', 'docker-app']));
    expect(sha256File(path.join(binaries, 'out', 'docker-app'))).toBe(bumped);
  }, DOCKER_TEST_TIMEOUT);
});
