import * as path from 'path';
import { CargoInferenceError } from './cargo-inference-error';
import { isDir, listDir, relativePosix } from './fs-util';

/** A directory a `members`/`default-members` entry expands to (internal). */
export interface MemberPath {
  /** directory relative to the workspace root, posix, normalized ("." for the root) */
  readonly dir: string;
  /** the entry it came from */
  readonly pattern: string;
  /** whether the entry is a glob pattern */
  readonly glob: boolean;
}

const GLOB_CHARS = /[*?[]/;

/** Whether a `members` entry is a glob pattern. */
export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Normalizes a workspace path entry to a posix path relative to the root ("." for the root). */
export function normalizeEntry(rootDir: string, entry: string): string {
  return relativePosix(rootDir, path.resolve(rootDir, entry));
}

/**
 * Expands `members` entries like cargo does with the `glob` crate: `*`, `?`,
 * `[abc]`/`[!abc]` within one path segment and `**` for any number of
 * segments. Only directories are returned (cargo skips files matched by a
 * glob, e.g. `.DS_Store`). An entry that is not a glob is returned as-is,
 * even when the directory does not exist (the caller reports it).
 */
export function expandMembers(rootDir: string, patterns: string[]): MemberPath[] {
  const result: MemberPath[] = [];
  for (const pattern of patterns) {
    if (!isGlob(pattern)) {
      result.push({ dir: normalizeEntry(rootDir, pattern), pattern, glob: false });
      continue;
    }
    const absPattern = path.resolve(rootDir, pattern).split(path.sep).join('/');
    const segments = absPattern.split('/');
    // literal prefix (the part before the first segment with a glob character)
    let i = 0;
    while (i < segments.length && !isGlob(segments[i])) i++;
    const base = segments.slice(0, i).join('/') || '/';
    for (const match of matchSegments(base, segments.slice(i))) {
      result.push({ dir: relativePosix(rootDir, match), pattern, glob: true });
    }
  }
  return result;
}

function matchSegments(base: string, segments: string[]): string[] {
  if (segments.length === 0) return isDir(base) ? [base] : [];
  const [head, ...rest] = segments;
  if (head === '**') {
    // zero or more directories
    const out = new Set<string>(matchSegments(base, rest));
    for (const entry of listDir(base)) {
      const child = path.posix.join(base, entry);
      if (isDir(child)) for (const m of matchSegments(child, segments)) out.add(m);
    }
    return [...out].sort();
  }
  if (!isGlob(head)) return matchSegments(path.posix.join(base, head), rest);
  const regex = segmentRegex(head);
  const out: string[] = [];
  for (const entry of listDir(base)) {
    if (regex.test(entry)) out.push(...matchSegments(path.posix.join(base, entry), rest));
  }
  return out;
}

/** Regex for one glob path segment (`glob` crate syntax). */
function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') {
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, m => `\\${m}`)}]`;
      i = close;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, m => `\\${m}`);
    }
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    throw new CargoInferenceError(`invalid glob pattern "${segment}" in the workspace members of Cargo.toml. Fix the pattern (supported: *, ?, [abc], [!abc], [a-z], **).`);
  }
}
