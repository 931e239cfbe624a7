/**
 * Running npm/npx/projen like a developer's shell, and packing this library, for the
 * end-to-end tests that install packages into temp folders (npm registry needed).
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
/** Serializes jsii compiles of lib/ across parallel jest workers and scripts/example.sh. */
export const JSII_LOCK = path.join(os.tmpdir(), 'projen-rust-docker-jsii.lock');

export const PROJEN_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'projen', 'package.json'), 'utf-8')).version;

/** Runs a command; on failure throws with its output. CI is unset: projen then installs with `npm install`, as on a laptop. */
export function run(cmd: string, args: string[], opts: ExecFileSyncOptions = {}): string {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.CI;
  try {
    return execFileSync(cmd, args, { encoding: 'utf-8', stdio: 'pipe', ...opts, env }) as string;
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.status}):\n${e.stdout}\n${e.stderr}`);
  }
}

/** `npm pack`s dir into a fresh temp folder; returns the .tgz path. */
export function npmPack(dir: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-pack-'));
  const out = run('npm', ['pack', '--pack-destination', dest, '--json'], { cwd: dir });
  return path.join(dest, JSON.parse(out)[0].filename);
}

/** Compiles (jsii: lib/ and .jsii, never stale) and packs this library; returns the .tgz path. */
export function packLibrary(): string {
  // one jsii compile at a time: other test files (and scripts/example.sh) compile lib/ too
  run('flock', [JSII_LOCK, 'npx', 'jsii', '--silence-warnings=reserved-word'], { cwd: ROOT });
  return npmPack(ROOT);
}

/** Text of every file under dir (node_modules and .git skipped), by relative path. */
export function tree(dir: string): { [rel: string]: string } {
  const out: { [rel: string]: string } = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (['node_modules', '.git'].includes(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf-8');
    }
  };
  walk(dir);
  return out;
}
