import * as path from 'path';
import type { CargoBinaryTarget, CargoPackageFacts, CargoTargetFile } from './cargo-facts';
import { CargoInferenceError } from './cargo-inference-error';
import { scanCompileInputs } from './compile-inputs';
import { compare, isDir, isFile, isOutside, listDir, relativePosix } from './fs-util';
import { TomlFields, TomlTable, isTable, showTomlValue } from './toml-file';

/**
 * Inputs to {@link readPackage} (internal).
 */
export interface PackageSource {
  /** absolute workspace root */
  readonly rootDir: string;
  /** package directory relative to the workspace root, posix, "." for the root */
  readonly dir: string;
  /** the parsed manifest */
  readonly manifest: TomlTable;
  /** the root manifest's `[workspace]` table, when the package belongs to a workspace */
  readonly workspace?: TomlTable;
}

/** A package plus the path dependencies cargo would consider for workspace membership (internal). */
export interface PackageReadResult {
  readonly facts: CargoPackageFacts;
  /** directories of path dependencies, relative to the workspace root, posix, normalized */
  readonly pathDependencies: string[];
  /** the path dependencies as declared (all tables, `{ workspace = true }` followed) */
  readonly pathDependencySpecs: PathDependencySpec[];
}

/** A `path = "..."` dependency (internal). */
export interface PathDependencySpec {
  /** the dependency's key */
  readonly dependency: string;
  /** the path as written */
  readonly path: string;
  /** absolute path of the dependency's folder */
  readonly abs: string;
}

/** A resolved target of one kind; `path` relative to the package dir (internal). */
interface ResolvedTarget {
  readonly name: string;
  readonly path: string;
  readonly explicit: boolean;
  readonly requiredFeatures: string[];
}

/** How each target kind is laid out on disk (cargo's conventions). */
interface TargetKind {
  /** manifest array name: "bin", "example", "test", "bench" */
  readonly section: string;
  /** package flag disabling autodiscovery */
  readonly autoKey: string;
  /** folder holding autodiscovered targets */
  readonly dir: string;
  /** word used in messages */
  readonly human: string;
}

const KINDS: Record<string, TargetKind> = {
  bin: { section: 'bin', autoKey: 'autobins', dir: 'src/bin', human: 'bin' },
  example: { section: 'example', autoKey: 'autoexamples', dir: 'examples', human: 'example' },
  test: { section: 'test', autoKey: 'autotests', dir: 'tests', human: 'test' },
  bench: { section: 'bench', autoKey: 'autobenches', dir: 'benches', human: 'bench' },
};

const DEPENDENCY_TABLES = ['dependencies', 'dev-dependencies', 'dev_dependencies', 'build-dependencies', 'build_dependencies'];

/**
 * Reads the facts of one package the way cargo interprets its manifest:
 * target autodiscovery, `[[bin]]`/`[lib]` paths, `build.rs`, and
 * `[workspace.package]` inheritance.
 */
export function readPackage(src: PackageSource): PackageReadResult {
  const manifestPath = src.dir === '.' ? 'Cargo.toml' : `${src.dir}/Cargo.toml`;
  const fields = new TomlFields(manifestPath);
  const pkg = fields.table(src.manifest, 'package', 'package');
  if (!pkg) {
    throw new CargoInferenceError(`no [package] table in ${manifestPath}. Add a [package] section with a name, or remove "${src.dir}" from the workspace members.`);
  }
  const name = fields.string(pkg, 'name', 'package.name');
  if (name === undefined || name.trim() === '') {
    throw new CargoInferenceError(`missing "package.name" in ${manifestPath}. Add name = "<crate name>" to its [package] section.`);
  }
  const inherit = (key: string): string | undefined => inheritable(fields, pkg, key, src.workspace);
  const version = inherit('version');
  const edition = inherit('edition');
  const rustVersion = inherit('rust-version');
  const defaultRun = fields.string(pkg, 'default-run', 'package.default-run');
  const effectiveEdition = edition ?? '2015';

  const pkgAbs = path.join(src.rootDir, src.dir);
  const toRoot = (p: string): string => path.isAbsolute(p)
    ? relativePosix(src.rootDir, p)
    : path.posix.normalize(path.posix.join(src.dir, p.split('\\').join('/')));

  // [lib]
  const libTable = fields.table(src.manifest, 'lib', 'lib');
  const autolib = fields.boolean(pkg, 'autolib', 'package.autolib');
  let lib: CargoTargetFile | undefined;
  const libName = (libTable && fields.string(libTable, 'name', 'lib.name')) ?? name.replace(/-/g, '_');
  if (libTable) {
    let libPath = fields.string(libTable, 'path', 'lib.path');
    if (libPath === undefined) {
      if (isFile(path.join(pkgAbs, 'src/lib.rs'))) {
        libPath = 'src/lib.rs';
      } else if (effectiveEdition === '2015' && isFile(path.join(pkgAbs, `src/${libName}.rs`))) {
        libPath = `src/${libName}.rs`;
      } else {
        throw new CargoInferenceError(`can't find library "${libName}" of package "${name}": ${src.dir === '.' ? '' : `${src.dir}/`}src/lib.rs does not exist. Create it or set "lib.path" in ${manifestPath}.`);
      }
    }
    lib = { kind: 'lib', name: libName, path: toRoot(libPath), explicit: true };
  } else if (autolib !== false && isFile(path.join(pkgAbs, 'src/lib.rs'))) {
    lib = { kind: 'lib', name: libName, path: toRoot('src/lib.rs'), explicit: false };
  }

  // binaries
  const inferredBins: Array<[string, string]> = [];
  if (isFile(path.join(pkgAbs, 'src/main.rs'))) inferredBins.push([name, 'src/main.rs']);
  inferredBins.push(...inferFromDirectory(pkgAbs, KINDS.bin.dir));
  const bins = resolveTargets({
    kind: KINDS.bin,
    fields,
    pkg,
    manifest: src.manifest,
    inferred: inferredBins,
    edition: effectiveEdition,
    packageName: name,
    legacyPath: n => legacyBinPath(pkgAbs, n, lib !== undefined),
  });
  assertUnique(bins, 'binary', name, manifestPath);
  const binaries: CargoBinaryTarget[] = bins
    .map(b => ({ name: b.name, packageName: name, path: toRoot(b.path), requiredFeatures: b.requiredFeatures }))
    .sort((a, b) => compare(a.name, b.name));

  // explicitly declared examples/tests/benches: their files must exist for cargo to load the manifest
  const otherTargets: CargoTargetFile[] = [];
  for (const kind of [KINDS.example, KINDS.test, KINDS.bench]) {
    const resolved = resolveTargets({
      kind,
      fields,
      pkg,
      manifest: src.manifest,
      inferred: inferFromDirectory(pkgAbs, kind.dir),
      edition: effectiveEdition,
      packageName: name,
      legacyPath: n => (isFile(path.join(pkgAbs, kind.dir, `${n}.rs`)) ? `${kind.dir}/${n}.rs` : undefined),
    });
    for (const t of resolved.filter(r => r.explicit)) {
      otherTargets.push({ kind: kind.section, name: t.name, path: toRoot(t.path), explicit: true });
    }
  }

  if (bins.length === 0 && !lib) {
    throw new CargoInferenceError(`no targets in package "${name}" (${manifestPath}): cargo needs src/lib.rs, src/main.rs, a [lib] section or a [[bin]] section. Add one of them${fields.boolean(pkg, 'autobins', 'package.autobins') === false ? ' or remove "autobins = false"' : ''}.`);
  }

  // build script
  let buildScript: string | undefined;
  const build = pkg.build;
  if (build === undefined || build === true) {
    if (build === true || isFile(path.join(pkgAbs, 'build.rs'))) buildScript = toRoot('build.rs');
  } else if (typeof build === 'string') {
    buildScript = toRoot(build);
  } else if (build !== false) {
    throw fields.invalid('package.build', build, 'a path string or false');
  }

  const wsDeps = src.workspace && isTable(src.workspace.dependencies) ? src.workspace.dependencies : {};
  const specs = pathDependencySpecs(fields, src.manifest, pkgAbs, src.rootDir, wsDeps);
  const inputs = scanCompileInputs({
    rootDir: src.rootDir,
    dir: src.dir,
    manifest: src.manifest,
    fields,
    manifestPath,
    targetFiles: [...(lib ? [lib.path] : []), ...binaries.map(b => b.path)],
    otherFiles: otherTargets.map(t => t.path),
    buildScript,
    dependencyNames: dependencyNames(fields, src.manifest, wsDeps),
  });

  const pathDependencies = [...new Set(specs.map(d => relativePosix(src.rootDir, d.abs)))].sort(compare);
  return {
    facts: {
      name,
      version,
      dir: src.dir,
      manifestPath,
      binaries,
      lib,
      otherTargets,
      buildScript,
      rustVersion,
      edition,
      defaultRun,
      features: featureNames(fields, src.manifest),
      compileInputs: inputs.compileInputs,
      unresolvedInputs: inputs.unresolvedInputs,
      missingBuildData: inputs.missingBuildData,
      pathDependencies: pathDependencies.filter(d => !isOutside(d)),
    },
    pathDependencies,
    pathDependencySpecs: specs,
  };
}

/** Resolves `package.<key>`, following `<key>.workspace = true` into `[workspace.package]`. */
function inheritable(fields: TomlFields, pkg: TomlTable, key: string, workspace: TomlTable | undefined): string | undefined {
  const value = pkg[key];
  if (isTable(value)) {
    if (value.workspace !== true) throw fields.invalid(`package.${key}`, value, 'a string or { workspace = true }');
    if (!workspace) {
      throw new CargoInferenceError(`"package.${key}" in ${fields.file} inherits from a workspace, but the Cargo.toml read as the root has no [workspace] table (the package is probably a member of a workspace further up). Set the "cargoDir" option to the folder of the workspace root Cargo.toml.`);
    }
    const wsPackage = workspace && isTable(workspace.package) ? workspace.package : undefined;
    const inherited = wsPackage?.[key];
    if (inherited === undefined) {
      throw new CargoInferenceError(`"package.${key}" in ${fields.file} inherits from the workspace, but the root Cargo.toml has no "workspace.package.${key}". Add ${key} to [workspace.package] in the root Cargo.toml or set it in ${fields.file}.`);
    }
    if (typeof inherited !== 'string') {
      throw new CargoInferenceError(`invalid "workspace.package.${key}" in Cargo.toml: expected a string, got ${showTomlValue(inherited)}. Fix it in the root Cargo.toml.`);
    }
    return inherited;
  }
  return fields.string(pkg, key, `package.${key}`);
}

/** cargo's `infer_from_directory`: `<dir>/<name>.rs` and `<dir>/<name>/main.rs`, dotfiles skipped. */
function inferFromDirectory(pkgAbs: string, dir: string): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (const entry of listDir(path.join(pkgAbs, dir))) {
    if (entry.startsWith('.')) continue;
    const abs = path.join(pkgAbs, dir, entry);
    if (entry.endsWith('.rs') && isFile(abs)) {
      result.push([entry.slice(0, -'.rs'.length), `${dir}/${entry}`]);
    } else if (isDir(abs) && isFile(path.join(abs, 'main.rs'))) {
      result.push([entry, `${dir}/${entry}/main.rs`]);
    }
  }
  return result;
}

/** cargo's `legacy_bin_path` (edition 2015 only). */
function legacyBinPath(pkgAbs: string, name: string, hasLib: boolean): string | undefined {
  const candidates = [...(hasLib ? [] : [`src/${name}.rs`]), 'src/main.rs', 'src/bin/main.rs'];
  return candidates.find(c => isFile(path.join(pkgAbs, c)));
}

interface ResolveOptions {
  readonly kind: TargetKind;
  readonly fields: TomlFields;
  readonly pkg: TomlTable;
  readonly manifest: TomlTable;
  readonly inferred: Array<[string, string]>;
  readonly edition: string;
  readonly packageName: string;
  readonly legacyPath: (name: string) => string | undefined;
}

/** cargo's `toml_targets_and_inferred` + `target_path`. */
function resolveTargets(o: ResolveOptions): ResolvedTarget[] {
  const { kind, fields } = o;
  const autodiscover = fields.boolean(o.pkg, kind.autoKey, `package.${kind.autoKey}`);
  const declared = fields.tableArray(o.manifest, kind.section, kind.section);
  const inferred: ResolvedTarget[] = o.inferred.map(([name, p]) => ({ name, path: p, explicit: false, requiredFeatures: [] }));
  if (declared === undefined) {
    return autodiscover === false ? [] : inferred;
  }

  const explicit: Array<ResolvedTarget & { readonly hasPath: boolean }> = declared.map((t, i) => {
    const key = `${kind.section}[${i}]`;
    const name = fields.string(t, 'name', `${key}.name`);
    if (name === undefined || name === '') {
      throw new CargoInferenceError(`missing "name" in the ${i + 1}. [[${kind.section}]] section of ${fields.file}. Add name = "<${kind.human} name>" to it.`);
    }
    const requiredFeatures = fields.stringArray(t, 'required-features', `${key}.required-features`) ?? [];
    const explicitPath = fields.string(t, 'path', `${key}.path`);
    const resolvedPath = explicitPath ?? targetPath(o, name);
    return { name, path: resolvedPath, explicit: true, requiredFeatures: [...requiredFeatures], hasPath: explicitPath !== undefined };
  });

  const seenNames = new Set(explicit.map(t => t.name));
  const seenPaths = new Set(explicit.filter(t => t.hasPath).map(t => path.posix.normalize(t.path)));
  const remaining = inferred.filter(t => !seenNames.has(t.name) && !seenPaths.has(path.posix.normalize(t.path)));
  // edition 2015: declaring any target of a kind turns autodiscovery of that kind off
  const discover = autodiscover ?? o.edition !== '2015';
  const result = explicit.map(({ name, path: p, requiredFeatures }) => ({ name, path: p, explicit: true, requiredFeatures }));
  return discover ? [...result, ...remaining] : result;
}

/** Default path of an explicit target without `path` (cargo's `target_path`). */
function targetPath(o: ResolveOptions, name: string): string {
  const matching = o.inferred.filter(([n]) => n === name).map(([, p]) => p);
  if (matching.length === 1) return matching[0];
  if (matching.length > 1) {
    throw new CargoInferenceError(`cannot infer the path of ${o.kind.human} "${name}" in ${o.fields.file}: several files match (${matching.join(', ')}). Set "path" in its [[${o.kind.section}]] section.`);
  }
  if (o.edition === '2015') {
    const legacy = o.legacyPath(name);
    if (legacy) return legacy;
  }
  const expected = o.kind.section === 'bin' && name === o.packageName
    ? '`src/main.rs`'
    : `\`${o.kind.dir}/${name}.rs\` or \`${o.kind.dir}/${name}/main.rs\``;
  throw new CargoInferenceError(`can't find ${o.kind.human} "${name}" of ${o.fields.file} at ${expected}. Create the file or set "path" in its [[${o.kind.section}]] section.`);
}

function assertUnique(targets: ResolvedTarget[], what: string, pkgName: string, file: string): void {
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t.name)) {
      const paths = targets.filter(x => x.name === t.name).map(x => x.path).join(', ');
      throw new CargoInferenceError(`duplicate ${what} name "${t.name}" in package "${pkgName}" (${file}): ${paths}. Rename one of them or set a distinct "name" in its [[bin]] section.`);
    }
    seen.add(t.name);
  }
}

/** Declared `[features]` plus the implicit features of optional dependencies not referenced as `dep:<name>`. */
function featureNames(fields: TomlFields, manifest: TomlTable): string[] {
  const features = fields.table(manifest, 'features', 'features') ?? {};
  const names = new Set(Object.keys(features));
  const depRefs = new Set<string>();
  for (const [feature, values] of Object.entries(features)) {
    if (!Array.isArray(values) || values.some(v => typeof v !== 'string')) throw fields.invalid(`features.${feature}`, values, 'an array of strings');
    for (const v of values as string[]) if (v.startsWith('dep:')) depRefs.add(v.slice(4));
  }
  for (const table of dependencyTables(fields, manifest, false)) {
    for (const [dep, spec] of Object.entries(table)) {
      if (isTable(spec) && spec.optional === true && !depRefs.has(dep)) names.add(dep);
    }
  }
  return [...names].sort(compare);
}

/** `[dependencies]`-like tables, including `[target.<cfg>.*]`; dev-dependencies only when asked. */
function dependencyTables(fields: TomlFields, manifest: TomlTable, includeDevAndBuild: boolean): TomlTable[] {
  const keys = includeDevAndBuild ? DEPENDENCY_TABLES : ['dependencies'];
  const tables: TomlTable[] = [];
  const collect = (owner: TomlTable, prefix: string) => {
    for (const key of keys) {
      const t = fields.table(owner, key, `${prefix}${key}`);
      if (t) tables.push(t);
    }
  };
  collect(manifest, '');
  const targets = fields.table(manifest, 'target', 'target') ?? {};
  for (const [cfg, t] of Object.entries(targets)) {
    if (isTable(t)) collect(t, `target.${cfg}.`);
  }
  return tables;
}

/**
 * The `path` dependencies of a manifest (all dependency tables, `[target.*]`
 * ones too), following `{ workspace = true }` into `wsDeps` (paths there are
 * relative to `rootDir`).
 */
export function pathDependencySpecs(
  fields: TomlFields, manifest: TomlTable, pkgAbs: string, rootDir: string, wsDeps: TomlTable,
): PathDependencySpec[] {
  const specs: PathDependencySpec[] = [];
  for (const table of dependencyTables(fields, manifest, true)) {
    for (const [dep, spec] of Object.entries(table)) {
      if (!isTable(spec)) continue;
      if (typeof spec.path === 'string') {
        specs.push({ dependency: dep, path: spec.path, abs: path.resolve(pkgAbs, spec.path) });
      } else if (spec.workspace === true) {
        const wsSpec = wsDeps[dep];
        if (isTable(wsSpec) && typeof wsSpec.path === 'string') specs.push({ dependency: dep, path: wsSpec.path, abs: path.resolve(rootDir, wsSpec.path) });
      }
    }
  }
  return specs;
}

/** Names of the packages a manifest depends on, in any table (`package = "..."` renames and `{ workspace = true }` followed). */
function dependencyNames(fields: TomlFields, manifest: TomlTable, wsDeps: TomlTable): string[] {
  const names = new Set<string>();
  for (const table of dependencyTables(fields, manifest, true)) {
    for (const [dep, spec] of Object.entries(table)) {
      const wsSpec = isTable(spec) && spec.workspace === true ? wsDeps[dep] : undefined;
      const renamed = [spec, wsSpec].map(s => (isTable(s) && typeof s.package === 'string' ? s.package : undefined)).find(x => x !== undefined);
      names.add(renamed ?? dep);
    }
  }
  return [...names].sort(compare);
}
