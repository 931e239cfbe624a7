import * as path from 'path';
import { MAIN_RS, catchCargoError, cleanupTempDirs, fixture, pkgToml, tempRepo } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';

afterAll(cleanupTempDirs);

describe('CargoWorkspace.load', () => {
  test('accepts a relative directory and a path to the Cargo.toml itself', () => {
    // GIVEN a path relative to the current directory, and the manifest path
    const relative = path.relative(process.cwd(), fixture('single-crate'));
    // WHEN
    const fromRelative = CargoWorkspace.load(relative);
    const fromManifest = CargoWorkspace.load(path.join(fixture('single-crate'), 'Cargo.toml'));
    // THEN both resolve to the absolute root folder
    expect(fromRelative.facts.rootDir).toBe(fixture('single-crate'));
    expect(fromManifest.facts.rootDir).toBe(fixture('single-crate'));
  });

  test('a folder without Cargo.toml is rejected with the cargoDir fix', () => {
    // GIVEN
    const dir = tempRepo({ 'README.md': '' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message)
      .toBe(`cannot read Cargo.toml in "${dir}": no such file. Set the "cargoDir" option to the folder that holds your Cargo.toml.`);
  });

  test('a folder that does not exist is rejected', () => {
    // GIVEN
    const dir = path.join(tempRepo({}), 'nowhere');
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message)
      .toBe(`cannot read Cargo.toml in "${dir}": no such directory. Set the "cargoDir" option to the folder that holds your Cargo.toml.`);
  });

  test('an unparsable root Cargo.toml is reported with the 1-based line number, without a TOML stack', () => {
    // GIVEN an error on line 3
    const dir = tempRepo({ 'Cargo.toml': '[package]\nname = "x"\nversion = 1.2.3\n', 'src/main.rs': MAIN_RS });
    // WHEN
    const err = catchCargoError(() => CargoWorkspace.load(dir));
    // THEN
    expect(err.message).toBe('cannot parse Cargo.toml (line 3, column 14): unexpected character, expected only whitespace or comments till end of line. Fix the TOML syntax at Cargo.toml:3:14.');
    expect(err.message).not.toContain('\n');
  });

  test('an unparsable member Cargo.toml is reported with its relative path and line number', () => {
    // GIVEN a duplicate table on line 7 of a member manifest
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'crates/api/Cargo.toml': pkgToml('api', '\n[dependencies]\n[dependencies]\n'),
      'crates/api/src/main.rs': MAIN_RS,
    });
    // WHEN
    const err = catchCargoError(() => CargoWorkspace.load(dir));
    // THEN
    expect(err.message).toMatch(/^cannot parse crates\/api\/Cargo\.toml \(line 7, column \d+\): can't redefine existing key\. Fix the TOML syntax at crates\/api\/Cargo\.toml:7:\d+\.$/);
    expect(err.message).not.toContain(dir);
  });

  test('TOML 1.1 syntax accepted by cargo (multi-line inline tables, trailing commas, BOM) is read', () => {
    // GIVEN a manifest with a byte order mark and a multi-line inline table with a comment and a trailing comma
    const dir = tempRepo({
      'Cargo.toml': '\uFEFF' + pkgToml('modern', '\n[[bin]]\nname = "srv"\npath = "src/main.rs"\nrequired-features = ["a"]\n\n[lints.rust]\nunsafe_code = { level = "forbid", # no unsafe\n  priority = 0, }\n\n[features]\na = []\n'),
      'src/main.rs': MAIN_RS,
    });
    // WHEN
    const ws = CargoWorkspace.load(dir);
    // THEN
    expect(ws.facts.binaries).toEqual([{ name: 'srv', packageName: 'modern', path: 'src/main.rs', requiredFeatures: ['a'] }]);
  });

  test('line numbers after a multi-line inline table stay right in syntax errors', () => {
    // GIVEN a multi-line inline table on lines 7-8 and a syntax error on line 9
    const dir = tempRepo({ 'Cargo.toml': pkgToml('x', '\n[lints.rust]\nunsafe_code = { level = "forbid",\n  priority = 0 }\nbroken = \n'), 'src/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^cannot parse Cargo\.toml \(line 9, column \d+\)/);
  });

  test('a manifest with neither [package] nor [workspace] is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': '[dependencies]\n' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^no \[package\] or \[workspace\] table in the Cargo\.toml in ".*"\. Add one, or set the "cargoDir" option/);
  });

  test('a package without name is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': '[package]\nversion = "0.1.0"\n', 'src/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toBe('missing "package.name" in Cargo.toml. Add name = "<crate name>" to its [package] section.');
  });

  test('a Cargo.toml that is a directory is reported as a CargoInferenceError', () => {
    // GIVEN a member whose "Cargo.toml" is a folder
    const dir = tempRepo({ 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml/x': '' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^workspace member "a" .*a\/Cargo\.toml does not exist/);
  });
});

describe('binary lookup', () => {
  test('an unknown binary lists the available ones', () => {
    // GIVEN
    const ws = CargoWorkspace.load(fixture('glob-workspace'));
    // WHEN
    const err = catchCargoError(() => ws.binary('apii'));
    // THEN
    expect(err.message).toBe('unknown binary "apii" in the Cargo workspace. Available binaries: api, worker. Set the "binary" option to one of them.');
  });

  test('available binaries whose name differs from their package mention the package', () => {
    // GIVEN
    const ws = CargoWorkspace.load(fixture('renamed-bin'));
    // WHEN / THEN
    expect(catchCargoError(() => ws.binary('svc-core')).message)
      .toBe('unknown binary "svc-core" in package "svc-core". Available binaries: svc (package svc-core). Set the "binary" option to one of them.');
  });

  test('a workspace without binaries loads, but binary() and requireBinaries() explain that there are none', () => {
    // GIVEN a library-only package
    const ws = CargoWorkspace.load(tempRepo({ 'Cargo.toml': pkgToml('only-lib'), 'src/lib.rs': '' }));
    // WHEN / THEN
    expect(ws.facts.binaries).toEqual([]);
    expect(catchCargoError(() => ws.requireBinaries()).message)
      .toBe('no binary targets in package "only-lib" (packages: "only-lib"). Add a src/main.rs or a [[bin]] section to a package, or point the "cargoDir" option at a crate that builds a binary.');
    expect(catchCargoError(() => ws.binary('only-lib')).message).toMatch(/^unknown binary "only-lib": no binary targets in package "only-lib"/);
  });

  test('requireBinaries() returns a copy of all binaries', () => {
    // GIVEN
    const ws = CargoWorkspace.load(fixture('multi-bin'));
    // WHEN
    const bins = ws.requireBinaries();
    bins.pop();
    // THEN
    expect(ws.requireBinaries().map(b => b.name)).toEqual(['a', 'b', 'multi']);
  });

  test('a binary name defined by two packages is ambiguous', () => {
    // GIVEN
    const ws = CargoWorkspace.load(tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n',
      'a/Cargo.toml': pkgToml('a', '\n[[bin]]\nname = "server"\npath = "src/main.rs"\n'),
      'a/src/main.rs': MAIN_RS,
      'b/Cargo.toml': pkgToml('b', '\n[[bin]]\nname = "server"\npath = "src/main.rs"\n'),
      'b/src/main.rs': MAIN_RS,
    }));
    // WHEN / THEN
    expect(catchCargoError(() => ws.binary('server')).message)
      .toBe('binary "server" is ambiguous: packages "a" (a/src/main.rs) and "b" (b/src/main.rs) both define it. Rename one of them with a [[bin]] name.');
  });

  test('packageByName() finds members and lists them when unknown', () => {
    // GIVEN
    const ws = CargoWorkspace.load(fixture('glob-workspace'));
    // WHEN / THEN
    expect(ws.packageByName('common').dir).toBe('crates/common');
    expect(catchCargoError(() => ws.packageByName('experimental')).message)
      .toBe('unknown package "experimental" in the Cargo workspace. Workspace members: api, common, worker.');
  });
});

describe('describe()', () => {
  test('summarizes a virtual workspace deterministically', () => {
    // GIVEN
    const ws = CargoWorkspace.load(fixture('glob-workspace'));
    // WHEN / THEN
    expect(ws.describe()).toEqual([
      'cargo: Cargo.toml is a virtual workspace, 3 packages',
      '  package api 0.1.0 in crates/api: edition 2021; bin api (crates/api/src/main.rs)',
      '  package common 0.1.0 in crates/common: edition 2021; lib common (crates/common/src/lib.rs)',
      '  package worker 0.1.0 in crates/worker: edition 2021; bin worker (crates/worker/src/main.rs); build script crates/worker/build.rs',
      'binaries: api, worker',
      'default members: api, worker',
      'lock file: Cargo.lock',
      'toolchain: none (no rust-toolchain.toml)',
      'rust-version: not set',
      'cargo config: none',
    ]);
  });

  test('summarizes toolchain, features and vendoring, without absolute paths', () => {
    // GIVEN
    const toolchain = CargoWorkspace.load(fixture('toolchain-file')).describe();
    const multi = CargoWorkspace.load(fixture('multi-bin')).describe();
    const vendored = CargoWorkspace.load(fixture('vendored')).describe();
    const inherit = CargoWorkspace.load(fixture('workspace-inheritance')).describe();
    // THEN
    expect(toolchain).toContain('toolchain: rust-toolchain.toml (channel 1.95; targets x86_64-unknown-linux-gnu; components clippy, rustfmt)');
    expect(multi).toContain('  package multi 0.3.0 in .: edition 2021; bin a (src/bin/a.rs, requires features extra); bin b (src/bin/b/main.rs); bin multi (src/main.rs); default-run multi');
    expect(vendored).toContain('cargo config: .cargo/config.toml (vendored sources: vendor)');
    expect(inherit[0]).toBe('cargo: Cargo.toml is a workspace with root package "inherit-root", 2 packages');
    expect(inherit).toContain('default members: none given (cargo builds the root package inherit-root)');
    for (const line of [...toolchain, ...multi, ...vendored, ...inherit]) {
      expect(line).not.toContain(fixture(''));
    }
  });
});
