import { MAIN_RS, catchCargoError, cleanupTempDirs, pkgToml, tempRepo } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';

afterAll(cleanupTempDirs);

function bins(dir: string): string[] {
  return CargoWorkspace.load(dir).facts.binaries.map(b => `${b.name}=${b.path}`);
}

describe('binary autodiscovery', () => {
  test('src/main.rs, src/bin/*.rs and src/bin/*/main.rs are binaries; dotfiles and non-.rs files are not', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app'),
      'src/main.rs': MAIN_RS,
      'src/bin/tool.rs': MAIN_RS,
      'src/bin/nested/main.rs': MAIN_RS,
      'src/bin/nested/helper.rs': '',
      'src/bin/empty-dir/README.md': '',
      'src/bin/.hidden.rs': MAIN_RS,
      'src/bin/notes.txt': '',
    });
    // WHEN / THEN
    expect(bins(dir)).toEqual(['app=src/main.rs', 'nested=src/bin/nested/main.rs', 'tool=src/bin/tool.rs']);
  });

  test('autobins = false disables autodiscovery, explicit [[bin]] still resolve their default path', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app', 'autobins = false\n\n[[bin]]\nname = "tool"\n'),
      'src/main.rs': MAIN_RS,
      'src/bin/tool.rs': MAIN_RS,
      'src/bin/other.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(bins(dir)).toEqual(['tool=src/bin/tool.rs']);
  });

  test('an explicit [[bin]] named like the package without path uses src/main.rs', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app', '\n[[bin]]\nname = "app"\nrequired-features = ["cli"]\n\n[features]\ncli = []\n'),
      'src/main.rs': MAIN_RS,
    });
    // WHEN
    const ws = CargoWorkspace.load(dir);
    // THEN
    expect(ws.facts.binaries).toEqual([{ name: 'app', packageName: 'app', path: 'src/main.rs', requiredFeatures: ['cli'] }]);
  });

  test('an explicit [[bin]] with a custom path outside src/bin is added next to the autodiscovered ones', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app', '\n[[bin]]\nname = "admin"\npath = "tools/admin.rs"\n'),
      'src/main.rs': MAIN_RS,
      'tools/admin.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(bins(dir)).toEqual(['admin=tools/admin.rs', 'app=src/main.rs']);
  });

  test('edition 2015 (no edition): declaring a [[bin]] turns autodiscovery off and the legacy path src/main.rs is used', () => {
    // GIVEN a package without edition (cargo defaults to 2015)
    const dir = tempRepo({
      'Cargo.toml': pkgToml('old', '\n[[bin]]\nname = "renamed"\n', ''),
      'src/main.rs': MAIN_RS,
      'src/bin/extra.rs': MAIN_RS,
    });
    // WHEN
    const ws = CargoWorkspace.load(dir);
    // THEN
    expect(ws.facts.binaries.map(b => `${b.name}=${b.path}`)).toEqual(['renamed=src/main.rs']);
    expect(ws.facts.packages[0].edition).toBeUndefined();
  });

  test('edition 2015 with autobins = true keeps autodiscovery', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('old', 'autobins = true\n\n[[bin]]\nname = "extra"\n', ''),
      'src/main.rs': MAIN_RS,
      'src/bin/extra.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(bins(dir)).toEqual(['extra=src/bin/extra.rs', 'old=src/main.rs']);
  });

  test('binary paths of members are relative to the workspace root', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': '[workspace]\nmembers = ["services/billing"]\n',
      'services/billing/Cargo.toml': pkgToml('billing', '\n[[bin]]\nname = "billing-api"\npath = "./src/../src/main.rs"\n'),
      'services/billing/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN the explicit path is normalized, and replaces the autodiscovered "billing"
    expect(bins(dir)).toEqual(['billing-api=services/billing/src/main.rs']);
  });
});

describe('library, other targets and build scripts', () => {
  test('src/lib.rs is an implicit library; [lib] name and path are honoured', () => {
    // GIVEN
    const implicit = tempRepo({ 'Cargo.toml': pkgToml('my-lib'), 'src/lib.rs': '' });
    const custom = tempRepo({ 'Cargo.toml': pkgToml('my-lib', '\n[lib]\nname = "core_api"\npath = "lib/core.rs"\n'), 'lib/core.rs': '' });
    // WHEN / THEN
    expect(CargoWorkspace.load(implicit).facts.packages[0].lib).toEqual({ kind: 'lib', name: 'my_lib', path: 'src/lib.rs', explicit: false });
    expect(CargoWorkspace.load(custom).facts.packages[0].lib).toEqual({ kind: 'lib', name: 'core_api', path: 'lib/core.rs', explicit: true });
  });

  test('explicit [[example]], [[test]] and [[bench]] are listed with their resolved paths; autodiscovered ones are not', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app', '\n[[example]]\nname = "demo"\n\n[[test]]\nname = "it"\npath = "integration/it.rs"\n\n[[bench]]\nname = "speed"\n'),
      'src/main.rs': MAIN_RS,
      'examples/demo/main.rs': MAIN_RS,
      'examples/auto.rs': MAIN_RS,
      'integration/it.rs': '',
      'benches/speed.rs': '',
      'tests/auto.rs': '',
    });
    // WHEN
    const pkg = CargoWorkspace.load(dir).facts.packages[0];
    // THEN
    expect(pkg.otherTargets).toEqual([
      { kind: 'example', name: 'demo', path: 'examples/demo/main.rs', explicit: true },
      { kind: 'test', name: 'it', path: 'integration/it.rs', explicit: true },
      { kind: 'bench', name: 'speed', path: 'benches/speed.rs', explicit: true },
    ]);
  });

  test('build.rs is autodetected, build = "path" is used, build = false disables it', () => {
    // GIVEN
    const auto = tempRepo({ 'Cargo.toml': pkgToml('a'), 'src/main.rs': MAIN_RS, 'build.rs': MAIN_RS });
    const custom = tempRepo({ 'Cargo.toml': pkgToml('b', 'build = "tools/gen.rs"\n'), 'src/main.rs': MAIN_RS, 'tools/gen.rs': MAIN_RS, 'build.rs': MAIN_RS });
    const disabled = tempRepo({ 'Cargo.toml': pkgToml('c', 'build = false\n'), 'src/main.rs': MAIN_RS, 'build.rs': MAIN_RS });
    const none = tempRepo({ 'Cargo.toml': pkgToml('d'), 'src/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(CargoWorkspace.load(auto).facts.buildScripts).toEqual(['build.rs']);
    expect(CargoWorkspace.load(custom).facts.buildScripts).toEqual(['tools/gen.rs']);
    expect(CargoWorkspace.load(disabled).facts.buildScripts).toEqual([]);
    expect(CargoWorkspace.load(none).facts.packages[0].buildScript).toBeUndefined();
  });

  test('features include implicit features of optional dependencies not referenced as dep:', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app', '\n[features]\nfast = ["dep:simd"]\n\n[dependencies]\nsimd = { version = "1", optional = true }\nserde = { version = "1", optional = true }\nlog = "0.4"\n'),
      'src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(CargoWorkspace.load(dir).facts.packages[0].features).toEqual(['fast', 'serde']);
  });
});

describe('target errors', () => {
  test('a package without any target is rejected like cargo does', () => {
    // GIVEN autobins = false and no library
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app', 'autobins = false\n'), 'src/main.rs': MAIN_RS });
    // WHEN
    const err = catchCargoError(() => CargoWorkspace.load(dir));
    // THEN
    expect(err.message).toMatch(/^no targets in package "app" \(Cargo\.toml\).*src\/main\.rs.*remove "autobins = false"/);
  });

  test('an explicit [[bin]] whose default file does not exist names the expected paths', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app', '\n[[bin]]\nname = "ghost"\n'), 'src/main.rs': MAIN_RS });
    // WHEN
    const err = catchCargoError(() => CargoWorkspace.load(dir));
    // THEN
    expect(err.message).toBe('can\'t find bin "ghost" of Cargo.toml at `src/bin/ghost.rs` or `src/bin/ghost/main.rs`. Create the file or set "path" in its [[bin]] section.');
  });

  test('a [[bin]] without name is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app', '\n[[bin]]\npath = "src/main.rs"\n'), 'src/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^missing "name" in the 1\. \[\[bin\]\] section of Cargo\.toml/);
  });

  test('a [lib] section without src/lib.rs is rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app', '\n[lib]\n'), 'src/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^can't find library "app" of package "app": src\/lib\.rs does not exist/);
  });

  test('two autodiscovered binaries with the same name are rejected', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app'), 'src/bin/x.rs': MAIN_RS, 'src/bin/x/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^duplicate binary name "x" in package "app".*src\/bin\/x\/main\.rs, src\/bin\/x\.rs/);
  });

  test('a wrongly typed field names the file and the key', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app', '\n[[bin]]\nname = "app"\nrequired-features = "cli"\n'), 'src/main.rs': MAIN_RS });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message)
      .toBe('invalid "bin[0].required-features" in Cargo.toml: expected an array of strings, got "cli". Fix "bin[0].required-features" in Cargo.toml.');
  });
});
