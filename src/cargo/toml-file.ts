import * as fs from 'fs';
import * as TOML from '@iarna/toml';
import { CargoInferenceError } from './cargo-inference-error';
import { toToml10 } from './toml-compat';
import { showValue } from '../errors';

/**
 * A parsed TOML table (internal helper type, not part of the jsii API).
 */
export interface TomlTable {
  readonly [key: string]: unknown;
}

/** Whether `value` is a TOML table (and not an array or a date). */
export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Short, single-line rendering of a TOML value for error messages. */
export function showTomlValue(value: unknown): string {
  return showValue(value, 60);
}

/**
 * Reads a text file, turning file-system errors into `CargoInferenceError`s.
 *
 * @param absPath absolute path of the file
 * @param displayPath path shown in messages (relative to the workspace root)
 * @param fix sentence appended to the message telling the user what to do
 */
export function readTextFile(absPath: string, displayPath: string, fix: string): string {
  try {
    return fs.readFileSync(absPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    const reason = code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : code ?? 'unreadable';
    throw new CargoInferenceError(`cannot read ${displayPath}: ${reason}. ${fix}`);
  }
}

/**
 * Parses TOML text; syntax errors become `CargoInferenceError`s naming the
 * file and the 1-based line and column.
 */
export function parseToml(text: string, displayPath: string): TomlTable {
  try {
    return TOML.parse(text) as TomlTable;
  } catch {
    // maybe TOML 1.1 syntax (accepted by cargo): retry in TOML 1.0 form, report that attempt's error
  }
  try {
    return TOML.parse(toToml10(text)) as TomlTable;
  } catch (e) {
    const err = e as { line?: unknown; col?: unknown; message?: unknown };
    const firstLine = String(err?.message ?? e).split('\n')[0]
      .replace(/ at row \d+, col \d+, pos \d+:?$/, '')
      .replace(/:$/, '');
    const reason = firstLine.length > 0 ? firstLine.charAt(0).toLowerCase() + firstLine.slice(1) : 'invalid TOML';
    const where = typeof err?.line === 'number'
      ? `line ${err.line + 1}${typeof err.col === 'number' ? `, column ${err.col + 1}` : ''}`
      : 'unknown line';
    throw new CargoInferenceError(
      `cannot parse ${displayPath} (${where}): ${reason}. Fix the TOML syntax at ${displayPath}:${where.replace(/^line /, '').replace(/, column /, ':')}.`,
    );
  }
}

/** Reads and parses a TOML file (see {@link readTextFile} and {@link parseToml}). */
export function readTomlFile(absPath: string, displayPath: string, fix: string): TomlTable {
  return parseToml(readTextFile(absPath, displayPath, fix), displayPath);
}

/**
 * Typed accessors for values of one TOML file; wrong types become
 * `CargoInferenceError`s naming the file and the dotted key.
 */
export class TomlFields {
  /** @param file path of the file, relative to the workspace root, for messages */
  constructor(public readonly file: string) {}

  /** Error for a value of the wrong type. */
  public invalid(key: string, value: unknown, expected: string): CargoInferenceError {
    return new CargoInferenceError(
      `invalid "${key}" in ${this.file}: expected ${expected}, got ${showTomlValue(value)}. Fix "${key}" in ${this.file}.`,
    );
  }

  /** A sub-table, or undefined when absent. */
  public table(parent: TomlTable, key: string, fullKey: string): TomlTable | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (!isTable(v)) throw this.invalid(fullKey, v, 'a table');
    return v;
  }

  /** A string, or undefined when absent. */
  public string(parent: TomlTable, key: string, fullKey: string): string | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw this.invalid(fullKey, v, 'a string');
    return v;
  }

  /** A boolean, or undefined when absent. */
  public boolean(parent: TomlTable, key: string, fullKey: string): boolean | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw this.invalid(fullKey, v, 'true or false');
    return v;
  }

  /** An array of strings, or undefined when absent. */
  public stringArray(parent: TomlTable, key: string, fullKey: string): string[] | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some(x => typeof x !== 'string')) throw this.invalid(fullKey, v, 'an array of strings');
    return v as string[];
  }

  /** An array of tables (e.g. `[[bin]]`), or undefined when absent. */
  public tableArray(parent: TomlTable, key: string, fullKey: string): TomlTable[] | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some(x => !isTable(x))) throw this.invalid(fullKey, v, `an array of tables ([[${fullKey}]])`);
    return v as TomlTable[];
  }
}
