/**
 * The security oracles, as security teams run them: zizmor (GitHub Actions), hadolint
 * (Dockerfiles), native actionlint. Installed pinned by `scripts/oracles-setup.sh` (the projen
 * `test` task runs it first) into `$ORACLES_DIR/bin` (default /var/tmp/prd-oracles/bin). A missing
 * oracle THROWS: these checks never pass silently.
 *
 * Each runner takes many files at once (one process per tool, not per file) and returns one
 * `OracleFinding` per finding; `[]` is clean.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ORACLES_BIN = path.join(process.env.ORACLES_DIR ?? '/var/tmp/prd-oracles', 'bin');

/** One finding of one oracle. */
export interface OracleFinding {
  readonly tool: 'zizmor' | 'hadolint' | 'actionlint';
  /** zizmor audit id, hadolint rule (DL3008, SC2086), actionlint kind. */
  readonly rule: string;
  /** zizmor: informational|low|medium|high; hadolint: error|warning|info|style; actionlint: error. */
  readonly severity: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** `path:line rule (severity) message`. */
export function showFinding(f: OracleFinding): string {
  return `${f.tool} ${f.file}:${f.line} ${f.rule} (${f.severity}) ${f.message}`;
}

/** The path of an installed oracle; throws when it is not installed. */
export function oracle(name: 'zizmor' | 'hadolint' | 'actionlint'): string {
  const bin = path.join(ORACLES_BIN, name);
  if (!fs.existsSync(bin)) {
    throw new Error(`${name} is not installed in ${ORACLES_BIN}: run bash scripts/oracles-setup.sh (the projen test task does) — the security checks must not pass without it`);
  }
  return bin;
}

function run(tool: 'zizmor' | 'hadolint' | 'actionlint', args: string[], okStatus: number[], cwd?: string): string {
  const out = spawnSync(oracle(tool), args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, cwd, env: { ...process.env, NO_COLOR: '1' } });
  if (out.error) throw out.error;
  if (!okStatus.includes(out.status ?? -1)) {
    throw new Error(`${tool} ${args.slice(0, 4).join(' ')} … exited ${out.status}: ${out.stderr.slice(0, 2000)}`);
  }
  return out.stdout;
}

/** The version an oracle reports (for the printed summary). */
export function oracleVersion(tool: 'zizmor' | 'hadolint' | 'actionlint'): string {
  const text = run(tool, [tool === 'actionlint' ? '-version' : '--version'], [0]);
  return /\d+\.\d+\.\d+/.exec(text)?.[0] ?? text.trim();
}

/**
 * zizmor, offline (no online audits: this machine cannot reach the GitHub API), over workflow and
 * dependabot.yml files, each validated against its schema first (a file that fails it throws); `persona` regular is its default. No configuration file is read: an
 * exception must be an ignore comment in the generated file, where its reason stands beside it.
 */
interface ZizmorLocation {
  readonly symbolic: { key: { Local?: { verbatim_path?: string; given_path?: string } }; kind: string };
  readonly concrete: { location: { start_point: { row: number } } };
}

export function zizmor(files: string[], persona: 'regular' | 'pedantic' | 'auditor' = 'regular'): OracleFinding[] {
  if (files.length === 0) return [];
  // exit codes: 0 clean, 10-14 findings by highest severity (1 is a tool failure)
  // --strict-collection: a file that fails zizmor's schema (workflow or Dependabot) is an error, not skipped
  const args = ['--offline', '--no-config', '--no-progress', '--strict-collection', '--format', 'json', '--persona', persona, ...files];
  const text = run('zizmor', args, [0, 10, 11, 12, 13, 14]);
  const results = JSON.parse(text) as Array<{
    ident: string;
    desc: string;
    determinations: { severity: string };
    locations: ZizmorLocation[];
  }>;
  return results.map(r => {
    const primary = r.locations.find(l => l.symbolic.kind === 'Primary') ?? r.locations[0];
    const local = primary?.symbolic.key.Local;
    return {
      tool: 'zizmor',
      rule: r.ident,
      severity: r.determinations.severity.toLowerCase(),
      file: local?.verbatim_path ?? local?.given_path ?? '?',
      line: (primary?.concrete.location.start_point.row ?? -1) + 1,
      message: r.desc,
    };
  });
}

/**
 * hadolint over Dockerfiles, with its default rules and no configuration file (run in the files'
 * folder, so no `.hadolint.yaml` of this repository applies): exceptions are `# hadolint ignore=`
 * comments in the generated Dockerfile, with the reason on the line above.
 */
export function hadolint(files: string[]): OracleFinding[] {
  if (files.length === 0) return [];
  const text = run('hadolint', ['--no-fail', '--no-color', '--format', 'json', ...files], [0], path.dirname(files[0]));
  return (JSON.parse(text) as Array<{ code: string; level: string; file: string; line: number; message: string }>).map(r => ({
    tool: 'hadolint', rule: r.code, severity: r.level, file: r.file, line: r.line, message: r.message,
  }));
}

/**
 * Native actionlint over workflow files. `shellcheck: true` (as security teams run it) lets it run
 * shellcheck on every `run:` script (any level, info included); `false` leaves that to the caller.
 */
export function actionlint(files: string[], options: { shellcheck: boolean } = { shellcheck: true }): OracleFinding[] {
  if (files.length === 0) return [];
  const args = ['-no-color', '-format', '{{json .}}', ...(options.shellcheck ? [] : ['-shellcheck=']), ...files];
  return parseActionlint(run('actionlint', args, [0, 1]));
}

/** actionlint on one workflow text (stdin), without its shellcheck integration. */
export function actionlintText(yamlText: string, fileName: string): OracleFinding[] {
  const out = spawnSync(oracle('actionlint'), ['-no-color', '-format', '{{json .}}', '-shellcheck=', '-stdin-filename', fileName, '-'], { input: yamlText, encoding: 'utf-8' });
  if (out.error) throw out.error;
  if (out.status !== 0 && out.status !== 1) throw new Error(`actionlint exited ${out.status}: ${out.stderr}`);
  return parseActionlint(out.stdout);
}

function parseActionlint(output: string): OracleFinding[] {
  const text = output.trim();
  return (text ? JSON.parse(text) as Array<{ kind: string; filepath: string; line: number; message: string }> : []).map(r => ({
    tool: 'actionlint', rule: r.kind, severity: 'error', file: r.filepath, line: r.line, message: r.message,
  }));
}

/** Counts per rule, `{ 'DL3008 (warning)': 3 }`. */
export function countByRule(findings: OracleFinding[]): { [rule: string]: number } {
  const counts: { [rule: string]: number } = {};
  for (const f of findings) counts[`${f.rule} (${f.severity})`] = (counts[`${f.rule} (${f.severity})`] ?? 0) + 1;
  return counts;
}
