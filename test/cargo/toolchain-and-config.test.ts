import { MAIN_RS, catchCargoError, cleanupTempDirs, pkgToml, tempRepo } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';

afterAll(cleanupTempDirs);

function repo(extra: Record<string, string>): string {
  return tempRepo({ 'Cargo.toml': pkgToml('app'), 'src/main.rs': MAIN_RS, ...extra });
}

describe('rust toolchain file', () => {
  test('a legacy one-line rust-toolchain file gives the channel', () => {
    // GIVEN
    const dir = repo({ 'rust-toolchain': 'nightly-2025-01-01\n' });
    // WHEN
    const facts = CargoWorkspace.load(dir).facts;
    // THEN
    expect(facts.toolchainFile).toBe('rust-toolchain');
    expect(facts.toolchainChannel).toBe('nightly-2025-01-01');
    expect(facts.toolchainTargets).toEqual([]);
    expect(facts.toolchainComponents).toEqual([]);
  });

  test('a legacy rust-toolchain file in toml format is read like rust-toolchain.toml', () => {
    // GIVEN
    const dir = repo({ 'rust-toolchain': '[toolchain]\nchannel = "stable"\ntargets = ["aarch64-unknown-linux-musl"]\n' });
    // WHEN
    const facts = CargoWorkspace.load(dir).facts;
    // THEN
    expect(facts.toolchainChannel).toBe('stable');
    expect(facts.toolchainTargets).toEqual(['aarch64-unknown-linux-musl']);
  });

  test('when both files exist, rust-toolchain wins (rustup behaviour)', () => {
    // GIVEN
    const dir = repo({ 'rust-toolchain': '1.80.0', 'rust-toolchain.toml': '[toolchain]\nchannel = "1.95"\n' });
    // WHEN / THEN
    expect(CargoWorkspace.load(dir).facts.toolchainChannel).toBe('1.80.0');
  });

  test('a rust-toolchain.toml without channel is accepted (components only)', () => {
    // GIVEN
    const dir = repo({ 'rust-toolchain.toml': '[toolchain]\ncomponents = ["rust-src"]\n' });
    // WHEN
    const facts = CargoWorkspace.load(dir).facts;
    // THEN
    expect(facts.toolchainFile).toBe('rust-toolchain.toml');
    expect(facts.toolchainChannel).toBeUndefined();
    expect(facts.toolchainComponents).toEqual(['rust-src']);
  });

  test.each([
    ['unparsable TOML', '[toolchain]\nchannel = 1.95.0\n', /^cannot parse rust-toolchain\.toml \(line 2, column \d+\): .*rust-toolchain\.toml:2:\d+\.$/],
    ['no [toolchain] table', 'channel = "1.95"\n', /^invalid rust-toolchain\.toml: missing the \[toolchain\] table\./],
    ['a non-string channel', '[toolchain]\nchannel = 1\n', /^invalid "toolchain\.channel" in rust-toolchain\.toml: expected a string, got 1\./],
    ['a channel with spaces', '[toolchain]\nchannel = "1.95 stable"\n', /^invalid "toolchain\.channel" in rust-toolchain\.toml: "1\.95 stable" is not a toolchain name/],
    ['targets that are not a list', '[toolchain]\nchannel = "1.95"\ntargets = "x86_64-unknown-linux-musl"\n', /^invalid "toolchain\.targets" in rust-toolchain\.toml: expected an array of strings/],
    ['both channel and path', '[toolchain]\nchannel = "1.95"\npath = "/opt/rust"\n', /"toolchain\.channel" and "toolchain\.path" cannot both be set/],
  ])('an invalid rust-toolchain.toml (%s) is rejected', (_case, content, expected) => {
    // GIVEN
    const dir = repo({ 'rust-toolchain.toml': content });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(expected);
  });

  test('an empty legacy rust-toolchain file is rejected', () => {
    // GIVEN
    const dir = repo({ 'rust-toolchain': '\n' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^invalid rust-toolchain: the file is empty/);
  });
});

describe('cargo config and vendoring', () => {
  test('the legacy .cargo/config is found and wins over .cargo/config.toml (cargo behaviour)', () => {
    // GIVEN
    const legacyOnly = repo({ '.cargo/config': '[build]\njobs = 1\n' });
    const both = repo({ '.cargo/config': '', '.cargo/config.toml': '' });
    // WHEN / THEN
    expect(CargoWorkspace.load(legacyOnly).facts.cargoConfigFile).toBe('.cargo/config');
    expect(CargoWorkspace.load(both).facts.cargoConfigFile).toBe('.cargo/config');
  });

  test('only existing source directories inside the workspace are reported, sorted', () => {
    // GIVEN three directory sources: one missing, one outside the root, two existing
    const dir = repo({
      '.cargo/config.toml': [
        '[source.crates-io]', 'replace-with = "vendored"',
        '[source.vendored]', 'directory = "third_party/vendor"',
        '[source.extra]', 'directory = "./extra-vendor/"',
        '[source.missing]', 'directory = "nope"',
        '[source.outside]', 'directory = "../outside"',
        '[source.git-repo]', 'git = "https://example.com/x.git"',
      ].join('\n') + '\n',
      'third_party/vendor/x/Cargo.toml': '',
      'extra-vendor/.keep': '',
    });
    // WHEN / THEN
    expect(CargoWorkspace.load(dir).facts.vendorDirs).toEqual(['extra-vendor', 'third_party/vendor']);
  });

  test('an unparsable cargo config is reported with its path and line', () => {
    // GIVEN
    const dir = repo({ '.cargo/config.toml': '[source.vendored]\ndirectory = vendor\n' });
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^cannot parse \.cargo\/config\.toml \(line 2, column \d+\)/);
  });

  test('a lock file is reported only when present', () => {
    // GIVEN
    const without = repo({});
    const withLock = repo({ 'Cargo.lock': 'version = 4\n' });
    // WHEN / THEN
    expect(CargoWorkspace.load(without).facts.lockFile).toBeUndefined();
    expect(CargoWorkspace.load(withLock).facts.lockFile).toBe('Cargo.lock');
  });
});
