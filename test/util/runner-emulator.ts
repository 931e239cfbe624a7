/**
 * Runs the steps of a generated workflow job on this machine as a GitHub runner would, up to a given
 * step: `run:` steps with bash (`-eo pipefail`, the step's `env:` and `working-directory`,
 * `$GITHUB_PATH`/`$GITHUB_ENV`/`$GITHUB_OUTPUT`), `if:` conditions and `${{ }}` values evaluated by
 * GitHub's own evaluator (test/util/gh-expressions.ts), and `actions/cache/restore` /
 * `actions/cache/save` against a local store with the action's semantics (exact key → `cache-hit`
 * true; else the newest entry whose key starts with a `restore-keys` line; a key is never
 * overwritten). Other `uses:` steps (checkout, buildx set-up, …) are skipped: the caller provides
 * what they would. `hashFiles()` is computed here, with @actions/glob's semantics (`hashFilesMatches`).
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { evaluateExpressions } from './gh-expressions';

/** A runner, its event and its cache. */
export interface RunnerJobOptions {
  /** The job's steps, as parsed from the synthesized workflow YAML. */
  readonly steps: any[];
  /** The checkout (`github.workspace`); keep the path across runs, as GitHub does. */
  readonly workspace: string;
  /** `$HOME` of the runner (`~` in cache paths; `~/.cargo` is CARGO_HOME); keep the path across runs. */
  readonly home: string;
  /** `runner.temp`. */
  readonly temp: string;
  /** The actions/cache store: one `<key>.tar` per entry. */
  readonly cacheStore: string;
  /** The `github` context (`event_name`, `ref`, `ref_type`, …). */
  readonly github: object;
  /** Stop before the step with this id. */
  readonly until: string;
  /** Environment every step starts from (PATH, RUSTUP_HOME, …). */
  readonly env: Record<string, string>;
}

/** What one run did. */
export interface RunnerJobResult {
  /** Every step's output, with `== step <id>` headers. */
  readonly log: string;
  /** Ids of the steps that ran (skipped ones not included). */
  readonly ran: string[];
  /** `steps.<id>.outputs`. */
  readonly outputs: Record<string, Record<string, string>>;
  /** The cache entry a restore step used (`<key>`), if any. */
  readonly restoredKey?: string;
  /** The key a save step wrote, if any (the last one). */
  readonly savedKey?: string;
  /** Every key the save steps wrote, in order. */
  readonly savedKeys: string[];
  /** The environment after the last step (PATH with `$GITHUB_PATH` entries, `$GITHUB_ENV`). */
  readonly env: Record<string, string>;
}

/** Runs `o.steps` until `o.until`; throws on a failing `run:` step, with its output. */
export function runJobSteps(o: RunnerJobOptions): RunnerJobResult {
  fs.mkdirSync(o.cacheStore, { recursive: true });
  fs.mkdirSync(o.temp, { recursive: true });
  const files = { path: path.join(o.temp, 'github_path'), env: path.join(o.temp, 'github_env') };
  let env: Record<string, string> = { ...o.env, HOME: o.home, GITHUB_WORKSPACE: o.workspace, RUNNER_TEMP: o.temp };
  const outputs: Record<string, Record<string, string>> = {};
  const ran: string[] = [];
  let log = '';
  let restoredKey: string | undefined;
  let savedKey: string | undefined;
  const savedKeys: string[] = [];
  const context = () => ({ github: o.github, steps: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { outputs: v }])), runner: { arch: 'X64', os: 'Linux', temp: o.temp }, env, secrets: {} });
  const evaluate = (value: string, kind: 'input' | 'condition') => evaluateExpressions([{ value: withHashFiles(value, o.workspace), kind, context: context() }])[0];
  const inputs = (w: Record<string, string> = {}) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, typeof v === 'string' ? String(evaluate(v, 'input')) : String(v)]));

  for (const step of o.steps) {
    if (step.id === o.until) break;
    if (step.if !== undefined && evaluate(String(step.if), 'condition') !== true) continue;
    ran.push(step.id ?? step.name);
    log += `== step ${step.id ?? step.name}\n`;
    const uses = String(step.uses ?? '');
    if (uses.startsWith('actions/cache/restore@')) {
      const w = inputs(step.with);
      const hit = restore(o, w);
      outputs[step.id] = { 'cache-hit': hit?.exact ? 'true' : 'false', 'cache-matched-key': hit?.key ?? '' };
      restoredKey = hit?.key;
      log += hit ? `restored ${hit.key} (${hit.exact ? 'exact' : 'restore-keys'})\n` : 'cache miss\n';
    } else if (uses.startsWith('actions/cache/save@')) {
      const w = inputs(step.with);
      if (fs.existsSync(entryFile(o, w.key))) {
        log += `cache ${w.key} exists: not saved\n`;
      } else {
        save(o, w);
        savedKey = w.key;
        savedKeys.push(w.key);
        log += `saved ${w.key}\n`;
      }
    } else if (step.run !== undefined) {
      fs.writeFileSync(files.path, '');
      fs.writeFileSync(files.env, '');
      const out = path.join(o.temp, 'github_output');
      fs.writeFileSync(out, '');
      const stepEnv = { ...env, ...inputs(step.env), GITHUB_PATH: files.path, GITHUB_ENV: files.env, GITHUB_OUTPUT: out };
      const cwd = path.join(o.workspace, step['working-directory'] ?? '.');
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', String(evaluate(step.run, 'input'))], { cwd, env: stepEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      log += `${r.stdout}${r.stderr}`;
      if (r.status !== 0) throw new Error(`step ${step.id} failed (exit ${r.status}):\n${log.slice(-6000)}`);
      const added = fs.readFileSync(files.path, 'utf8').split('\n').filter(Boolean).reverse();
      env = { ...env, ...keyValues(fs.readFileSync(files.env, 'utf8')), PATH: [...added, env.PATH].join(':') };
      outputs[step.id] = keyValues(fs.readFileSync(out, 'utf8'));
    } else {
      log += `skipped here: ${uses}\n`;
    }
  }
  return { log, ran, outputs, restoredKey, savedKey, savedKeys, env };
}

function keyValues(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').filter(l => l.includes('=')).map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/**
 * `hashFiles('a', 'b/**')` → the sha256 the runner computes, as a string literal ('' when nothing
 * matches): the runner's hashFiles script (actions/runner src/Misc/expressionFunc/hashFiles) globs with
 * @actions/glob from the workspace, skips directories and what lies outside the workspace, and hashes
 * the sha256 of each file in turn (here in path order; the runner's is its walk's).
 */
function withHashFiles(value: string, workspace: string): string {
  return value.replace(/hashFiles\(((?:\s*'(?:[^']|'')*'\s*,?)*)\)/g, (_, args: string) => {
    const patterns = [...args.matchAll(/'((?:[^']|'')*)'/g)].map(m => m[1].replace(/''/g, "'"));
    const matched = hashFilesMatches(workspace, patterns);
    if (matched.length === 0) return "''";
    const h = crypto.createHash('sha256');
    for (const f of matched) h.update(crypto.createHash('sha256').update(fs.readFileSync(path.join(workspace, f))).digest());
    return `'${h.digest('hex')}'`;
  });
}

/**
 * The files (relative to `root`, sorted) that `hashFiles(...patterns)` hashes, with @actions/glob's
 * semantics (packages/glob: internal-pattern.ts, internal-globber.ts, defaults of
 * internal-glob-options-helper.ts): each pattern trimmed, empty and `#` lines skipped, each leading `!`
 * negating; relative to the working directory (the workspace); minimatch with `dot`, no braces, no
 * extglobs: `*`, `?`, `[…]` (`!` or `^` negates), whole-segment `**`, `\` escapes; a matched folder
 * brings every file below it (`implicitDescendants`); patterns apply in order (a negated one removes
 * what it matches); symbolic links to folders are not followed (`followSymbolicLinks` false), broken
 * ones omitted.
 */
export function hashFilesMatches(root: string, patterns: string[]): string[] {
  const parsed: Array<{ negate: boolean; re: RegExp }> = [];
  for (let p of patterns.flatMap(x => x.split(/\r?\n/)).map(x => x.trim())) {
    if (p === '' || p.startsWith('#')) continue;
    let negate = false;
    while (p.startsWith('!')) {
      negate = !negate;
      p = p.slice(1).trim();
    }
    if (p.startsWith('/') || p.startsWith('~') || p.split('/').some(s => s === '..' || s === '.')) {
      throw new Error(`runner emulator: hashFiles pattern ${p} not supported (absolute, home or relative segments)`);
    }
    parsed.push({ negate, re: globRegExp(p.replace(/\/+$/, '')) });
  }
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        walk(r);
      } else if (e.isFile() || (e.isSymbolicLink() && fs.existsSync(path.join(root, r)) && fs.statSync(path.join(root, r)).isFile())) {
        // a folder's match brings its descendants: the file or any folder above it
        const candidates = r.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
        let included = false;
        for (const { negate, re } of parsed) {
          if (candidates.some(c => re.test(c))) included = !negate;
        }
        if (included) found.push(r);
      }
    }
  };
  walk('');
  return found.sort();
}

/** A minimatch pattern (`dot`, `nobrace`, `noext`) as a regular expression over a relative path. */
function globRegExp(pattern: string): RegExp {
  const segment = (s: string): string => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === '\\' && i + 1 < s.length) {
        out += escapeRegExp(s[++i]);
      } else if (c === '*') {
        out += '[^/]*';
      } else if (c === '?') {
        out += '[^/]';
      } else if (c === '[' && s.indexOf(']', i + 2) > 0) {
        const close = s.indexOf(']', i + 2);
        let body = s.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        out += `[${negated ? '^/' : ''}${body.replace(/\\/g, '\\\\').replace(/\]/g, '\\]')}]`;
        i = close;
      } else {
        out += escapeRegExp(c);
      }
    }
    return out;
  };
  const parts = pattern.split('/');
  let re = '';
  parts.forEach((s, i) => {
    const last = i === parts.length - 1;
    if (s === '**') re += last ? '.*' : '(?:[^/]+/)*';
    else re += segment(s) + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function entryFile(o: RunnerJobOptions, key: string): string {
  return path.join(o.cacheStore, `${encodeURIComponent(key)}.tar`);
}

/** The cache's paths, absolute (`~` = home, relative = workspace). */
function cachePaths(o: RunnerJobOptions, list: string): string[] {
  return list.split('\n').map(l => l.trim()).filter(Boolean)
    .map(p => p.startsWith('~/') ? path.join(o.home, p.slice(2)) : path.resolve(o.workspace, p));
}

function save(o: RunnerJobOptions, w: Record<string, string>): void {
  const existing = cachePaths(o, w.path).filter(p => fs.existsSync(p));
  const r = spawnSync('tar', ['-cPf', entryFile(o, w.key), ...existing], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cache save failed: ${r.stderr}`);
  // newest first for restore-keys: the store's mtimes say which entry is the newest
  const now = new Date();
  fs.utimesSync(entryFile(o, w.key), now, now);
}

function restore(o: RunnerJobOptions, w: Record<string, string>): { key: string; exact: boolean } | undefined {
  let key: string | undefined = fs.existsSync(entryFile(o, w.key)) ? w.key : undefined;
  const exact = key !== undefined;
  if (!exact) {
    const entries = fs.readdirSync(o.cacheStore).filter(f => f.endsWith('.tar'))
      .map(f => ({ key: decodeURIComponent(f.slice(0, -4)), mtime: fs.statSync(path.join(o.cacheStore, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const prefix of (w['restore-keys'] ?? '').split('\n').map(l => l.trim()).filter(Boolean)) {
      key = entries.find(e => e.key.startsWith(prefix))?.key;
      if (key) break;
    }
  }
  if (key === undefined) return undefined;
  const r = spawnSync('tar', ['-xPf', entryFile(o, key)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cache restore failed: ${r.stderr}`);
  return { key, exact };
}
