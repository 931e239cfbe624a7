import { fixture } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';

describe('single-crate fixture', () => {
  // GIVEN a single package "hello" with src/main.rs, Cargo.lock and rust-version 1.75
  // WHEN it is loaded
  const ws = CargoWorkspace.load(fixture('single-crate'));

  test('is a single package with one autodiscovered binary named after the package', () => {
    // THEN
    expect(ws.facts.isWorkspace).toBe(false);
    expect(ws.facts.rootPackage).toBe('hello');
    expect(ws.facts.binaries).toEqual([{ name: 'hello', packageName: 'hello', path: 'src/main.rs', requiredFeatures: [] }]);
  });

  test('reports the package facts relative to the root', () => {
    // THEN
    expect(ws.facts.packages).toEqual([{
      name: 'hello',
      version: '0.1.0',
      dir: '.',
      manifestPath: 'Cargo.toml',
      binaries: ws.facts.binaries,
      lib: undefined,
      otherTargets: [],
      buildScript: undefined,
      rustVersion: '1.75',
      edition: '2021',
      defaultRun: undefined,
      features: [],
      compileInputs: [],
      unresolvedInputs: [],
      missingBuildData: [],
      pathDependencies: [],
    }]);
  });

  test('finds the lock file and the rust-version, and no toolchain or cargo config', () => {
    // THEN
    expect(ws.facts.rootDir).toBe(fixture('single-crate'));
    expect(ws.facts.lockFile).toBe('Cargo.lock');
    expect(ws.facts.rustVersion).toBe('1.75');
    expect(ws.facts.toolchainFile).toBeUndefined();
    expect(ws.facts.toolchainChannel).toBeUndefined();
    expect(ws.facts.toolchainTargets).toEqual([]);
    expect(ws.facts.cargoConfigFile).toBeUndefined();
    expect(ws.facts.vendorDirs).toEqual([]);
    expect(ws.facts.buildScripts).toEqual([]);
    expect(ws.facts.defaultMembers).toEqual([]);
  });

  test('binary() returns the binary by name', () => {
    // WHEN / THEN
    expect(ws.binary('hello').path).toBe('src/main.rs');
  });
});

describe('renamed-bin fixture', () => {
  // GIVEN package "svc-core" with [[bin]] name = "svc", path = "src/main.rs" and a [lib]
  const ws = CargoWorkspace.load(fixture('renamed-bin'));

  test('the explicit [[bin]] replaces the autodiscovered src/main.rs binary (same path)', () => {
    // THEN only "svc" exists, not "svc-core"
    expect(ws.facts.binaries).toEqual([{ name: 'svc', packageName: 'svc-core', path: 'src/main.rs', requiredFeatures: [] }]);
  });

  test('the explicit [lib] is named after the package with underscores', () => {
    // THEN
    expect(ws.facts.packages[0].lib).toEqual({ kind: 'lib', name: 'svc_core', path: 'src/lib.rs', explicit: true });
  });
});

describe('multi-bin fixture', () => {
  // GIVEN src/main.rs, src/bin/a.rs (re-declared as [[bin]] a with required-features), src/bin/b/main.rs and default-run
  const ws = CargoWorkspace.load(fixture('multi-bin'));

  test('discovers all three binaries, sorted by name', () => {
    // THEN
    expect(ws.facts.binaries.map(b => [b.name, b.path])).toEqual([
      ['a', 'src/bin/a.rs'],
      ['b', 'src/bin/b/main.rs'],
      ['multi', 'src/main.rs'],
    ]);
  });

  test('an explicit [[bin]] without path takes the autodiscovered file and keeps its required-features', () => {
    // THEN
    expect(ws.binary('a').requiredFeatures).toEqual(['extra']);
    expect(ws.binary('b').requiredFeatures).toEqual([]);
  });

  test('reports default-run and the declared features', () => {
    // THEN
    expect(ws.facts.packages[0].defaultRun).toBe('multi');
    expect(ws.facts.packages[0].features).toEqual(['default', 'extra']);
  });
});

describe('glob-workspace fixture', () => {
  // GIVEN a virtual manifest with members = ["crates/*"], exclude = ["crates/experimental"] and default-members
  const ws = CargoWorkspace.load(fixture('glob-workspace'));

  test('is a virtual workspace', () => {
    // THEN
    expect(ws.facts.isWorkspace).toBe(true);
    expect(ws.facts.rootPackage).toBeUndefined();
  });

  test('expands the glob, honours exclude and sorts members by dir', () => {
    // THEN experimental is left out even though it has a Cargo.toml
    expect(ws.facts.packages.map(p => [p.name, p.dir, p.manifestPath])).toEqual([
      ['api', 'crates/api', 'crates/api/Cargo.toml'],
      ['common', 'crates/common', 'crates/common/Cargo.toml'],
      ['worker', 'crates/worker', 'crates/worker/Cargo.toml'],
    ]);
  });

  test('lists binaries of all members with paths relative to the workspace root', () => {
    // THEN
    expect(ws.facts.binaries).toEqual([
      { name: 'api', packageName: 'api', path: 'crates/api/src/main.rs', requiredFeatures: [] },
      { name: 'worker', packageName: 'worker', path: 'crates/worker/src/main.rs', requiredFeatures: [] },
    ]);
  });

  test('resolves default-members to package names', () => {
    // THEN
    expect(ws.facts.defaultMembers).toEqual(['api', 'worker']);
  });

  test('detects the build script of worker and the library of common', () => {
    // THEN
    expect(ws.packageByName('worker').buildScript).toBe('crates/worker/build.rs');
    expect(ws.facts.buildScripts).toEqual(['crates/worker/build.rs']);
    expect(ws.packageByName('common').lib).toEqual({ kind: 'lib', name: 'common', path: 'crates/common/src/lib.rs', explicit: false });
    expect(ws.packageByName('common').binaries).toEqual([]);
  });

  test('finds the workspace lock file', () => {
    // THEN
    expect(ws.facts.lockFile).toBe('Cargo.lock');
  });
});

describe('toolchain-file fixture', () => {
  // GIVEN rust-toolchain.toml with channel "1.95", targets and components, and .cargo/config.toml
  const ws = CargoWorkspace.load(fixture('toolchain-file'));

  test('reads channel, targets and components', () => {
    // THEN
    expect(ws.facts.toolchainFile).toBe('rust-toolchain.toml');
    expect(ws.facts.toolchainChannel).toBe('1.95');
    expect(ws.facts.toolchainTargets).toEqual(['x86_64-unknown-linux-gnu']);
    expect(ws.facts.toolchainComponents).toEqual(['clippy', 'rustfmt']);
  });

  test('finds the cargo config without vendored sources', () => {
    // THEN
    expect(ws.facts.cargoConfigFile).toBe('.cargo/config.toml');
    expect(ws.facts.vendorDirs).toEqual([]);
  });
});

describe('workspace-inheritance fixture', () => {
  // GIVEN a root that is both package and workspace, with [workspace.package] version/edition/rust-version
  const ws = CargoWorkspace.load(fixture('workspace-inheritance'));

  test('the root package and the member inherit version, edition and rust-version', () => {
    // THEN
    expect(ws.facts.packages.map(p => [p.name, p.dir, p.version, p.edition, p.rustVersion])).toEqual([
      ['inherit-root', '.', '2.3.4', '2021', '1.80'],
      ['member', 'crates/member', '2.3.4', '2021', '1.80'],
    ]);
  });

  test('reports the root package, the workspace rust-version and all binaries in package order', () => {
    // THEN
    expect(ws.facts.isWorkspace).toBe(true);
    expect(ws.facts.rootPackage).toBe('inherit-root');
    expect(ws.facts.rustVersion).toBe('1.80');
    expect(ws.facts.binaries.map(b => `${b.packageName}:${b.name}:${b.path}`)).toEqual([
      'inherit-root:inherit-root:src/main.rs',
      'member:member-cli:crates/member/src/bin/member-cli.rs',
    ]);
  });
});

describe('vendored fixture', () => {
  // GIVEN .cargo/config.toml with [source.vendored-sources] directory = "vendor" and a vendor/ folder
  const ws = CargoWorkspace.load(fixture('vendored'));

  test('reports the vendor directory', () => {
    // THEN
    expect(ws.facts.cargoConfigFile).toBe('.cargo/config.toml');
    expect(ws.facts.vendorDirs).toEqual(['vendor']);
  });

  test('does not treat the vendored crate as a package', () => {
    // THEN
    expect(ws.facts.packages.map(p => p.name)).toEqual(['vendored-app']);
  });
});
