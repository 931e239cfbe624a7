import * as fs from 'fs';
import * as TOML from '@iarna/toml';
import * as fc from 'fast-check';
import { MAIN_RS, catchCargoError, cleanupTempDirs, tempRepo } from './cargo-test-util';
import { CargoWorkspace } from '../../src/cargo';
import { CargoInferenceError } from '../../src/cargo/cargo-inference-error';

afterAll(cleanupTempDirs);

// Any TOML value, including the wrong types for cargo's keys.
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('src/main.rs', 'main.rs', 'crates/*', 'crates/[z-a]', '', '../x', 'x'),
  fc.boolean(),
  fc.integer({ min: -2, max: 2 }),
  fc.constant({ workspace: true }),
  fc.constant({ workspace: false }),
  fc.array(fc.constantFrom('a', 'crates/*', 'src', '**'), { maxLength: 2 }),
  fc.array(fc.record({ name: fc.constantFrom('a', 'x'), path: fc.constantFrom('src/main.rs', 'nope.rs') }, { requiredKeys: [] }), { maxLength: 2 }),
  fc.constant({ path: 'crates/a', optional: true }),
);

const manifest = fc.record({
  package: fc.option(fc.record({
    'name': fc.oneof(fc.constant('app'), anyValue),
    'version': anyValue,
    'edition': fc.oneof(fc.constantFrom('2015', '2018', '2021', '2024'), anyValue),
    'rust-version': anyValue,
    'build': anyValue,
    'autobins': anyValue,
    'autolib': anyValue,
    'default-run': anyValue,
  }, { requiredKeys: [] }), { nil: undefined }),
  workspace: fc.option(fc.record({
    'members': anyValue,
    'exclude': anyValue,
    'default-members': anyValue,
    'package': fc.oneof(anyValue, fc.record({ version: anyValue, edition: anyValue }, { requiredKeys: [] })),
    'dependencies': fc.oneof(anyValue, fc.constant({ a: { path: 'crates/a' } })),
  }, { requiredKeys: [] }), { nil: undefined }),
  lib: fc.option(fc.oneof(anyValue, fc.record({ path: anyValue, name: anyValue }, { requiredKeys: [] })), { nil: undefined }),
  bin: fc.option(anyValue, { nil: undefined }),
  example: fc.option(anyValue, { nil: undefined }),
  features: fc.option(fc.oneof(anyValue, fc.record({ f: anyValue })), { nil: undefined }),
  dependencies: fc.option(fc.oneof(anyValue, fc.record({ a: anyValue })), { nil: undefined }),
}, { requiredKeys: [] });

test('arbitrary (often invalid) manifests either load or fail with a CargoInferenceError, never a raw error', () => {
  // GIVEN a repo with a few source files and a member crate
  const dir = tempRepo({
    'src/main.rs': MAIN_RS,
    'src/lib.rs': '',
    'crates/a/Cargo.toml': '[package]\nname = "a"\nversion.workspace = true\n',
    'crates/a/src/lib.rs': '',
  });
  fc.assert(fc.property(manifest, m => {
    // WHEN any manifest is loaded
    const cleaned = JSON.parse(JSON.stringify(m));
    fs.writeFileSync(`${dir}/Cargo.toml`, TOML.stringify(cleaned));
    try {
      const ws = CargoWorkspace.load(dir);
      ws.describe();
    } catch (e) {
      // THEN only CargoInferenceErrors with a one-line, lowercase or file-name first word message escape
      if (!(e instanceof CargoInferenceError)) throw e;
      expect(e.message).not.toContain('\n');
      expect(e.message).toMatch(/^["a-z.]/);
    }
  }), { numRuns: 300, seed: 42 });
});

test('arbitrary text in Cargo.toml fails with a CargoInferenceError naming the line', () => {
  // GIVEN
  const dir = tempRepo({ 'src/main.rs': MAIN_RS });
  fc.assert(fc.property(fc.string({ maxLength: 40 }), text => {
    fs.writeFileSync(`${dir}/Cargo.toml`, `[package]\nname = "app"\n${text}\n= broken\n`);
    // WHEN / THEN
    expect(catchCargoError(() => CargoWorkspace.load(dir)).message).toMatch(/^cannot parse Cargo\.toml \(line \d+, column \d+\)/);
  }), { numRuns: 100, seed: 7 });
});
