import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CargoInferenceError } from '../../src/cargo/cargo-inference-error';

/** Absolute path of a fixture repo under test/fixtures. */
export function fixture(name: string): string {
  return path.join(__dirname, '..', 'fixtures', name);
}

const created: string[] = [];

/**
 * Writes `files` (posix path relative to the new folder => content) into a
 * fresh temporary folder and returns its absolute path. Removed by {@link cleanupTempDirs}.
 */
export function tempRepo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cargo-inference-'));
  created.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return dir;
}

/** Removes the folders created by {@link tempRepo}. */
export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs `fn`, expecting a CargoInferenceError, and returns it. */
export function catchCargoError(fn: () => unknown): CargoInferenceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CargoInferenceError);
    expect((e as Error).name).toBe('CargoInferenceError');
    return e as CargoInferenceError;
  }
  throw new Error('expected a CargoInferenceError, but nothing was thrown');
}

/** A minimal `[package]` manifest. */
export function pkgToml(name: string, extra = '', edition = '2021'): string {
  return `[package]\nname = "${name}"\nversion = "0.1.0"\n${edition ? `edition = "${edition}"\n` : ''}${extra}`;
}

/** A trivial Rust program. */
export const MAIN_RS = 'fn main() {}\n';
