import * as path from 'path';
import { CargoInferenceError } from './cargo-inference-error';
import { isFile } from './fs-util';
import { TomlFields, parseToml, readTextFile } from './toml-file';
import { isNameToken } from '../validators';

/**
 * What a rustup toolchain file pins (internal; surfaced through `CargoWorkspaceFacts`).
 */
export interface RustToolchainInfo {
  /** "rust-toolchain.toml" or "rust-toolchain" */
  readonly file: string;
  /** the `channel`, e.g. "1.95", "stable", "nightly-2025-01-01" */
  readonly channel?: string;
  /** `targets` of the toml format */
  readonly targets: string[];
  /** `components` of the toml format */
  readonly components: string[];
}


/**
 * Reads the rustup toolchain file of `rootDir`, if any.
 *
 * Like rustup, when both `rust-toolchain` and `rust-toolchain.toml` exist the
 * legacy `rust-toolchain` wins. The legacy file may hold a bare channel name on
 * one line, or the toml format.
 */
export function readRustToolchain(rootDir: string): RustToolchainInfo | undefined {
  const legacy = path.join(rootDir, 'rust-toolchain');
  const modern = path.join(rootDir, 'rust-toolchain.toml');
  const file = isFile(legacy) ? 'rust-toolchain' : isFile(modern) ? 'rust-toolchain.toml' : undefined;
  if (!file) return undefined;

  const fix = `Fix or remove ${file}.`;
  const text = readTextFile(path.join(rootDir, file), file, fix);
  const trimmed = text.trim();

  if (file === 'rust-toolchain' && !trimmed.includes('\n') && !trimmed.includes('[') && !trimmed.includes('=')) {
    if (trimmed.length === 0) {
      throw new CargoInferenceError(`invalid ${file}: the file is empty. Write a channel such as "1.95" or "stable" in it, or remove it.`);
    }
    if (!isNameToken(trimmed)) {
      throw new CargoInferenceError(`invalid channel "${trimmed}" in ${file}. Use a toolchain name such as "1.95", "stable" or "nightly-2025-01-01".`);
    }
    return { file, channel: trimmed, targets: [], components: [] };
  }

  const doc = parseToml(text, file);
  const fields = new TomlFields(file);
  const toolchain = fields.table(doc, 'toolchain', 'toolchain');
  if (!toolchain) {
    throw new CargoInferenceError(`invalid ${file}: missing the [toolchain] table. Add a [toolchain] table with a channel, e.g. [toolchain] channel = "1.95".`);
  }
  const channel = fields.string(toolchain, 'channel', 'toolchain.channel');
  if (channel !== undefined && !isNameToken(channel)) {
    throw new CargoInferenceError(`invalid "toolchain.channel" in ${file}: "${channel}" is not a toolchain name. Use e.g. "1.95", "stable" or "nightly-2025-01-01".`);
  }
  const toolchainPath = fields.string(toolchain, 'path', 'toolchain.path');
  if (channel !== undefined && toolchainPath !== undefined) {
    throw new CargoInferenceError(`invalid ${file}: "toolchain.channel" and "toolchain.path" cannot both be set. Remove one of them.`);
  }
  const targets = fields.stringArray(toolchain, 'targets', 'toolchain.targets') ?? [];
  const components = fields.stringArray(toolchain, 'components', 'toolchain.components') ?? [];
  for (const [key, values] of [['targets', targets], ['components', components]] as const) {
    const bad = values.find(v => !isNameToken(v));
    if (bad !== undefined) {
      throw new CargoInferenceError(`invalid "toolchain.${key}" in ${file}: "${bad}" is not a valid name. Fix "toolchain.${key}" in ${file}.`);
    }
  }
  fields.string(toolchain, 'profile', 'toolchain.profile');
  return { file, channel, targets: [...targets], components: [...components] };
}
