import * as path from 'path';
import { isFile } from './fs-util';
import { readTextFile } from './toml-file';

/**
 * Members whose name Cargo.lock also holds from another source (a registry or git crate of the
 * same name, e.g. a member `console` beside the registry `console`). Cargo then writes versioned
 * references (`"console 0.1.0"`) that tools rewriting member versions must follow. Read with a
 * line scan of the `[[package]]` entries (the lock file format is fixed), sorted.
 */
export function lockNameClashes(rootDir: string, members: string[]): string[] {
  const file = path.join(rootDir, 'Cargo.lock');
  if (!isFile(file)) return [];
  const foreign = new Set<string>();
  let name: string | undefined;
  let source = false;
  const flush = () => {
    if (name !== undefined && source) foreign.add(name);
    name = undefined;
    source = false;
  };
  for (const line of readTextFile(file, 'Cargo.lock', 'Regenerate it with "cargo generate-lockfile"').split(/\r?\n/)) {
    if (line.startsWith('[')) {
      flush();
    } else if (line.startsWith('name = "')) {
      name = line.slice('name = "'.length, -1);
    } else if (line.startsWith('source = ')) {
      source = true;
    }
  }
  flush();
  return members.filter(m => foreign.has(m)).sort();
}
