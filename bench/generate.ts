/**
 * Generates, with the library itself (src/), the Dockerfile + .dockerignore of each of our
 * `DependencyCaching` strategies for a Rust project, and prints the `NAME=DOCKERFILE:DOCKERIGNORE`
 * arguments of bench/run.sh, one a line.
 *
 * Usage: ts-node bench/generate.ts OUTDIR [--project DIR] [--strategies skeleton,cache-mounts,none,cargo-chef]
 *                                         [--set key=json …]
 *   OUTDIR        receives <strategy>/Dockerfile and <strategy>/.dockerignore
 *   --project     the Rust project (default: docker-offline/bench-svc)
 *   --strategies  which strategies (default: all four)
 *   --set k=json  an extra RustDockerProject option for every strategy (e.g. --set 'rustVersion="1.95"')
 *
 * Each strategy is synthesized by a real `RustDockerProject` (PROJEN_DISABLE_POST=true) on a
 * temporary copy of the project, exactly as `npx projen` would in the user's repo. The runtime is
 * DISTROLESS_CC (no apt-get at build time, as in the earlier runs the results compare with).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DependencyCaching, RuntimeBase } from '../src/settings';
import { RustDockerProject, RustDockerProjectOptions } from '../src/project/rust-docker-project';

process.env.PROJEN_DISABLE_POST = 'true';

/** Strategy name on the command line / in run.sh → the option value. */
export const STRATEGIES: { [name: string]: DependencyCaching } = {
  'skeleton': DependencyCaching.SKELETON,
  'cache-mounts': DependencyCaching.CACHE_MOUNTS,
  'none': DependencyCaching.NONE,
  'cargo-chef': DependencyCaching.CARGO_CHEF,
  'runner': DependencyCaching.RUNNER,
};

export interface GeneratedStrategy {
  readonly name: string;
  readonly dockerfile: string;
  readonly dockerignore?: string;
  /** synthesis wall time (project construction + synth), ms */
  readonly synthMs: number;
}

/** Options common to all strategies: runtime without apt-get, no workflow needed. */
export function benchOptions(extra: Partial<RustDockerProjectOptions> = {}): Partial<RustDockerProjectOptions> {
  return { runtime: RuntimeBase.DISTROLESS_CC, ...extra };
}

/** Copies the project (without target/, vendor/, .git/) into a fresh temp dir. */
function copyProject(project: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-bench-gen-'));
  const skip = new Set(['target', 'vendor', '.git', 'node_modules']);
  fs.cpSync(project, dir, {
    recursive: true,
    filter: src => !skip.has(path.basename(src)) || path.dirname(src) !== project,
  });
  // shared/ is read-only; projen writes into the copy
  for (const f of walk(dir)) fs.chmodSync(f, 0o755);
  // a `.cargo/config.toml` pointing at ./vendor (not copied) would only break the synthesis's inference
  const config = path.join(dir, '.cargo', 'config.toml');
  if (fs.existsSync(config) && fs.readFileSync(config, 'utf8').includes('directory = "vendor"')) {
    fs.rmSync(config);
    if (fs.readdirSync(path.dirname(config)).length === 0) fs.rmdirSync(path.dirname(config));
  }
  return dir;
}

function walk(dir: string): string[] {
  const out = [dir];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p)); else out.push(p);
  }
  return out;
}

/** Synthesizes one strategy on a copy of `project`; copies the Dockerfile/.dockerignore into outDir/<name>/. */
export function generateStrategy(project: string, name: string, outDir: string, extra: Partial<RustDockerProjectOptions> = {}): GeneratedStrategy {
  const caching = STRATEGIES[name];
  if (!caching) throw new Error(`unknown strategy "${name}" (one of ${Object.keys(STRATEGIES).join(', ')})`);
  const work = copyProject(project);
  try {
    const t0 = process.hrtime.bigint();
    const p = new RustDockerProject({
      name: path.basename(project),
      outdir: work,
      ...benchOptions(extra),
      dependencyCaching: caching,
    } as RustDockerProjectOptions);
    p.synth();
    const synthMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const dest = path.join(outDir, name);
    fs.mkdirSync(dest, { recursive: true });
    const context = p.rustDocker.plan.image.context;
    const dockerfile = path.join(dest, 'Dockerfile');
    fs.copyFileSync(path.join(work, context.dockerfilePath), dockerfile);
    let dockerignore: string | undefined;
    if (context.dockerignore) {
      dockerignore = path.join(dest, '.dockerignore');
      fs.copyFileSync(path.join(work, context.dockerignore.path), dockerignore);
    }
    return { name, dockerfile, dockerignore, synthMs };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(argv: string[]): void {
  let outDir: string | undefined;
  let project = path.join(process.env.DOCKER_OFFLINE_DIR ?? path.join(__dirname, '..', '..', 'shared', 'docker-offline'), 'bench-svc');
  let names = Object.keys(STRATEGIES);
  const extra: { [key: string]: unknown } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--project') project = argv[++i];
    else if (a === '--strategies') names = argv[++i].split(',').filter(s => s !== '');
    else if (a === '--set') {
      const kv = argv[++i]; const eq = kv.indexOf('=');
      extra[kv.slice(0, eq)] = JSON.parse(kv.slice(eq + 1));
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0] + '*/\n');
      return;
    } else if (!outDir && !a.startsWith('-')) outDir = a;
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!outDir) throw new Error('usage: generate.ts OUTDIR [--project DIR] [--strategies LIST] [--set key=json]');
  project = path.resolve(project);
  outDir = path.resolve(outDir);
  for (const name of names) {
    const g = generateStrategy(project, name, outDir, extra as Partial<RustDockerProjectOptions>);
    process.stderr.write(`[generate] ${name}: ${g.dockerfile} (synth ${g.synthMs.toFixed(0)} ms)\n`);
    process.stdout.write(`${name}=${g.dockerfile}${g.dockerignore ? `:${g.dockerignore}` : ''}\n`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`generate: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
