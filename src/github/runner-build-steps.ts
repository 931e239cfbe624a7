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
/** Id of the `actions/cache/restore` step of the built binaries (an exact hit skips the whole build). */
export const RUNNER_BINARIES_CACHE_STEP_ID = 'rust_binaries';
/** Id of the step that installs the toolchain (and outputs `binaries-key`, the key of the binaries entry). */
export const RUNNER_TOOLCHAIN_STEP_ID = 'rust_toolchain';
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
 *
 * When the plan names every file the binaries are compiled from (`binaryInputs`), the built binaries
 * are a cache entry of their own, restored first: `<cacheKeyBase>-bin-<runner>-<arch>-<hashFiles(inputs)>-<hash>`,
 * the last hash over `rustc -vV`, `cargo -vV` and the names of the files below the inputs (see
 * `binariesKeyScript`). An exact hit (restore-keys would hand over other sources' binaries) skips
 * everything else: no target/ restore, no cargo, no prune, no save; a miss builds as above and the
 * writers save the binaries. The key covers what the build's output depends on, part by part:
 * - the sources, manifests, Cargo.lock (versions and checksums of every registry and git dependency),
 *   cargo config, vendored sources, build scripts and every file they or the macros read: `hashFiles`
 *   of the allow-list's entries (the patterns select what Docker's context does, or more), and their
 *   file names (a moved file moves the `file!()` paths panics print). A compile-time input the scan
 *   cannot resolve turns the entry off. Not covered: a file the build reads that neither the allow-list
 *   nor the scan names; cargo on the runner reads the whole checkout, so such a file would be read but
 *   not hashed (the Dockerfile's own build, without the runner's binaries, fails on it instead);
 * - the compiler: `rustc -vV` and `cargo -vV` of the installed toolchain (a floating `stable` moves it);
 * - cargo's arguments (package, binaries, profile, features, `--locked`, `cargoBuildArgs`), the target
 *   libc, cargo-auditable's version, apt packages, the step's environment and the secrets' names: the
 *   hash in `cacheKeyBase`; the runner label and arch (glibc, linker and C compiler of the runner image).
 * Not in it: the runner image's minor updates of its C toolchain (as with target/, whose dependencies'
 * C objects cargo reuses across them too) and the build secrets' values.
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
  const bin = r.binaryInputs;
  // the key, computed once before anything runs (the save must not see files the build wrote); none
  // when it cannot be trusted (see binariesKeyScript): then the entry is neither restored nor saved
  const binariesKey = `steps.${RUNNER_TOOLCHAIN_STEP_ID}.outputs.binaries-key`;
  const hasKey = `${binariesKey} != ''`;
  // after an exact hit of the binaries entry, nothing below runs
  const builds = bin ? `steps.${RUNNER_BINARIES_CACHE_STEP_ID}.outputs.cache-hit != 'true'` : undefined;
  const andBuilds = (condition?: string) => (builds === undefined ? condition : condition === undefined ? builds : `(${condition}) && ${builds}`);
  const notSchedule = p.rebuildCron !== undefined ? `!(${IS_SCHEDULE})` : undefined;
  const saves = `(${writesCache(p)}) && steps.${RUNNER_CACHE_STEP_ID}.outputs.cache-hit != 'true'${builds ? ` && ${builds}` : ''}`;
  const binariesCache = bin && { path: lines([`${RUNNER_BINARIES_DIR}/out`]), key: `\${{ ${binariesKey} }}` };
  const toolchainEnv = { RUSTUP_TOOLCHAIN: r.toolchain };
  const workingDirectory = r.contextDir === '.' ? {} : { workingDirectory: r.contextDir };

  const ifOf = (condition?: string) => (condition === undefined ? {} : { if: condition });
  const steps: JobStep[] = [{
    id: RUNNER_TOOLCHAIN_STEP_ID,
    name: 'Install the Rust toolchain (runner build)',
    env: {
      ...toolchainEnv,
      ...(bin ? {
        BINARIES_KEY: `${r.cacheKeyBase}-bin-${runnerLabel}-\${{ runner.arch }}`,
        INPUTS_HASH: `\${{ hashFiles(${bin.patterns.map(f => `'${f.replace(/'/g, "''")}'`).join(', ')}) }}`,
      } : {}),
    },
    run: lines([
      ...(r.aptPackages.length > 0 ? ['sudo apt-get update', `sudo apt-get install -y --no-install-recommends ${shellWords(r.aptPackages)}`] : []),
      `rustup toolchain install "$RUSTUP_TOOLCHAIN" --profile minimal --no-self-update --target ${target}`,
      ...(bin ? binariesKeyScript(bin.roots) : []),
    ]),
  }];
  if (binariesCache) {
    steps.push({
      // exact key only: binaries of other sources are no use. The scheduled rebuild builds clean.
      id: RUNNER_BINARIES_CACHE_STEP_ID,
      name: 'Restore the binaries built from the same inputs',
      if: notSchedule === undefined ? hasKey : `(${notSchedule}) && ${hasKey}`,
      uses: cacheRef.replace(/^actions\/cache@/, 'actions/cache/restore@'),
      with: binariesCache,
    });
  }
  steps.push({
    // the scheduled rebuild starts clean (and so resets what bumps left behind in target/)
    id: RUNNER_CACHE_STEP_ID,
    name: 'Restore target/ and the cargo registry',
    ...ifOf(andBuilds(notSchedule)),
    uses: cacheRef.replace(/^actions\/cache@/, 'actions/cache/restore@'),
    with: { ...cache, 'restore-keys': keyPrefix },
  });

  if (r.auditable) {
    const root = `$HOME/${auditableRoot(r.auditable.version)}`;
    steps.push({
      id: 'cargo_auditable',
      name: 'Install cargo-auditable',
      ...ifOf(builds),
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
    ...ifOf(builds),
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
  if (binariesCache) {
    steps.push({
      id: 'rust_binaries_save',
      name: 'Save the binaries',
      if: `(${writesCache(p)}) && ${hasKey} && ${builds}`,
      uses: cacheRef.replace(/^actions\/cache@/, 'actions/cache/save@'),
      with: binariesCache,
    });
  }
  return steps;
}

/**
 * The end of the toolchain step: outputs `binaries-key`, `$BINARIES_KEY-$INPUTS_HASH-<hash>` where the
 * hash covers `rustc -vV`, `cargo -vV` and the names of the files below the inputs' roots (`hashFiles`
 * hashes contents only, and a moved file moves the paths `file!()` and panics print). No key when
 * `hashFiles` matched nothing (an empty hash would make every such commit share a key) or an input is
 * a symbolic link to a folder (`hashFiles` does not follow it, cargo does).
 */
function binariesKeyScript(roots: string[]): string[] {
  const args = roots.map(root => shellQuote(root.startsWith('-') ? `./${root}` : root)).join(' ');
  return [
    '# the key of the binaries entry: contents of the inputs (hashFiles), their names, the toolchain',
    `roots=(${args})`,
    'if [ -z "$INPUTS_HASH" ]; then',
    '  echo "::notice title=Runner build::hashFiles matched no build input: the binaries are not cached"',
    'elif [ -n "$(find "${roots[@]}" -type l -xtype d -print -quit 2>/dev/null)" ]; then',
    '  echo "::notice title=Runner build::a build input is a symbolic link to a folder, which hashFiles does not follow: the binaries are not cached"',
    'else',
    '  names=$(find "${roots[@]}" -name .git -prune -o \\( -type f -o -type l \\) -print 2>/dev/null | LC_ALL=C sort || true)',
    '  echo "binaries-key=$BINARIES_KEY-$INPUTS_HASH-$({ rustc -vV; cargo -vV; echo "$names"; } | sha256sum | cut -c1-16)" >> "$GITHUB_OUTPUT"',
    'fi',
  ];
}

function inContext(r: RunnerBuildPlan, file: string): string {
  return r.contextDir === '.' ? file : `${r.contextDir}/${file}`;
}
