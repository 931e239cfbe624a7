/**
 * A reusable validator for generated Dockerfiles. Call it in tests on every Dockerfile text:
 *
 *   expect(lintDockerfile(text)).toEqual([]);
 *
 * It returns one human-readable problem per finding (empty = clean), from four checks:
 *   1. `dockerfile-utils` validate(): errors and warnings of the Dockerfile language server;
 *   2. stage references: every `FROM x`, `COPY --from=x` and `RUN --mount=…,from=x` names an
 *      EARLIER stage, a stage index, or an image reference;
 *   3. exec form: every ENTRYPOINT / CMD / SHELL / HEALTHCHECK CMD / RUN whose arguments start
 *      with `[` is a JSON array of strings (otherwise Docker silently falls back to shell form);
 *   4. `shellcheck -S warning` (+ SC2086, unquoted `$VAR`) on the body of every shell-form RUN (`-s bash` when the stage's
 *      SHELL is bash, else `-s sh`). If shellcheck is missing, it THROWS (install it: the check
 *      must never pass silently).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/** Options of `lintDockerfile`. */
export interface LintOptions {
  /** Extra bare image names accepted in FROM / --from (besides the built-in list). */
  readonly knownImages?: string[];
  /** Skip the shellcheck pass (only for tests of the other checks). */
  readonly skipShellcheck?: boolean;
}

/** Bare (no `/`, `:` or `@`) image names accepted as image references. */
const KNOWN_IMAGES = new Set([
  'scratch', 'debian', 'ubuntu', 'alpine', 'busybox', 'rust', 'node', 'python', 'golang',
  'fedora', 'centos', 'archlinux',
]);

/** Instructions whose `[`-arguments Docker parses as a JSON exec form. */
const EXEC_FORM = new Set(['ENTRYPOINT', 'CMD', 'SHELL', 'RUN']);

/**
 * dockerfile-utils codes that are false positives for valid Dockerfiles — none known today:
 * it accepts `RUN --mount` (all types and fields), `COPY --link`, `# syntax=` and `# check=`.
 * Its "start-period cannot be less than 1ms" error for `--start-period=0s` is NOT a false
 * positive: Docker 20.10's frontend rejects that line the same way (checked with a real build).
 */
const IGNORED_CODES = new Set<number>([]);

/** Lints a Dockerfile text; returns the problems found (empty when clean). */
export function lintDockerfile(text: string, options: LintOptions = {}): string[] {
  const problems: string[] = [];

  // 1. dockerfile-utils diagnostics (errors + warnings)
  let diagnostics: ReturnType<typeof validate>;
  try {
    diagnostics = validate(text, {});
  } catch (e) {
    // e.g. dockerfile-ast's crash on a RUN continuation line starting with `\#` (valid for Docker)
    return [`dockerfile-utils crashed (${(e as Error).message}): check the file by hand or with a real build`];
  }
  for (const d of diagnostics) {
    if (d.code !== undefined && IGNORED_CODES.has(Number(d.code))) continue;
    const severity = d.severity === 1 ? 'error' : 'warning';
    problems.push(`dockerfile-utils ${severity} (line ${d.range.start.line + 1}): ${d.message}`);
  }

  const dockerfile = DockerfileParser.parse(text);
  const known = new Set([...KNOWN_IMAGES, ...(options.knownImages ?? [])]);

  // 2. stage references
  const stageNames: string[] = [];
  const shellOfStage: string[] = [];
  const runs: Array<{ line: number; body: string; shell: string }> = [];
  let stageIndex = -1;
  const allStageNames = dockerfile.getFROMs().map((f) => f.getBuildStage()?.toLowerCase() ?? '');
  const checkRef = (flag: string, ref: string, line: number, allowIndex: boolean) => {
    const what = flag === 'FROM' ? `FROM ${ref}` : `${flag}=${ref}`;
    const lower = ref.toLowerCase();
    if (stageNames.includes(lower)) return;
    if (allowIndex && /^\d+$/.test(ref)) {
      if (Number(ref) < stageIndex) return;
      problems.push(`stage reference (line ${line}): ${what} refers to stage index ${ref}, which is not an earlier stage`);
      return;
    }
    const later = allStageNames.indexOf(lower);
    if (later >= stageIndex && later >= 0) {
      problems.push(`stage reference (line ${line}): ${what} refers to stage "${ref}", which is ${later === stageIndex ? 'the current stage' : 'defined later'}`);
      return;
    }
    if (/[/:@$]/.test(ref) || known.has(lower)) return;
    problems.push(`stage reference (line ${line}): ${what} is neither an earlier stage nor an image reference`);
  };

  let currentShell = 'sh';
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      stageIndex++;
      const args = instruction.getArguments().map((a) => a.getValue()).filter((a) => !a.startsWith('--'));
      const image = args[0] ?? '';
      const parent = stageNames.indexOf(image.toLowerCase());
      checkRef('FROM', image, line, false);
      currentShell = parent >= 0 ? shellOfStage[parent] : 'sh';
      const name = (instruction as unknown as { getBuildStage(): string | null }).getBuildStage();
      stageNames.push(name ? name.toLowerCase() : `#${stageIndex}`);
      shellOfStage.push(currentShell);
      continue;
    }
    for (const flag of flagsOf(instruction)) {
      if (flag.name === 'from' && flag.value !== null) {
        checkRef(`${keyword} --from`, flag.value, line, true);
      }
      if (flag.name === 'mount' && flag.value) {
        const from = flag.value.split(',').map((kv) => kv.split('=')).find(([k]) => k === 'from');
        if (from && from[1]) checkRef(`${keyword} --mount from`, from[1], line, true);
      }
    }

    // 3. exec form
    const raw = instruction.getRawArgumentsContent() ?? '';
    let execArgs: string | undefined;
    if (EXEC_FORM.has(keyword) && raw.trimStart().startsWith('[')) execArgs = raw;
    if (keyword === 'HEALTHCHECK') {
      const m = /(?:^|\s)CMD\s+(\[[\s\S]*)$/i.exec(raw);
      if (m) execArgs = m[1];
    }
    let parsedExec: string[] | undefined;
    if (keyword === 'RUN' && execArgs !== undefined && !isJson(execArgs)) {
      // `RUN [ -f x ] && …` is a shell command starting with the `[` builtin: Docker runs a
      // RUN whose `[…` is not JSON in the shell, so it goes to shellcheck instead.
      execArgs = undefined;
    }
    if (execArgs !== undefined) {
      const json = execArgs.replace(/\\\n/g, '').trim();
      try {
        const value: unknown = JSON.parse(json);
        if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
          problems.push(`exec form (line ${line}): ${keyword} ${json} is not a non-empty JSON array of strings`);
        } else {
          parsedExec = value as string[];
        }
      } catch (e) {
        problems.push(`exec form (line ${line}): ${keyword} ${json} is not valid JSON (Docker would run it as a shell command): ${(e as Error).message}`);
      }
    }
    if (keyword === 'SHELL' && parsedExec) {
      currentShell = /(^|\/)bash$/.test(parsedExec[0]) ? 'bash' : 'sh';
      shellOfStage[shellOfStage.length - 1] = currentShell;
    }

    // 4. collect shell-form RUN bodies
    if (keyword === 'RUN' && execArgs === undefined) {
      if (/<<-?\s*["']?[A-Za-z_]/.test(raw)) continue; // heredoc: not a plain shell body
      runs.push({ line, body: raw, shell: currentShell });
    }
  }

  if (!options.skipShellcheck && runs.length > 0) {
    problems.push(...shellcheckRuns(runs));
  }
  return problems;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text.replace(/\\\n/g, '').trim());
    return true;
  } catch {
    return false;
  }
}

interface FlagInfo { readonly name: string; readonly value: string | null }

function flagsOf(instruction: Instruction): FlagInfo[] {
  const withFlags = instruction as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> };
  return withFlags.getFlags ? withFlags.getFlags().map((f) => ({ name: f.getName(), value: f.getValue() })) : [];
}

/** shellcheck "info" findings that are still reported (see shellcheckRuns). */
const REPORTED_INFO_CODES = new Set([2086]);

let shellcheckChecked = false;

/** Throws (never skips) when shellcheck is not installed. */
export function assertShellcheckInstalled(): void {
  if (shellcheckChecked) return;
  const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('shellcheck is not installed: install shellcheck (apt-get install -y shellcheck, or bash scripts/docker-setup.sh) — the Dockerfile lint must not pass without it');
  }
  shellcheckChecked = true;
}

/**
 * Runs shellcheck once per shell dialect over all RUN bodies (one temp file each).
 *
 * Reported: every finding of severity warning or error (`-S warning`), plus SC2086 (unquoted
 * expansion, e.g. `[ $X = y ]`), which shellcheck rates only "info" but which is a real bug in a
 * generated script. SC2154 (variable referenced but not assigned) is excluded: RUN commands
 * legitimately use variables from ARG / ENV and from the base image's environment.
 */
function shellcheckRuns(runs: Array<{ line: number; body: string; shell: string }>): string[] {
  assertShellcheckInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dflint-'));
  const found: Array<{ run: number; line: number; column: number; text: string }> = [];
  try {
    for (const shell of ['sh', 'bash']) {
      const group = runs.filter((r) => r.shell === shell);
      if (group.length === 0) continue;
      const files = group.map((r, i) => {
        const file = path.join(dir, `run-${i}.${shell}`);
        fs.writeFileSync(file, `${r.body}\n`);
        return file;
      });
      let out: string;
      try {
        out = execFileSync('shellcheck', ['-S', 'info', '-s', shell, '-e', 'SC2154', '-f', 'json1', ...files], { encoding: 'utf8' });
      } catch (e) {
        const err = e as { status?: number; stdout?: string };
        if (err.status === 1 && err.stdout) out = err.stdout; // 1 = findings
        else throw e;
      }
      const result = JSON.parse(out) as {
        comments: Array<{ file: string; line: number; column: number; code: number; level: string; message: string }>;
      };
      for (const c of result.comments) {
        if (c.level !== 'warning' && c.level !== 'error' && !REPORTED_INFO_CODES.has(c.code)) continue;
        const run = group[files.indexOf(c.file)];
        found.push({
          run: run.line,
          line: c.line,
          column: c.column,
          text: `shellcheck (RUN at line ${run.line}, body line ${c.line}, ${shell}): SC${c.code} ${c.message}`,
        });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // in Dockerfile order (shellcheck orders by file name)
  found.sort((a, b) => a.run - b.run || a.line - b.line || a.column - b.column);
  return found.map((f) => f.text);
}
