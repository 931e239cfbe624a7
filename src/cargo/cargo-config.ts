import * as path from 'path';
import { isDir, isFile, isOutside, relativePosix } from './fs-util';
import { TomlFields, isTable, readTomlFile } from './toml-file';

/**
 * The parts of the workspace's `.cargo/config(.toml)` that matter for inference
 * (internal; surfaced through `CargoWorkspaceFacts`).
 */
export interface CargoConfigInfo {
  /** ".cargo/config.toml" or ".cargo/config" */
  readonly file: string;
  /** existing `[source.*] directory = "..."` folders, relative to the workspace root, sorted */
  readonly vendorDirs: string[];
}

/**
 * Reads `.cargo/config.toml` (or the legacy `.cargo/config`) in `rootDir`.
 *
 * Like cargo, when both exist the extension-less `.cargo/config` is used.
 * Source `directory` paths are relative to the folder holding `.cargo/`
 * (the workspace root); directories outside the workspace root or missing
 * on disk are left out.
 */
export function readCargoConfig(rootDir: string): CargoConfigInfo | undefined {
  const file = ['.cargo/config', '.cargo/config.toml'].find(f => isFile(path.join(rootDir, f)));
  if (!file) return undefined;
  const doc = readTomlFile(path.join(rootDir, file), file, `Fix or remove ${file}.`);
  const fields = new TomlFields(file);
  const sources = fields.table(doc, 'source', 'source') ?? {};
  const vendorDirs = new Set<string>();
  for (const [name, source] of Object.entries(sources)) {
    if (!isTable(source)) throw fields.invalid(`source.${name}`, source, 'a table');
    const directory = fields.string(source, 'directory', `source.${name}.directory`);
    if (directory === undefined) continue;
    const abs = path.resolve(rootDir, directory);
    const rel = relativePosix(rootDir, abs);
    if (rel === '.' || isOutside(rel)) continue;
    if (isDir(abs)) vendorDirs.add(rel);
  }
  return { file, vendorDirs: [...vendorDirs].sort() };
}
