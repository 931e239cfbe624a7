/**
 * End to end: pack this library, then `projen new --from <tgz>` in a temp Rust repo and run
 * `npx projen` there twice (the second run must change nothing). Uses the npm registry for
 * projen/ts-node/typescript, like a user's machine.
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixtureOutdir } from '../util/fixture-project';

const ROOT = path.join(__dirname, '..', '..');
const PROJEN_VERSION = require(path.join(ROOT, 'node_modules', 'projen', 'package.json')).version;

function run(cmd: string, args: string[], opts: ExecFileSyncOptions = {}): string {
  try {
    // like a developer's shell: without CI=true projen installs with `npm install`, not `npm ci`
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    delete env.CI;
    return execFileSync(cmd, args, { encoding: 'utf-8', stdio: 'pipe', ...opts, env }) as string;
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.status}):\n${e.stdout}\n${e.stderr}`);
  }
}

/** Compiles (jsii: lib/ and .jsii, never stale) and packs the library; returns the .tgz path. */
export function packLibrary(): string {
  run('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: ROOT });
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-pack-'));
  const out = run('npm', ['pack', '--pack-destination', dest, '--json'], { cwd: ROOT });
  return path.join(dest, JSON.parse(out)[0].filename);
}

function tree(dir: string): { [rel: string]: string } {
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

describe('projen new --from <tgz>', () => {
  jest.setTimeout(600_000);

  test('creates a working project in an existing Rust repo; npx projen is idempotent', () => {
    // GIVEN the packed library and a Rust repo with a Cargo.toml
    const tgz = packLibrary();
    const repo = fixtureOutdir('single-crate');
    // WHEN a user runs projen new --from the package
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tgz, '--projen-version', PROJEN_VERSION, '--no-git'], { cwd: repo });

    // THEN the projenrc, the managed files and a working package.json exist
    const rc = fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8');
    expect(rc).toMatch(/from ["']projen-rust-docker["']/);
    expect(rc).toContain('new RustDockerProject(');
    for (const f of ['Dockerfile', '.dockerignore', '.github/workflows/docker.yml', 'package.json', '.projen/tasks.json']) {
      expect(fs.existsSync(path.join(repo, f))).toBe(true);
    }
    expect(fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf-8')).toContain('hello');

    // WHEN npx projen runs (first time: from the .projenrc.ts, with the locally installed tooling)
    run('npx', ['projen'], { cwd: repo });
    const first = tree(repo);
    // AND again
    run('npx', ['projen'], { cwd: repo });
    // THEN nothing changed the second time
    expect(tree(repo)).toEqual(first);
  });
});
