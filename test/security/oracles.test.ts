/**
 * The tools security teams judge a pipeline with, over everything this library generates:
 * zizmor (offline, default persona; pedantic reported), hadolint and native actionlint, pinned
 * and installed by scripts/oracles-setup.sh (the projen `test` task runs it first).
 *
 * Inputs: every workflow of the workflow matrix (test/github/workflow-combos.ts), every Dockerfile
 * of the Dockerfile matrix (test/docker/dockerfile-combos.ts), whole projects over fixtures (the
 * workflow, Dockerfile and dependabot.yml of each), the committed examples, and this repository's
 * own workflows. The counts per tool are printed; every count asserted here is 0. The one
 * documented exception: `actionPinning: MAJOR_VERSION` workflows get zizmor's `unpinned-uses`
 * (and only that), which the test checks instead of hiding.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { Presets } from '../../src/presets/builtin-presets';
import { RustDockerProject, RustDockerProjectOptions } from '../../src/project/rust-docker-project';
import {
  ActionPinning, CacheBackend, DebianRelease, DependencyCaching, MultiArchStrategy, PullRequestCache, RuntimeBase, TargetLibc, VulnerabilitySeverity,
} from '../../src/settings';
import { accepted as dockerfileCombos, render as renderDockerfile } from '../docker/dockerfile-combos';
import { WORKFLOW_COMBOS } from '../github/workflow-combos';
import { synthWorkflow } from '../github/workflow-fixture';
import { fixtureOutdir, writeFiles } from '../util/fixture-project';
import { actionlint, countByRule, hadolint, OracleFinding, oracleVersion, showFinding, zizmor } from '../util/oracles';

const REPO = path.join(__dirname, '..', '..');
const EXAMPLES = ['hello-service', 'acme-service'];

/** Whole projects: every generated file of each (workflow, Dockerfile, dependabot.yml). */
const PROJECTS: Array<[string, string, Partial<RustDockerProjectOptions>, { [file: string]: string }?]> = [
  ['defaults', 'single-crate', {}],
  ['hardened preset, two platforms', 'single-crate', { presets: [Presets.hardened()], platforms: ['linux/amd64', 'linux/arm64'] }],
  ['MAJOR_VERSION pinning', 'single-crate', { actionPinning: ActionPinning.MAJOR_VERSION }],
  ['bookworm, packages, healthcheck, env, labels', 'single-crate', {
    debianRelease: DebianRelease.BOOKWORM,
    buildPackages: ['pkg-config', 'libssl-dev'],
    runtimePackages: ['ca-certificates', 'tzdata'],
    healthcheck: { command: ['/usr/local/bin/hello', '--health'] },
    env: { RUST_LOG: 'info' },
    labels: { 'org.example.team': 'core' },
  }],
  ['alpine + MUSL + packages', 'single-crate', { runtime: RuntimeBase.ALPINE, targetLibc: TargetLibc.MUSL, runtimePackages: ['ca-certificates', 'tzdata'] }],
  ['base images pinned by digest', 'single-crate', {
    imageDigests: {
      'rust:1.75-slim-trixie': 'sha256:' + 'a'.repeat(64),
      'lukemathwalker/cargo-chef:latest-rust-1.75-slim-trixie': 'sha256:' + 'b'.repeat(64),
      'debian:trixie-slim': 'sha256:' + 'c'.repeat(64),
    },
  }],
  ['workspace, skeleton, registry cache, QEMU', 'docker-workspace', {
    dependencyCaching: DependencyCaching.SKELETON,
    cacheBackend: CacheBackend.REGISTRY,
    platforms: ['linux/amd64', 'linux/arm64'],
    multiArchStrategy: MultiArchStrategy.QEMU,
  }],
  ['nightly toolchain', 'toolchain-file', {}, { 'rust-toolchain.toml': '[toolchain]\nchannel = "nightly-2025-01-01"\n' }],
  ['vendored crates, cache mounts persisted', 'vendored', { dependencyCaching: DependencyCaching.CACHE_MOUNTS, persistCacheMounts: true }],
  ['distroless static, cross-compiled', 'single-crate', {
    runtime: RuntimeBase.DISTROLESS_STATIC,
    targetLibc: TargetLibc.MUSL,
    crossCompile: true,
    platforms: ['linux/amd64', 'linux/arm64'],
    multiArchStrategy: MultiArchStrategy.CROSS_COMPILE,
  }],
  ['distroless cc, attest + sign', 'single-crate', { runtime: RuntimeBase.DISTROLESS_CC, provenance: true, sbom: true, attestProvenance: true, sign: true }],
  ['crate SBOM, attestations on private repos, vulnerability gate', 'single-crate', {
    attestProvenance: true, attestSbom: true, attestPrivateRepos: true, vulnerabilityGate: VulnerabilitySeverity.HIGH,
  }],
  ['own pull-request cache scope, no scheduled rebuild, not auditable', 'single-crate', {
    pullRequestCache: PullRequestCache.OWN_SCOPE, scheduledRebuild: false, auditable: false,
  }],
];

interface Inputs {
  /** Workflows whose actions are SHA-pinned (this repository's, the generated ones under COMMIT_SHA). */
  readonly pinnedWorkflows: string[];
  /** Generated workflows under MAJOR_VERSION pinning. */
  readonly majorWorkflows: string[];
  readonly dependabot: string[];
  readonly dockerfiles: string[];
}

/** Writes each distinct generated file once into a temp tree; returns the paths by kind. */
function collect(): Inputs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oracles-'));
  const seen = new Map<string, string>();
  let n = 0;
  const write = (rel: string, text: string): string | undefined => {
    if (seen.has(text)) return undefined;
    const file = path.join(root, String(n++), rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    seen.set(text, file);
    return file;
  };
  const inputs: Inputs = { pinnedWorkflows: [], majorWorkflows: [], dependabot: [], dockerfiles: [] };
  const add = (list: string[], file: string | undefined) => { if (file) list.push(file); };
  const addWorkflow = (pinning: ActionPinning | undefined, file: string | undefined) =>
    add(pinning === ActionPinning.MAJOR_VERSION ? inputs.majorWorkflows : inputs.pinnedWorkflows, file);

  for (const combo of WORKFLOW_COMBOS) {
    addWorkflow(combo.options.actionPinning, write('.github/workflows/docker.yml', synthWorkflow(combo.options).text));
  }
  for (const combo of dockerfileCombos) add(inputs.dockerfiles, write('Dockerfile', renderDockerfile(combo)));
  for (const [, fixture, options, files] of PROJECTS) {
    const outdir = fixtureOutdir(fixture);
    writeFiles(outdir, files ?? {});
    const out = Testing.synth(new RustDockerProject({ name: 'svc', outdir, ...options }));
    const pinning = options.actionPinning ?? (options.presets ? ActionPinning.COMMIT_SHA : undefined);
    for (const [file, text] of Object.entries<string>(out)) {
      if (file.startsWith('.github/workflows/')) addWorkflow(pinning, write(file, text));
      else if (file === '.github/dependabot.yml') add(inputs.dependabot, write(file, text));
      else if (file === 'Dockerfile') add(inputs.dockerfiles, write(file, text));
    }
  }
  for (const example of EXAMPLES) {
    const dir = path.join(REPO, 'examples', example);
    for (const f of fs.readdirSync(path.join(dir, '.github', 'workflows'))) inputs.pinnedWorkflows.push(path.join(dir, '.github', 'workflows', f));
    if (fs.existsSync(path.join(dir, '.github', 'dependabot.yml'))) inputs.dependabot.push(path.join(dir, '.github', 'dependabot.yml'));
    inputs.dockerfiles.push(path.join(dir, 'Dockerfile'));
  }
  for (const f of fs.readdirSync(path.join(REPO, '.github', 'workflows'))) inputs.pinnedWorkflows.push(path.join(REPO, '.github', 'workflows', f));
  return inputs;
}

const inputs = collect();
const workflows = [...inputs.pinnedWorkflows, ...inputs.majorWorkflows];
const results = {
  zizmorPinned: zizmor([...inputs.pinnedWorkflows, ...inputs.dependabot]),
  zizmorMajor: zizmor(inputs.majorWorkflows),
  zizmorPedantic: zizmor([...workflows, ...inputs.dependabot], 'pedantic'),
  hadolint: hadolint(inputs.dockerfiles),
  actionlint: actionlint(workflows),
};
const blocking = (f: OracleFinding) => f.severity === 'error' || f.severity === 'warning';

test('the counts per tool, printed', () => {
  const show = (counts: { [rule: string]: number }) => JSON.stringify(counts);
  const summary = [
    `oracles over ${workflows.length} distinct workflows (${WORKFLOW_COMBOS.length} matrix combinations, ${PROJECTS.length} projects, ${EXAMPLES.length} examples, this repository's own), ${inputs.dependabot.length} dependabot.yml, ${inputs.dockerfiles.length} distinct Dockerfiles (${dockerfileCombos.length} matrix combinations, ${PROJECTS.length} projects, ${EXAMPLES.length} examples):`,
    `  zizmor ${oracleVersion('zizmor')} (offline, regular persona), SHA-pinned workflows + dependabot.yml: ${results.zizmorPinned.length} findings ${show(countByRule(results.zizmorPinned))}`,
    `  zizmor (offline, regular persona), MAJOR_VERSION workflows (${inputs.majorWorkflows.length}): ${results.zizmorMajor.length} findings ${show(countByRule(results.zizmorMajor))} (unpinned-uses: the documented cost of MAJOR_VERSION)`,
    `  zizmor (offline, pedantic persona), everything: ${results.zizmorPedantic.length} findings ${show(countByRule(results.zizmorPedantic))} (reported, not asserted)`,
    `  hadolint ${oracleVersion('hadolint')}: ${results.hadolint.filter(blocking).length} errors+warnings, ${results.hadolint.length} findings in all ${show(countByRule(results.hadolint))}`,
    `  actionlint ${oracleVersion('actionlint')} (native, with shellcheck): ${results.actionlint.length} findings ${show(countByRule(results.actionlint))}`,
  ].join('\n');
  console.log(summary);
  expect(workflows.length).toBeGreaterThan(100);
  expect(inputs.dockerfiles.length).toBeGreaterThan(100);
});

test('zizmor (default persona): 0 findings on every SHA-pinned workflow and every dependabot.yml', () => {
  expect(results.zizmorPinned.map(showFinding)).toEqual([]);
});

test('zizmor (default persona): MAJOR_VERSION workflows get unpinned-uses and nothing else', () => {
  expect(inputs.majorWorkflows.length).toBeGreaterThan(0);
  expect(results.zizmorMajor.filter(f => f.rule !== 'unpinned-uses').map(showFinding)).toEqual([]);
  expect(new Set(results.zizmorMajor.map(f => f.file)).size).toBe(inputs.majorWorkflows.length);
});

test('hadolint: 0 errors and 0 warnings on every generated Dockerfile (exceptions are commented ignores in the file)', () => {
  expect(results.hadolint.filter(blocking).map(showFinding)).toEqual([]);
});

test('native actionlint (with its shellcheck integration): 0 findings on every workflow', () => {
  expect(results.actionlint.map(showFinding)).toEqual([]);
});
