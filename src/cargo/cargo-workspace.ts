import * as path from 'path';
import { readCargoConfig } from './cargo-config';
import { CargoBinaryTarget, CargoExternalPathDependency, CargoPackageFacts, CargoWorkspaceFacts } from './cargo-facts';
import { CargoInferenceError } from './cargo-inference-error';
import { lockNameClashes } from './cargo-lock';
import { PackageReadResult, pathDependencySpecs, readPackage } from './cargo-package';
import { compare, isDir, isFile, isOutside, isUnder, relativePosix } from './fs-util';
import { readSubmodules } from './gitmodules';
import { readRustToolchain } from './rust-toolchain';
import { TomlFields, TomlTable, isTable, readTomlFile } from './toml-file';
import { MemberPath, expandMembers, isGlob, normalizeEntry } from './workspace-members';

/**
 * Reads a Cargo workspace the way cargo does (without running cargo) and
 * exposes the facts a Docker build needs: packages, binaries, toolchain,
 * lock file, cargo config and vendored sources.
 *
 * @example
 * const ws = CargoWorkspace.load('.');
 * const api = ws.binary('api');
 */
export class CargoWorkspace {
  /**
   * Reads the workspace whose root manifest is in `dir`.
   *
   * @param dir folder holding the root `Cargo.toml` (absolute or relative to the
   * current directory); a path to the `Cargo.toml` itself is accepted too.
   * @throws CargoInferenceError when a manifest is missing or invalid, a member
   * does not exist, or the toolchain file is invalid.
   */
  public static load(dir: string): CargoWorkspace {
    return new CargoWorkspace(loadFacts(dir));
  }

  /**
   * The inferred facts.
   */
  public readonly facts: CargoWorkspaceFacts;

  private constructor(facts: CargoWorkspaceFacts) {
    this.facts = facts;
  }

  /**
   * Looks up a binary by name.
   *
   * @param name the binary name (`[[bin]] name` or autodiscovered name)
   * @throws CargoInferenceError listing the available binaries when `name` is
   * unknown, or when several packages have a binary with that name.
   */
  public binary(name: string): CargoBinaryTarget {
    const matches = this.facts.binaries.filter(b => b.name === name);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new CargoInferenceError(`binary "${name}" is ambiguous: packages ${matches.map(m => `"${m.packageName}" (${m.path})`).join(' and ')} both define it. Rename one of them with a [[bin]] name.`);
    }
    if (this.facts.binaries.length === 0) {
      throw new CargoInferenceError(`unknown binary "${name}": ${this.noBinariesReason()}`);
    }
    throw new CargoInferenceError(`unknown binary "${name}" in ${this.label()}. Available binaries: ${this.availableBinaries()}. Set the "binary" option to one of them.`);
  }

  /**
   * All binaries of the workspace.
   *
   * @throws CargoInferenceError when the workspace has no binary target at all.
   */
  public requireBinaries(): CargoBinaryTarget[] {
    if (this.facts.binaries.length === 0) {
      throw new CargoInferenceError(this.noBinariesReason());
    }
    return [...this.facts.binaries];
  }

  /**
   * Looks up a package (workspace member) by name.
   *
   * @param name the package name
   * @throws CargoInferenceError listing the members when `name` is unknown.
   */
  public packageByName(name: string): CargoPackageFacts {
    const found = this.facts.packages.find(p => p.name === name);
    if (!found) {
      throw new CargoInferenceError(`unknown package "${name}" in ${this.label()}. Workspace members: ${this.facts.packages.map(p => p.name).join(', ')}.`);
    }
    return found;
  }

  /**
   * Human-readable, deterministic summary of the inference (one line per
   * entry, no absolute paths), e.g. for a comment block in a Dockerfile.
   */
  public describe(): string[] {
    const f = this.facts;
    const lines: string[] = [];
    const kind = !f.isWorkspace
      ? `package "${f.rootPackage}"`
      : f.rootPackage ? `workspace with root package "${f.rootPackage}"` : 'virtual workspace';
    lines.push(`cargo: Cargo.toml is a ${kind}, ${f.packages.length} package${f.packages.length === 1 ? '' : 's'}`);
    for (const p of f.packages) {
      const parts: string[] = [`edition ${p.edition ?? '2015 (default)'}`];
      if (p.rustVersion) parts.push(`rust-version ${p.rustVersion}`);
      if (p.lib) parts.push(`lib ${p.lib.name} (${p.lib.path})`);
      for (const b of p.binaries) {
        parts.push(`bin ${b.name} (${b.path}${b.requiredFeatures.length ? `, requires features ${b.requiredFeatures.join(', ')}` : ''})`);
      }
      for (const t of p.otherTargets) parts.push(`${t.kind} ${t.name} (${t.path})`);
      if (p.buildScript) parts.push(`build script ${p.buildScript}`);
      if (p.defaultRun) parts.push(`default-run ${p.defaultRun}`);
      lines.push(`  package ${p.name} ${p.version ?? '(no version)'} in ${p.dir}: ${parts.join('; ')}`);
    }
    lines.push(`binaries: ${f.binaries.length ? f.binaries.map(b => b.name).join(', ') : 'none'}`);
    if (f.isWorkspace) {
      const fallback = f.rootPackage ? `none given (cargo builds the root package ${f.rootPackage})` : 'none given (cargo builds all members)';
      lines.push(`default members: ${f.defaultMembers.length ? f.defaultMembers.join(', ') : fallback}`);
    }
    lines.push(`lock file: ${f.lockFile ?? 'none (Cargo.lock missing)'}`);
    if (f.toolchainFile) {
      const tc = [`channel ${f.toolchainChannel ?? '(not set)'}`];
      if (f.toolchainTargets.length) tc.push(`targets ${f.toolchainTargets.join(', ')}`);
      if (f.toolchainComponents.length) tc.push(`components ${f.toolchainComponents.join(', ')}`);
      lines.push(`toolchain: ${f.toolchainFile} (${tc.join('; ')})`);
    } else {
      lines.push('toolchain: none (no rust-toolchain.toml)');
    }
    lines.push(`rust-version: ${f.rustVersion ?? 'not set'}`);
    lines.push(`cargo config: ${f.cargoConfigFile ?? 'none'}${f.vendorDirs.length ? ` (vendored sources: ${f.vendorDirs.join(', ')})` : ''}`);
    return lines;
  }

  private label(): string {
    return this.facts.rootPackage && !this.facts.isWorkspace ? `package "${this.facts.rootPackage}"` : 'the Cargo workspace';
  }

  private availableBinaries(): string {
    return this.facts.binaries.map(b => (b.name === b.packageName ? b.name : `${b.name} (package ${b.packageName})`)).join(', ');
  }

  private noBinariesReason(): string {
    const pkgs = this.facts.packages.map(p => `"${p.name}"`).join(', ');
    return `no binary targets in ${this.label()} (packages: ${pkgs}). Add a src/main.rs or a [[bin]] section to a package, or point the "cargoDir" option at a crate that builds a binary.`;
  }
}

/** Loads all facts; see {@link CargoWorkspace.load}. */
function loadFacts(dir: string): CargoWorkspaceFacts {
  let rootDir = path.resolve(dir);
  if (path.basename(rootDir) === 'Cargo.toml' && isFile(rootDir)) rootDir = path.dirname(rootDir);
  const fix = 'Set the "cargoDir" option to the folder that holds your Cargo.toml.';
  if (!isDir(rootDir)) {
    throw new CargoInferenceError(`cannot read Cargo.toml in "${rootDir}": no such directory. ${fix}`);
  }
  if (!isFile(path.join(rootDir, 'Cargo.toml'))) {
    throw new CargoInferenceError(`cannot read Cargo.toml in "${rootDir}": no such file. ${fix}`);
  }
  const root = readTomlFile(path.join(rootDir, 'Cargo.toml'), 'Cargo.toml', fix);
  const fields = new TomlFields('Cargo.toml');
  const workspace = fields.table(root, 'workspace', 'workspace');
  const rootPackageTable = fields.table(root, 'package', 'package');
  if (!workspace && !rootPackageTable) {
    throw new CargoInferenceError(`no [package] or [workspace] table in the Cargo.toml in "${rootDir}". Add one, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`);
  }

  const members = workspace
    ? readMembers(rootDir, root, workspace, fields)
    : new Map([['.', readPackage({ rootDir, dir: '.', manifest: root })]]);
  const packages = [...members.values()].map(m => m.facts).sort((a, b) => compareDirs(a.dir, b.dir));
  const rootPackage = members.get('.')?.facts;
  const defaultMembers = workspace ? readDefaultMembers(rootDir, workspace, fields, members) : [];

  const toolchain = readRustToolchain(rootDir);
  const config = readCargoConfig(rootDir);
  const wsPackage = workspace ? fields.table(workspace, 'package', 'workspace.package') : undefined;
  const wsRustVersion = wsPackage ? fields.string(wsPackage, 'rust-version', 'workspace.package.rust-version') : undefined;
  const memberRustVersions = packages.map(p => p.rustVersion).filter((v): v is string => v !== undefined);

  return {
    rootDir,
    isWorkspace: workspace !== undefined,
    rootPackage: rootPackage?.name,
    packages,
    defaultMembers,
    binaries: packages.flatMap(p => p.binaries),
    lockFile: isFile(path.join(rootDir, 'Cargo.lock')) ? 'Cargo.lock' : undefined,
    lockNameClashes: lockNameClashes(rootDir, packages.map(p => p.name)),
    toolchainFile: toolchain?.file,
    toolchainChannel: toolchain?.channel,
    toolchainTargets: toolchain?.targets ?? [],
    toolchainComponents: toolchain?.components ?? [],
    rustVersion: rootPackage?.rustVersion ?? wsRustVersion ?? maxVersion(memberRustVersions),
    cargoConfigFile: config?.file,
    vendorDirs: config?.vendorDirs ?? [],
    buildScripts: packages.map(p => p.buildScript).filter((b): b is string => b !== undefined),
    submodules: readSubmodules(rootDir),
    externalPathDependencies: externalPathDependencies(rootDir, root, [...members.values()]),
  };
}

/**
 * `path` dependencies outside the workspace root: of the members, of the root's
 * `[patch.*]` and `[replace]` tables, and of the external packages themselves
 * (their manifests read leniently: one that cannot be read ends the chain).
 */
function externalPathDependencies(rootDir: string, root: TomlTable, members: PackageReadResult[]): CargoExternalPathDependency[] {
  const found: CargoExternalPathDependency[] = [];
  const queued = new Set<string>();
  const queue: string[] = [];
  const add = (pkg: string, dependency: string, written: string, abs: string) => {
    if (!isOutside(relativePosix(rootDir, abs))) return;
    found.push({ package: pkg, dependency, path: written, resolved: abs });
    if (!queued.has(abs)) {
      queued.add(abs);
      queue.push(abs);
    }
  };
  for (const m of members) {
    for (const d of m.pathDependencySpecs) add(m.facts.name, d.dependency, d.path, d.abs);
  }
  const patchTables: Array<[string, unknown]> = [['[replace]', root.replace]];
  if (isTable(root.patch)) for (const [source, table] of Object.entries(root.patch)) patchTables.push([`[patch.${source}]`, table]);
  for (const [label, table] of patchTables) {
    if (!isTable(table)) continue;
    for (const [dep, spec] of Object.entries(table)) {
      if (isTable(spec) && typeof spec.path === 'string') add(label, dep, spec.path, path.resolve(rootDir, spec.path));
    }
  }
  for (let i = 0; i < queue.length && i < 1000; i++) {
    const dir = queue[i];
    try {
      const manifest = readTomlFile(path.join(dir, 'Cargo.toml'), path.join(dir, 'Cargo.toml'), '');
      const pkg = isTable(manifest.package) && typeof manifest.package.name === 'string' ? manifest.package.name : path.basename(dir);
      const fields = new TomlFields(path.join(dir, 'Cargo.toml'));
      for (const d of pathDependencySpecs(fields, manifest, dir, dir, {})) add(pkg, d.dependency, d.path, d.abs);
    } catch {
      // not readable here: cargo reports it; the chain ends
    }
  }
  const unique = new Map(found.map(d => [`${d.package}\0${d.dependency}\0${d.resolved}`, d]));
  return [...unique.values()]
    .sort((a, b) => compare(a.package, b.package) || compare(a.dependency, b.dependency) || compare(a.path, b.path));
}

/** How a directory came to be considered as a member (for messages). */
interface MemberOrigin {
  readonly member?: MemberPath;
  readonly dependencyOf?: string;
}

/**
 * cargo's `find_members`: expanded `members`, the root package, and path
 * dependencies inside the workspace folder, minus `exclude`.
 */
function readMembers(rootDir: string, root: TomlTable, workspace: TomlTable, fields: TomlFields): Map<string, PackageReadResult> {
  const memberEntries = fields.stringArray(workspace, 'members', 'workspace.members') ?? [];
  const exclude = (fields.stringArray(workspace, 'exclude', 'workspace.exclude') ?? []).map(e => normalizeEntry(rootDir, e));
  // like cargo, a path under a literal `members` entry is never excluded
  const literalMembers = memberEntries.filter(m => !isGlob(m)).map(m => normalizeEntry(rootDir, m));
  const isExcluded = (d: string) => exclude.some(ex => isUnder(d, ex)) && !literalMembers.some(m => isUnder(d, m));
  const members = new Map<string, PackageReadResult>();

  const visit = (dir: string, origin: MemberOrigin): void => {
    if (members.has(dir)) return;
    if (origin.dependencyOf !== undefined && isOutside(dir)) return;
    if (dir !== '.' && isExcluded(dir)) return;
    const manifestRel = dir === '.' ? 'Cargo.toml' : `${dir}/Cargo.toml`;
    const manifestAbs = path.join(rootDir, manifestRel);
    if (!isFile(manifestAbs)) {
      if (origin.member?.glob) return; // glob matches without a manifest are skipped (cargo would fail)
      const missing = isDir(path.join(rootDir, dir)) ? `${manifestRel} does not exist` : `the directory "${dir}" does not exist`;
      if (origin.member) {
        throw new CargoInferenceError(`workspace member "${origin.member.pattern}" listed in "workspace.members" of Cargo.toml cannot be read: ${missing}. Fix the path or remove it from "workspace.members".`);
      }
      throw new CargoInferenceError(`path dependency "${dir}" of package "${origin.dependencyOf}" cannot be read: ${missing}. Fix its "path" in the package's Cargo.toml.`);
    }
    let manifest = root;
    if (dir !== '.') {
      manifest = readTomlFile(manifestAbs, manifestRel, `Fix ${manifestRel} or remove "${dir}" from the workspace.`);
      if (manifest.workspace !== undefined) {
        throw new CargoInferenceError(`nested workspace: ${manifestRel} has its own [workspace] table, but it is also a member of the workspace of Cargo.toml: cargo rejects multiple workspace roots. Remove [workspace] from ${manifestRel}, or add "${dir}" to "workspace.exclude" in Cargo.toml.`);
      }
    }
    const result = readPackage({ rootDir, dir, manifest, workspace });
    members.set(dir, result);
    for (const dep of result.pathDependencies) visit(dep, { dependencyOf: result.facts.name });
  };

  for (const member of expandMembers(rootDir, memberEntries)) visit(member.dir, { member });
  if (fields.table(root, 'package', 'package')) visit('.', {});
  return members;
}

/** Package names of `workspace.default-members` (cargo's rules: must be members, excluded ones skipped). */
function readDefaultMembers(rootDir: string, workspace: TomlTable, fields: TomlFields, members: Map<string, PackageReadResult>): string[] {
  const entries = fields.stringArray(workspace, 'default-members', 'workspace.default-members');
  if (!entries) return [];
  const memberDirs = new Set(expandMembers(rootDir, fields.stringArray(workspace, 'members', 'workspace.members') ?? []).map(m => m.dir));
  const names: string[] = [];
  for (const entry of expandMembers(rootDir, entries)) {
    const member = members.get(entry.dir);
    if (member) {
      if (!names.includes(member.facts.name)) names.push(member.facts.name);
      continue;
    }
    if (memberDirs.has(entry.dir) || (entry.glob && !isFile(path.join(rootDir, entry.dir, 'Cargo.toml')))) continue; // excluded member, or glob match without a package
    throw new CargoInferenceError(`"workspace.default-members" entry "${entry.pattern}" in Cargo.toml is not a workspace member (${entry.dir}). Add it to "workspace.members" or remove it from "default-members".`);
  }
  return names;
}

/** "." first, then plain string order. */
function compareDirs(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  return compare(a, b);
}

/** Highest of dotted numeric versions such as "1.75" and "1.80.1". */
function maxVersion(versions: string[]): string | undefined {
  const parts = (v: string) => v.split('.').map(n => parseInt(n, 10) || 0);
  return versions.reduce<string | undefined>((best, v) => {
    if (best === undefined) return v;
    const [a, b] = [parts(v), parts(best)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0) ? v : best;
    }
    return best;
  }, undefined);
}
