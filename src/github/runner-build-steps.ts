/**
 * DependencyCaching.RUNNER: the steps that build the binaries on the runner before the image build
 * (toolchain, cache restore, cargo-auditable, `cargo build`, prune, cache save), and the inputs that
 * hand them to the image build as a named build context.
 */
import { github } from 'projen';
import { IS_SCHEDULE, lines, RUNNER_BINARIES_DIR, WorkflowView, writesCache } from './workflow-steps';
import { RunnerBuildPlan } from '../plan/runner-build-plan';
import { TargetLibc } from '../settings';
import { shellQuote, shellWords } from '../shell';

type JobStep = github.workflows.JobStep;

/** Id of the `actions/cache/restore` step of `target/` and the cargo registry. */
export const RUNNER_CACHE_STEP_ID = 'rust_cache';
/** Id of the step that runs `cargo build` on the runner. */
export const RUNNER_BUILD_STEP_ID = 'runner_build';
/** Where cargo-auditable is installed (and cached with `target/`), by version. */
const auditableRoot = (version: string) => `.cargo-tools/cargo-auditable-${version}`;

/**
 * The steps of the runner build, for a job on `runnerLabel` (a label, or `${{ matrix.runner }}`). The cache
 * key is `<cacheKeyBase>-<runner>-<arch>-<hash of Cargo.lock>`, restored with the same key minus the lock
 * hash as the fallback, so a dependency bump starts from the previous lock's `target/` and recompiles
 * only what changed. Pull requests and tags restore only; pushes to the branches and the schedule save
 * (the schedule restores nothing: a clean build). Before saving, the workspace's own crates and the
 * incremental folders are pruned.
 */
export function runnerBuildSteps(p: WorkflowView, runnerLabel: string): JobStep[] {
  const r = p.runnerBuild;
  if (r === undefined) return [];
  const cacheRef = p.actions['actions/cache'].uses;
  const libc = r.targetLibc === TargetLibc.MUSL ? 'musl' : 'gnu';
  const target = `"$(uname -m)-unknown-linux-${libc}"`;
  const lockHash = `\${{ hashFiles('${r.lockFile ?? `${r.contextDir === '.' ? '' : `${r.contextDir}/`}**/Cargo.toml`}') }}`;
  const keyPrefix = `${r.cacheKeyBase}-${runnerLabel}-\${{ runner.arch }}-`;
  const cache = {
    path: lines([
      '~/.cargo/registry/index',
      '~/.cargo/registry/cache',
      '~/.cargo/git/db',
      ...(r.auditable ? [`~/${auditableRoot(r.auditable.version)}`] : []),
      `${inContext(r, 'target')}`,
    ]),
    key: `${keyPrefix}${lockHash}`,
  };
  const saves = `(${writesCache(p)}) && steps.${RUNNER_CACHE_STEP_ID}.outputs.cache-hit != 'true'`;
  const toolchainEnv = { RUSTUP_TOOLCHAIN: r.toolchain };
  const workingDirectory = r.contextDir === '.' ? {} : { workingDirectory: r.contextDir };

  const steps: JobStep[] = [{
    id: 'rust_toolchain',
    name: 'Install the Rust toolchain (runner build)',
    env: toolchainEnv,
    run: lines([
      ...(r.aptPackages.length > 0 ? ['sudo apt-get update', `sudo apt-get install -y --no-install-recommends ${shellWords(r.aptPackages)}`] : []),
      `rustup toolchain install "$RUSTUP_TOOLCHAIN" --profile minimal --no-self-update --target ${target}`,
    ]),
  }, {
    // the scheduled rebuild starts clean (and so resets what bumps left behind in target/)
    id: RUNNER_CACHE_STEP_ID,
    name: 'Restore target/ and the cargo registry',
    ...(p.rebuildCron !== undefined ? { if: `!(${IS_SCHEDULE})` } : {}),
    uses: cacheRef.replace(/^actions\/cache@/, 'actions/cache/restore@'),
    with: { ...cache, 'restore-keys': keyPrefix },
  }];

  if (r.auditable) {
    const root = `$HOME/${auditableRoot(r.auditable.version)}`;
    steps.push({
      id: 'cargo_auditable',
      name: 'Install cargo-auditable',
      env: toolchainEnv,
      run: lines([
        `if [ ! -x "${root}/bin/cargo-auditable" ]; then`,
        `  cargo install --locked --root "${root}" cargo-auditable@${r.auditable.version}`,
        'fi',
        `echo "${root}/bin" >> "$GITHUB_PATH"`,
      ]),
    });
  }

  const secretEnv = Object.fromEntries(r.secrets.map(s => [s.env!, `\${{ secrets.${s.source} }}`]));
  const requiredSecrets = r.secrets.filter(s => s.required)
    .map(s => `: "\${${s.env}:?build secret ${s.id} is required (GitHub secret ${s.source})}"`);
  const cargoArgs = [...r.cargoArgs.map(shellQuote), '--target', '"$target"', ...r.extraArgs.map(shellQuote)].join(' ');
  steps.push({
    id: RUNNER_BUILD_STEP_ID,
    name: 'Build the binaries on the runner',
    ...workingDirectory,
    env: {
      ...toolchainEnv,
      ...r.env,
      ...secretEnv,
      BINARIES_DIR: RUNNER_BINARIES_DIR,
      CACHE_HIT: `\${{ steps.${RUNNER_CACHE_STEP_ID}.outputs.cache-hit }}`,
    },
    run: lines([
      ...requiredSecrets,
      `target=${target}`,
      `# a target/ restored from an older Cargo.lock over ${r.targetLimitMb} MiB is dropped: crate versions no longer locked pile up over bumps`,
      `if [ "$CACHE_HIT" != true ] && [ -d target ] && [ "$(du -sm target | cut -f1)" -gt ${r.targetLimitMb} ]; then`,
      `  echo "::notice title=Runner build::target/ over ${r.targetLimitMb} MiB: building from scratch"`,
      '  rm -rf target',
      'fi',
      `${r.auditable ? 'cargo auditable build' : 'cargo build'} ${cargoArgs}`,
      'mkdir -p "$BINARIES_DIR/out"',
      `cp ${r.binaries.map(b => `"target/$target/${r.profileDir}/${b}"`).join(' ')} "$BINARIES_DIR/out/"`,
    ]),
  });

  const crates = [...new Set(r.ownCrates.flatMap(c => [c, c.replace(/-/g, '_')]))];
  steps.push({
    id: 'rust_cache_prune',
    name: 'Prune the workspace\'s own crates from target/',
    if: saves,
    ...workingDirectory,
    run: lines([
      '# the artifacts of one crate in one profile folder',
      'prune() {',
      '  rm -rf "${1:?}/.fingerprint/${2:?}"-* "${1:?}/build/${2:?}"-* "${1:?}/deps/${2:?}"-* "${1:?}/deps/lib${2:?}"-* "${1:?}/${2:?}" "${1:?}/${2:?}.d"',
      '}',
      // host artifacts (build scripts, proc macros) in target/<profile>, the binaries' in target/<triple>/<profile>
      `for dir in target/${r.profileDir} target/*/${r.profileDir}; do`,
      '  [ -d "$dir" ] || continue',
      '  rm -rf "${dir:?}/incremental"',
      ...crates.map(c => `  prune "$dir" ${shellQuote(c)}`),
      'done',
      'du -sh target',
    ]),
  }, {
    id: 'rust_cache_save',
    name: 'Save target/ and the cargo registry',
    if: saves,
    uses: cacheRef.replace(/^actions\/cache@/, 'actions/cache/save@'),
    with: cache,
  });
  return steps;
}

function inContext(r: RunnerBuildPlan, file: string): string {
  return r.contextDir === '.' ? file : `${r.contextDir}/${file}`;
}
