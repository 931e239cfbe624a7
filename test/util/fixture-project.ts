/**
 * Helpers to synthesize projects over a temporary COPY of a fixture Rust repo
 * (projen's test synth deletes its output folder, so never point it at test/fixtures).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** test/fixtures/<name> */
export function fixturePath(name: string): string {
  return path.join(__dirname, '..', 'fixtures', name);
}

/** Copies test/fixtures/<name> into a fresh temp dir and returns it (no fixture: an empty temp dir). */
export function fixtureOutdir(name?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `prd-${name ?? 'empty'}-`));
  if (name) {
    fs.cpSync(fixturePath(name), dir, { recursive: true, filter: src => !src.includes(`${path.sep}target`) });
  }
  return dir;
}

/** Writes files (relative path → content) under dir. */
export function writeFiles(dir: string, files: { [rel: string]: string }): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/** Runs `fn` as a real `npx projen` synth runs, without projen's post-synth steps (no npm install). */
export function withoutPostSynth<T>(fn: () => T): T {
  const saved = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.PROJEN_DISABLE_POST; else process.env.PROJEN_DISABLE_POST = saved;
  }
}
