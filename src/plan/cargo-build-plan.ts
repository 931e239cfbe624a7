import { CargoBinaryTarget, CargoPackageFacts, CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { DockerfileSettings } from '../settings';
import { checkStringList } from '../validators';

/** What cargo builds: the package, its binaries, features and profile, and the files cargo reads first. */
export interface CargoBuildPlan {
  /** Workspace members (every manifest cargo loads). */
  readonly packages: CargoPackageFacts[];
  /** Whether the root manifest is a workspace with several packages (`-p` is passed). */
  readonly isWorkspace: boolean;
  /** Binaries built and shipped, first = entrypoint. */
  readonly binaries: CargoBinaryTarget[];
  /** Package that owns the binaries (`cargo build -p`). */
  readonly packageName: string;
  /** `--features`. */
  readonly features: string[];
  /** `--no-default-features`. */
  readonly noDefaultFeatures: boolean;
  /** `--all-features`. */
  readonly allFeatures: boolean;
  /** Cargo profile. */
  readonly profile: string;
  /** Folder of the profile's artifacts under `target/[<triple>/]` ("release", "debug", …). */
  readonly profileDir: string;
  /** Whether cargo runs with `--locked` (a Cargo.lock exists). */
  readonly locked: boolean;
  /** Extra arguments of every `cargo build`. */
  readonly extraBuildArgs: string[];
  /** Toolchain file of the workspace, if any (never copied: `RUSTUP_TOOLCHAIN` overrides it). */
  readonly toolchainFile?: string;
  /** Cargo config file to copy before any cargo command, if any. */
  readonly cargoConfigFile?: string;
  /** Vendored source folders to copy before any cargo command. */
  readonly vendorDirs: string[];
}

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;
const FEATURE = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*(\/[A-Za-z0-9_][A-Za-z0-9_+.-]*)?$/;
/** Cargo names go into RUN lines (`--bin`, `-p`) and COPY paths: only what cargo itself accepts (letters, digits, `-`, `_`). */
const CARGO_NAME = /^[\p{L}\p{N}_-]+$/u;

/**
 * Resolves what to build. Returns undefined when the binaries cannot be chosen (the rest of the
 * plan depends on them); every bad option is recorded in `errors`.
 */
export function resolveCargoBuildPlan(options: DockerfileSettings, ws: CargoWorkspaceFacts, errors: ErrorCollector): CargoBuildPlan | undefined {
  const profile = options.cargoProfile ?? 'release';
  errors.attempt(() => {
    if (!PROFILE_NAME.test(profile)) {
      throw RustDockerError.forOption('cargoProfile', `${showValue(profile)} is not a profile name`, 'Use a profile of Cargo.toml, e.g. "release" or "dist"');
    }
  }, undefined);
  const extraBuildArgs = errors.attempt(() => checkStringList('cargoBuildArgs', options.cargoBuildArgs), []);
  errors.attempt(() => checkPathDependencies(ws), undefined);
  const chosen = errors.attempt(() => {
    const found = resolveBinaries(options, ws);
    checkCargoNames(found.binaries, found.packageName);
    return found;
  }, undefined);
  if (chosen === undefined) return undefined;
  const { binaries, packageName } = chosen;
  const pkg = ws.packages.find(p => p.name === packageName)!;
  const features = errors.attempt(() => resolveFeatures(options, pkg, binaries), { features: [], noDefaultFeatures: false, allFeatures: false });
  return {
    packages: ws.packages,
    isWorkspace: ws.packages.length > 1,
    binaries,
    packageName,
    ...features,
    profile,
    profileDir: profileDir(profile),
    locked: ws.lockFile !== undefined,
    extraBuildArgs,
    toolchainFile: ws.toolchainFile,
    cargoConfigFile: ws.cargoConfigFile,
    vendorDirs: [...ws.vendorDirs],
  };
}

/**
 * The build context is the cargo folder: a path dependency outside it cannot be sent, and cargo would
 * fail to load the workspace in the image (it loads every path dependency, dev-dependencies too).
 */
/** Most path dependencies listed in the error. */
const MAX_LISTED = 8;

function checkPathDependencies(ws: CargoWorkspaceFacts): void {
  if (ws.externalPathDependencies.length === 0) return;
  // the members' own dependencies first (the ones to change), then those of the outside packages; at most MAX_LISTED
  const members = new Set(ws.packages.map(p => p.name));
  const outside = [...ws.externalPathDependencies].sort((a, b) => Number(!members.has(a.package)) - Number(!members.has(b.package)));
  const more = outside.length > MAX_LISTED ? `, and ${outside.length - MAX_LISTED} more` : '';
  const list = outside.slice(0, MAX_LISTED).map(d => `${d.package} → ${d.dependency} (path ${showValue(d.path)})`).join(', ') + more;
  throw RustDockerError.forOption('cargoDir', `the Cargo workspace depends on folders outside it, which the Docker build context (the cargo folder) cannot hold: ${list}`,
    'Depend on a published or git version instead, or make the folder holding both the workspace (a [workspace] in the common parent, with "cargoDir" pointing there)');
}

function resolveBinaries(options: DockerfileSettings, ws: CargoWorkspaceFacts): { binaries: CargoBinaryTarget[]; packageName: string } {
  const available = () => ws.binaries.map(b => (b.name === b.packageName || !ws.isWorkspace ? b.name : `${b.name} (package ${b.packageName})`)).join(', ') || 'none';
  if (ws.binaries.length === 0) {
    throw RustDockerError.forOption('binaries', `the Cargo workspace has no binary target (packages: ${ws.packages.map(p => p.name).join(', ')})`,
      'Add a src/main.rs or a [[bin]] section to a package, or point "cargoDir" at a crate that builds a binary');
  }
  if (options.packageName !== undefined && !ws.packages.some(p => p.name === options.packageName)) {
    throw RustDockerError.forOption('packageName', `unknown package ${showValue(options.packageName)}`,
      `Use one of the workspace members: ${ws.packages.map(p => p.name).join(', ')}`);
  }
  if (options.binaries !== undefined) {
    if (options.binaries.length === 0) {
      throw RustDockerError.forOption('binaries', `${showValue(options.binaries)} is empty`, `Name at least one binary (available: ${available()}), or omit the option to infer it`);
    }
    const seen = new Set<string>();
    const selected: CargoBinaryTarget[] = [];
    for (const name of options.binaries) {
      if (seen.has(name)) {
        throw RustDockerError.forOption('binaries', `${showValue(name)} is listed twice`, 'List each binary once');
      }
      seen.add(name);
      let matches = ws.binaries.filter(b => b.name === name);
      if (matches.length > 1 && options.packageName !== undefined) matches = matches.filter(b => b.packageName === options.packageName);
      if (matches.length === 0) {
        throw RustDockerError.forOption('binaries', `unknown binary ${showValue(name)}`, `Available binaries: ${available()}`);
      }
      if (matches.length > 1) {
        throw RustDockerError.forOption('binaries', `binary ${showValue(name)} exists in packages ${matches.map(m => m.packageName).join(' and ')}`,
          'Set "packageName" to the package to build');
      }
      selected.push(matches[0]);
    }
    const packageName = options.packageName ?? selected[0].packageName;
    const foreign = selected.find(b => b.packageName !== packageName);
    if (foreign) {
      throw RustDockerError.forOption('binaries', `binary ${showValue(foreign.name)} belongs to package ${showValue(foreign.packageName)}, not ${showValue(packageName)}`,
        `One image builds one package: list only binaries of ${showValue(packageName)}${options.packageName === undefined ? '' : ' or change "packageName"'}`);
    }
    return { binaries: selected, packageName };
  }

  // inferred: among the binaries of `packageName`, else of the packages `cargo build` builds by default
  // (`default-members`, else the root package), else of the whole workspace
  const defaultPackages = ws.defaultMembers.length > 0 ? ws.defaultMembers : ws.rootPackage !== undefined ? [ws.rootPackage] : [];
  const byDefault = ws.binaries.filter(b => defaultPackages.includes(b.packageName));
  const candidates = options.packageName !== undefined
    ? ws.binaries.filter(b => b.packageName === options.packageName)
    : byDefault.length > 0 ? byDefault : ws.binaries;
  if (candidates.length === 0) {
    throw RustDockerError.forOption('packageName', `package ${showValue(options.packageName)} has no binary target`, `Choose a package with a binary (available binaries: ${available()})`);
  }
  if (candidates.length === 1) return { binaries: [candidates[0]], packageName: candidates[0].packageName };
  const pkgs = ws.packages.filter(p => candidates.some(b => b.packageName === p.name));
  const defaults = pkgs.filter(p => p.defaultRun !== undefined)
    .map(p => candidates.find(b => b.packageName === p.name && b.name === p.defaultRun))
    .filter((b): b is CargoBinaryTarget => b !== undefined);
  if (defaults.length === 1) return { binaries: [defaults[0]], packageName: defaults[0].packageName };
  throw RustDockerError.forOption('binaries', `cannot infer which binary to ship: ${candidates.length} binaries (${candidates.map(b => b.name).join(', ')}) and no single \`default-run\``,
    `Set "binaries" to the ones to ship, e.g. ["${candidates[0].name}"]`);
}

function checkCargoNames(binaries: CargoBinaryTarget[], packageName: string): void {
  if (!CARGO_NAME.test(packageName)) {
    throw RustDockerError.forOption('packageName', `package ${showValue(packageName)} of Cargo.toml is not a valid Cargo package name`,
      'Rename the package in Cargo.toml: cargo accepts only letters, digits, "-" and "_"');
  }
  for (const b of binaries) {
    if (!CARGO_NAME.test(b.name)) {
      throw RustDockerError.forOption('binaries', `binary ${showValue(b.name)} of package ${showValue(b.packageName)} is not a valid Cargo target name`,
        'Rename the [[bin]] in Cargo.toml: cargo accepts only letters, digits, "-" and "_"');
    }
  }
}

function resolveFeatures(options: DockerfileSettings, pkg: CargoPackageFacts, binaries: CargoBinaryTarget[]) {
  const features = checkStringList('features', options.features);
  const noDefaultFeatures = options.noDefaultFeatures ?? false;
  const allFeatures = options.allFeatures ?? false;
  if (allFeatures && (features.length > 0 || noDefaultFeatures)) {
    throw RustDockerError.forOption('allFeatures', `cannot be combined with ${features.length > 0 ? `"features" ${showValue(features)}` : '"noDefaultFeatures"'}`,
      'Use either "allFeatures", or "features"/"noDefaultFeatures"');
  }
  for (const f of features) {
    if (!FEATURE.test(f)) {
      throw RustDockerError.forOption('features', `${showValue(f)} is not a feature name`, 'Use names from [features] of Cargo.toml, or "dependency/feature"');
    }
    if (!f.includes('/') && !pkg.features.includes(f)) {
      throw RustDockerError.forOption('features', `package ${showValue(pkg.name)} has no feature ${showValue(f)}`,
        `Available features: ${pkg.features.join(', ') || 'none'}`);
    }
  }
  if (!allFeatures) {
    for (const b of binaries) {
      const missing = b.requiredFeatures.filter(f => !features.includes(f));
      if (missing.length > 0) {
        throw RustDockerError.forOption('features', `binary ${showValue(b.name)} requires the features ${missing.join(', ')}, which are not enabled`,
          `Add ${missing.map(m => `"${m}"`).join(', ')} to "features"`);
      }
    }
  }
  return { features, noDefaultFeatures, allFeatures };
}

function profileDir(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

/**
 * The arguments every build of the shipped binaries passes after `cargo build` (and `cargo chef cook`),
 * unquoted, in order: `--locked`, the profile, `-p`, the binaries, the features. The Dockerfile and the
 * runner build (DependencyCaching.RUNNER) both start from these; each adds its `--target` and then
 * `extraBuildArgs`. `cargo chef cook --bin` takes one binary: with several (`forCook`) none is passed.
 */
export function cargoBuildArgs(cargo: CargoBuildPlan, forCook = false): string[] {
  const args = cargo.locked ? ['--locked'] : [];
  args.push(...(cargo.profile === 'release' ? ['--release'] : ['--profile', cargo.profile]));
  if (cargo.isWorkspace) args.push('-p', cargo.packageName);
  if (!forCook || cargo.binaries.length === 1) for (const b of cargo.binaries) args.push('--bin', b.name);
  if (cargo.allFeatures) args.push('--all-features');
  if (cargo.noDefaultFeatures) args.push('--no-default-features');
  if (cargo.features.length > 0) args.push('--features', cargo.features.join(','));
  return args;
}
