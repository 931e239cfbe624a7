/**
 * Internal helpers of the Dockerfile model: validation and escaping of instruction arguments.
 * Not exported from the package (jsii exports only the types in dockerfile-stage.ts / dockerfile.ts).
 */
import { RustDockerError, showValue } from '../errors';
import { checkOneLine, LINE_BREAK } from '../validators';

/** Indentation of continuation lines. */
export const CONTINUATION_INDENT = '    ';

/** Keywords accepted by the `addInstruction()` escape hatch (FROM is the stage's own). */
const KNOWN_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** Renders one instruction (a `DockerInstruction`) as text (no trailing newline). */
export function renderInstruction(instruction: { readonly keyword: string; readonly args: string }): string {
  if (instruction.keyword === '') {
    return instruction.args;
  }
  if (instruction.keyword === '#') {
    return instruction.args === '' ? '#' : `# ${instruction.args}`;
  }
  return `${instruction.keyword} ${instruction.args}`;
}

/** Why a value of an instruction must be one line (the fix of `checkOneLine`'s error). */
const ONE_INSTRUCTION = 'it would end the Dockerfile instruction early (split it into several values or instructions)';

/** A string of one line (`checkOneLine`): a line break, NUL or Unicode line separator would end the instruction early. */
export function checkLine(option: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw RustDockerError.forOption(option, `expected a string, got ${showValue(value)}`, 'Pass a string');
  }
  checkOneLine(option, value, ONE_INSTRUCTION);
}

/** Whether `value` is a token: a non-empty string of one line without whitespace (image names, flags, user names…). */
export function isToken(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !/\s/.test(value) && !LINE_BREAK.test(value);
}

/**
 * The location of a stage in errors: `Dockerfile stage "builder"`, else `Dockerfile stage 2` by its
 * index (from 0, as `COPY --from=2` counts) when known, else `Dockerfile stage FROM <image>`.
 */
export function stageLocation(name: unknown, from: unknown, index?: number): string {
  if (name !== undefined) return `Dockerfile stage ${showValue(name)}`;
  if (index !== undefined) return `Dockerfile stage ${index}`;
  return `Dockerfile stage FROM ${isToken(from) ? from : showValue(from)}`;
}

/** Rejects an empty value or one with whitespace (image names, flags, user names…). */
export function assertToken(option: string, value: string): void {
  checkLine(option, value);
  if (!isToken(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} must be non-empty and contain no whitespace`,
      'Remove the whitespace');
  }
}

/** Stage names: lower-case `[a-z][a-z0-9_.-]*`. */
export function assertStageName(option: string, name: string): void {
  checkLine(option, name);
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) {
    throw RustDockerError.forOption(option, `${showValue(name)} is not a valid stage name`,
      'Use lower-case letters, digits, "_", "." and "-", starting with a letter (e.g. "builder")');
  }
}

/** Instruction keyword for the escape hatches: a known Dockerfile instruction (not FROM). */
export function normalizeKeyword(option: string, keyword: string): string {
  checkLine(option, keyword);
  const upper = keyword.toUpperCase();
  if (!KNOWN_KEYWORDS.has(upper)) {
    throw RustDockerError.forOption(option, `${showValue(keyword)} is not a Dockerfile instruction`,
      upper === 'FROM'
        ? 'FROM belongs to the stage: use Dockerfile.addStage() / insertStage()'
        : `Use one of ${[...KNOWN_KEYWORDS].join(', ')}, or DockerStage.raw() for anything else`);
  }
  return upper;
}

/**
 * Free-form args for the escape hatches: line breaks are allowed only as proper
 * continuations (a line ending in `\`), and no continued line may be empty or a comment.
 */
export function assertContinuedArgs(option: string, args: string): void {
  if (typeof args !== 'string') {
    throw RustDockerError.forOption(option, `expected a string, got ${showValue(args)}`, 'Pass a string');
  }
  const lines = args.split('\n');
  for (const line of lines) {
    // "\n" may only follow a " \" continuation (checked below); any other line break ends the instruction
    checkOneLine(option, line, 'only "\\n" after a " \\" continuation may break the args');
  }
  for (let i = 0; i < lines.length - 1; i++) {
    if (!/\\[ \t]*$/.test(lines[i])) {
      throw RustDockerError.forOption(option,
        `${showValue(args)} has a line break that is not a "\\" continuation, so it would start a new instruction`,
        'End every line but the last with " \\", or pass a single line');
    }
  }
  for (const line of lines.slice(1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) {
      throw RustDockerError.forOption(option,
        `${showValue(args)} has an empty or comment continuation line, which Docker drops or warns about`,
        'Remove the empty/comment line');
    }
  }
  if (/\\[ \t]*$/.test(lines[lines.length - 1])) {
    throw RustDockerError.forOption(option, `${showValue(args)} ends with a "\\" continuation`,
      'Remove the trailing backslash');
  }
}

/**
 * Quotes a value for ENV / LABEL / ARG defaults: double quotes, with `\`, `"` and (unless
 * `allowSubstitution`) `$` backslash-escaped — exactly the characters Docker's word lexer
 * treats specially inside double quotes. Docker expands `$VAR` in these values, so a literal
 * `$` must be `\$`.
 */
export function quoteValue(option: string, value: string, allowSubstitution = false): string {
  checkLine(option, value);
  const special = allowSubstitution ? /[\\"]/g : /[\\"$]/g;
  return `"${value.replace(special, (c) => `\\${c}`)}"`;
}

/** Exec form (`["a", "b"]`): a JSON array of strings, one line, always valid JSON. */
export function execForm(option: string, args: string[]): string {
  if (!Array.isArray(args) || args.length === 0) {
    throw RustDockerError.forOption(option, `expected a non-empty list of strings, got ${showValue(args)}`,
      'Pass the program and its arguments, e.g. ["/usr/local/bin/app", "--port", "8080"]');
  }
  for (const a of args) {
    if (typeof a !== 'string') {
      throw RustDockerError.forOption(option, `every element must be a string, got ${showValue(a)}`,
        'Pass strings only');
    }
  }
  // JSON.stringify escapes quotes, backslashes and control characters (so no line break can
  // reach the Dockerfile); `, ` separators are what Docker's own docs use.
  return `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
}

/**
 * A path / source list for COPY: shell form when every element is a plain token, JSON form
 * when an element has whitespace (Docker supports both). Docker runs its word processing
 * (`$VAR` substitution, quote removal, `\` escapes) on COPY paths in both forms, so `$VAR`
 * works, and quotes and backslashes — which Docker would silently drop — are rejected.
 */
export function pathList(option: string, values: string[]): string {
  let json = false;
  for (const v of values) {
    checkLine(option, v);
    if (v.trim().length === 0) {
      throw RustDockerError.forOption(option, `the path ${showValue(v)} is empty`, 'Remove the empty path');
    }
    if (/["'\\]/.test(v)) {
      throw RustDockerError.forOption(option,
        `${showValue(v)} contains a quote or backslash, which Docker's COPY word processing would remove`,
        'Rename the file, or copy its directory instead');
    }
    if (/\s/.test(v) || v.startsWith('[') || v.startsWith('--')) {
      json = true;
    }
  }
  return json ? execForm(option, values) : values.join(' ');
}

const LINT_RULE = /^(DL|SC)\d{4}$/;

/**
 * A hadolint ignore pragma with its reason above it (two comment lines, without `# `): hadolint
 * reads the pragma only on the line right above the instruction it silences.
 */
export function hadolintIgnore(option: string, rules: string[], reason: string): string {
  if (!Array.isArray(rules) || rules.length === 0 || !rules.every(r => typeof r === 'string' && LINT_RULE.test(r))) {
    throw RustDockerError.forOption(option, `${showValue(rules)} is not a list of hadolint rules`, 'Name hadolint rules such as ["DL3008"] or ShellCheck codes such as ["SC2086"]');
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw RustDockerError.forOption(option, `${showValue(reason)} is not a reason`, 'Say why the rule does not apply: the reason is written above the ignore');
  }
  checkOneLine(option, reason);
  return `${reason.trim()}\nhadolint ignore=${rules.join(',')}`;
}
