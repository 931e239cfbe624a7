import { IConstruct } from 'constructs';
import { FileBase, FileBaseOptions, IResolver } from 'projen';
import { RustDockerError, showValue } from '../errors';
import { checkOneLine } from '../validators';

/** Options for `DockerIgnore`. */
export interface DockerIgnoreOptions extends FileBaseOptions {
  /**
   * Initial patterns, in order (a `!` prefix re-includes, e.g. `["*", "!src"]`).
   * @default - none
   */
  readonly patterns?: string[];
}

/**
 * A projen-managed `.dockerignore` (read-only, marker comment on the first line).
 *
 * Unlike projen's `IgnoreFile`, which moves a re-added pattern to the end and drops the
 * opposite pattern (turning `*`, `!src`, `*` into `!src`, `*`, which ignores everything), this
 * file keeps patterns exactly in the order they were first added: in `.dockerignore` the last
 * matching line wins, so order is meaning. Duplicates are dropped (the first one stays).
 *
 * For an allow-list (`*` then `!path` entries) prefer explicit paths: with Docker 20.10 a `!`
 * pattern whose directory part has a wildcard (a star for the crate directory, or a double-star
 * prefix) re-includes nothing below a directory that `*` excluded.
 *
 * A bad pattern throws at once, its error naming the file as its `location` (`.dockerignore ".dockerignore"`).
 */
export class DockerIgnore extends FileBase {
  private readonly _patterns: string[] = [];

  public constructor(scope: IConstruct, filePath: string = '.dockerignore', options: DockerIgnoreOptions = {}) {
    super(scope, filePath, { editGitignore: true, ...options });
    this.addPatterns(...(options.patterns ?? []));
  }

  /** The patterns, in order (a copy). */
  public get patterns(): string[] {
    return [...this._patterns];
  }

  /**
   * Appends patterns (a `!` prefix re-includes). A pattern already present keeps its position.
   */
  public addPatterns(...patterns: string[]): DockerIgnore {
    return this.located(() => {
      for (const pattern of patterns) {
        const negated = typeof pattern === 'string' && pattern.startsWith('!');
        checkPath(negated ? pattern.slice(1) : pattern, pattern);
        if (!this._patterns.includes(pattern)) {
          this._patterns.push(pattern);
        }
      }
      return this;
    });
  }

  /** Re-includes paths (renders `!path`), e.g. after a `*` pattern for an allow-list. */
  public allow(...paths: string[]): DockerIgnore {
    return this.located(() => {
      for (const p of paths) {
        if (typeof p === 'string' && p.startsWith('!')) {
          throw RustDockerError.forOption('DockerIgnore.allow', `${showValue(p)} already starts with "!"`,
            'Pass the path without "!" (allow() adds it)');
        }
        checkPath(p, p);
      }
      return this.addPatterns(...paths.map((p) => `!${p}`));
    });
  }

  /** Removes patterns (exact strings, `!` included for re-includes). */
  public removePatterns(...patterns: string[]): DockerIgnore {
    for (const p of patterns) {
      const i = this._patterns.indexOf(p);
      if (i >= 0) this._patterns.splice(i, 1);
    }
    return this;
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    const lines = [...(this.marker ? [`# ${this.marker}`] : []), ...this._patterns];
    return `${lines.join('\n')}\n`;
  }

  /** Runs `change`, rethrowing its RustDockerError with this file as the location (the one place errors get it). */
  private located<T>(change: () => T): T {
    try {
      return change();
    } catch (e) {
      if (e instanceof RustDockerError) throw e.with({ location: `.dockerignore ${showValue(this.path)}` });
      throw e;
    }
  }
}

/** A pattern Docker would read back unchanged: one line, no surrounding whitespace, not a comment. */
function checkPath(body: string, pattern: string): void {
  const option = 'DockerIgnore pattern';
  if (typeof body !== 'string') {
    throw RustDockerError.forOption(option, `expected a string, got ${showValue(pattern)}`, 'Pass a string');
  }
  checkOneLine(option, pattern, 'it would add another pattern (pass each pattern separately)');
  if (body.trim() === '') {
    throw RustDockerError.forOption(option, `${showValue(pattern)} is empty`, 'Remove it');
  }
  if (body !== body.trim()) {
    throw RustDockerError.forOption(option, `${showValue(pattern)} has leading or trailing whitespace, which Docker strips`,
      'Trim the pattern');
  }
  if (pattern.startsWith('#')) {
    throw RustDockerError.forOption(option, `${showValue(pattern)} starts with "#", so Docker reads it as a comment`,
      'Write the pattern without a leading "#" (e.g. "**/#*" or "[#]name")');
  }
}
