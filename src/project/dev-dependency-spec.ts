import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * Turns an npm spec that names a local tarball or folder (what `projen new --from ./x.tgz`
 * passes as a dev dependency) into `<package name>@file:<path>`, which projen's dependency
 * parser understands. Registry specs (`name`, `name@^1`, `@scope/name@1`) are returned as is.
 */
export function normalizeDevDependencySpec(spec: string, baseDir: string): string {
  const local = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  const looksLocal = spec.startsWith('file:') || local.endsWith('.tgz') || local.startsWith('.') || path.isAbsolute(local);
  if (!looksLocal) {
    return spec;
  }
  const abs = path.resolve(baseDir, local);
  const name = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? packageNameOfFolder(abs) : packageNameOfTarball(abs);
  return name ? `${name}@file:${abs}` : spec;
}

function packageNameOfFolder(dir: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).name;
  } catch {
    return undefined;
  }
}

/** Reads `package/package.json` out of an npm tarball (gzip + ustar). */
function packageNameOfTarball(file: string): string | undefined {
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(fs.readFileSync(file));
  } catch {
    return undefined;
  }
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    const entry = header.subarray(0, 100).toString('utf-8').replace(/\0.*$/s, '');
    if (entry === '') {
      return undefined; // end of archive
    }
    const size = parseInt(header.subarray(124, 136).toString('utf-8').replace(/\0.*$/s, '').trim() || '0', 8);
    const body = offset + 512;
    if (entry.split('/').slice(1).join('/') === 'package.json') {
      try {
        return JSON.parse(tar.subarray(body, body + size).toString('utf-8')).name;
      } catch {
        return undefined;
      }
    }
    offset = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
