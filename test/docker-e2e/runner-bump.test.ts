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
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { DependencyCaching } from '../../src/settings';
import { newProject } from '../github/workflow-fixture';
import {
  buildImage, compiledCrates, DOCKER_TEST_TIMEOUT, describeDocker, freshBuilder, prepareFixture, removeImage, removeRegistryCache,
  runImage, stopBuilder, uniqueTag,
} from '../util/docker';
import { generateDockerfile } from '../util/generate-dockerfile';
import { planFor } from '../util/plan';
import { runJobSteps, RunnerJobResult } from '../util/runner-emulator';

const OPTIONS = { dependencyCaching: DependencyCaching.RUNNER, rustVersion: '1.95' };
const PUSH_TO_MAIN = { event_name: 'push', ref: 'refs/heads/main', ref_type: 'branch', repository: 'acme/docker-app' };
const SCHEDULE = { ...PUSH_TO_MAIN, event_name: 'schedule' };
const CARGO = path.join(os.homedir(), '.cargo', 'bin');
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
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
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-runner-bump-'));
    const workspace = path.join(root, 'work', 'docker-app');
    const home = path.join(root, 'home');
    const temp = path.join(root, 'temp');
    prepareFixture('docker-app', { dest: workspace });
    const dockerfile = generateDockerfile(workspace, OPTIONS);
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), dockerfile);
    const plan = planFor(OPTIONS, CargoWorkspace.load(workspace).facts, '.', 'docker-app');
    const { project, gh } = newProject();
    new ImageWorkflow(gh, plan);
    const yaml = YAML.parse(Testing.synth(project)[plan.pipeline.workflow!.file]);
    const job: any[] = yaml.jobs.image.steps;
    const runnerSteps = job.slice(job.findIndex(s => s.id === 'rust_toolchain'));
    const imageBuild = job.find(s => s.id === 'build');
    // the image build step hands the runner's binaries over as a named context
    expect(imageBuild.with['build-args']).toContain('BINARIES=runner-binaries');
    expect(imageBuild.with['build-contexts']).toBe('runner-binaries=${{ runner.temp }}/runner-binaries\n');

    /** A new runner (same paths, nothing in them) runs the job up to the image build. */
    const newRunner = (store: string, event: object, keep: string[] = []): RunnerJobResult => {
      const kept = keep.filter(k => fs.existsSync(path.join(home, k))).map(k => {
        const aside = path.join(root, `kept-${path.basename(k)}`);
        fs.renameSync(path.join(home, k), aside);
        return [k, aside];
      });
      for (const d of [home, temp, path.join(workspace, 'target')]) fs.rmSync(d, { recursive: true, force: true });
      fs.mkdirSync(home);
      for (const [k, aside] of kept) fs.renameSync(aside, path.join(home, k));
      return runJobSteps({
        steps: runnerSteps,
        workspace,
        home,
        temp,
        cacheStore: store,
        github: event,
        until: 'build',
        env: { PATH: `${CARGO}:/usr/local/bin:/usr/bin:/bin`, RUSTUP_HOME: process.env.RUSTUP_HOME ?? path.join(os.homedir(), '.rustup'), LANG: 'C.UTF-8' },
      });
    };
    const binaries = path.join(temp, 'runner-binaries');
    const imageOf = async (name: string) => {
      const builder = freshBuilder(name);
      const tag = uniqueTag(name);
      tags.push(tag);
      try {
        const built = await buildImage({
          context: workspace,
          dockerfile: path.join(workspace, 'Dockerfile'),
          tag,
          builder,
          cacheFrom: cacheName,
          cacheTo: cacheName,
          buildArgs: { BINARIES: 'runner-binaries' },
          extraArgs: ['--build-context', `runner-binaries=${binaries}`],
        });
        return { built, tag };
      } finally {
        stopBuilder(builder);
      }
    };
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
    execFileSync(path.join(CARGO, 'cargo'), ['update', '-p', 'itoa', '--precise', '1.0.2'], { cwd: workspace, stdio: 'pipe' });
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
    const bumped = sha256(path.join(binaries, 'out', 'docker-app'));

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
    expect(sha256(path.join(binaries, 'out', 'docker-app'))).toBe(bumped);
  }, DOCKER_TEST_TIMEOUT);
});
