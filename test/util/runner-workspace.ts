/**
 * A checkout of a fixture as a GitHub runner has it, for the tests that run RUNNER's generated steps
 * with the runner emulator: the fixture copied to `<root>/work/<fixture>` with the Dockerfile projen
 * writes for `options`, an empty HOME and runner.temp, and the image job of the workflow projen writes.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as YAML from 'yaml';
import { buildImage, freshBuilder, prepareFixture, stopBuilder, uniqueTag } from './docker';
import { generateDockerfile } from './generate-dockerfile';
import { planFor } from './plan';
import { runJobSteps, RunnerJobResult } from './runner-emulator';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { BuildPlan } from '../../src/plan/build-plan';
import { RustDockerSettings } from '../../src/settings';
import { newProject } from '../github/workflow-fixture';

/** The GitHub context of a push to main of `acme/<fixture>`. */
export const pushToMain = (fixture: string) => ({ event_name: 'push', ref: 'refs/heads/main', ref_type: 'branch', repository: `acme/${fixture}` });
/** Where rustup put this machine's cargo (the runner's preinstalled toolchain plays its part). */
export const CARGO_BIN = path.join(os.homedir(), '.cargo', 'bin');
/** The environment of the emulated runner's steps: this machine's cargo and rustup on PATH. */
export const RUNNER_ENV = { PATH: `${CARGO_BIN}:/usr/local/bin:/usr/bin:/bin`, RUSTUP_HOME: process.env.RUSTUP_HOME ?? path.join(os.homedir(), '.rustup'), LANG: 'C.UTF-8' };
export const sha256File = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export interface RunnerWorkspace {
  /** The temporary folder holding the others. */
  readonly root: string;
  /** The checkout (GITHUB_WORKSPACE), with the generated Dockerfile. */
  readonly workspace: string;
  /** The runner's HOME and runner.temp (empty). */
  readonly home: string;
  readonly temp: string;
  readonly plan: BuildPlan;
  /** The image job's steps, and those from the toolchain step on (the runner build, then the image). */
  readonly steps: any[];
  readonly runnerSteps: any[];
  /** Where the runner build leaves the binaries (`<temp>/runner-binaries`, holding `out/`). */
  readonly binaries: string;
  /**
   * A new runner (same paths, nothing in them but `keep`, folders of HOME) runs the job up to the image
   * build, with `store` as actions/cache's storage.
   */
  newRunner(store: string, event: object, keep?: string[]): RunnerJobResult;
  /** The image built from the runner's binaries on a fresh builder `name`, with the registry cache `cacheName`. */
  imageOf(name: string, cacheName: string): Promise<{ built: Awaited<ReturnType<typeof buildImage>>; tag: string }>;
}

export function runnerWorkspace(fixture: string, options: RustDockerSettings): RunnerWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `prd-runner-${fixture}-`));
  const workspace = path.join(root, 'work', fixture);
  prepareFixture(fixture, { dest: workspace });
  fs.writeFileSync(path.join(workspace, 'Dockerfile'), generateDockerfile(workspace, options));
  const plan = planFor(options, CargoWorkspace.load(workspace).facts, '.', fixture);
  const { project, gh } = newProject();
  new ImageWorkflow(gh, plan);
  const steps: any[] = YAML.parse(Testing.synth(project)[plan.pipeline.workflow!.file]).jobs.image.steps;
  const home = path.join(root, 'home');
  const temp = path.join(root, 'temp');
  const runnerSteps = steps.slice(steps.findIndex(s => s.id === 'rust_toolchain'));
  const binaries = path.join(temp, 'runner-binaries');
  const newRunner = (store: string, event: object, keep: string[] = []): RunnerJobResult => {
    const kept = keep.filter(k => fs.existsSync(path.join(home, k))).map(k => {
      const aside = path.join(root, `kept-${path.basename(k)}`);
      fs.renameSync(path.join(home, k), aside);
      return [k, aside];
    });
    for (const d of [home, temp, path.join(workspace, 'target')]) fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(home);
    for (const [k, aside] of kept) fs.renameSync(aside, path.join(home, k));
    return runJobSteps({ steps: runnerSteps, workspace, home, temp, cacheStore: store, github: event, until: 'build', env: RUNNER_ENV });
  };
  const imageOf = async (name: string, cacheName: string) => {
    const builder = freshBuilder(name);
    const tag = uniqueTag(name);
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
  return { root, workspace, home, temp, plan, steps, runnerSteps, binaries, newRunner, imageOf };
}
