import { IConstruct } from 'constructs';
import { FileBase, FileBaseOptions, IResolver } from 'projen';
import { RustDockerError, showValue } from '../errors';
import { checkVariableName } from '../validators';
import { checkLine, quoteValue, renderInstruction, stageLocation } from './dockerfile-instruction';
import { DockerStage, DockerStageOptions } from './dockerfile-stage';

export * from './dockerfile-stage';

/** Options for `Dockerfile`. */
export interface DockerfileOptions extends FileBaseOptions {
  /**
   * The `# syntax=` parser directive (the BuildKit Dockerfile frontend image); `""` for none.
   * @default "docker/dockerfile:1"
   */
  readonly syntax?: string;

  /**
   * Comment lines written after the projen marker (without the leading `# `).
   * @default - none
   */
  readonly header?: string[];
}

/** Parser directives this model supports, in the order they are written. */
const DIRECTIVES = ['syntax', 'check'];

/**
 * A projen-managed Dockerfile (read-only, with the projen marker) built from a typed model of
 * stages and instructions.
 *
 * Rendered at synth: parser directives (`# syntax=…`, `# check=…`) on the first lines, then the
 * marker comment, then header comments, then the global ARGs, then the stages separated by blank lines, then raw lines.
 *
 * Errors name their `location`: `Dockerfile "<path>"` for the file's own (directives, stage
 * references, insertStage), and for a stage's `Dockerfile stage "builder" of "<path>"` (an unnamed
 * stage by its index, from 0: `Dockerfile stage 2 of "<path>"`).
 */
export class Dockerfile extends FileBase {
  /** The default `# syntax=` parser directive: the latest stable 1.x Dockerfile frontend. */
  public static readonly DEFAULT_SYNTAX = 'docker/dockerfile:1';

  private readonly directives = new Map<string, string>();
  private readonly header: string[] = [];
  private readonly _stages: DockerStage[] = [];
  private readonly globalArgs: string[] = [];
  private readonly rawLines: string[] = [];

  public constructor(scope: IConstruct, filePath: string, options: DockerfileOptions = {}) {
    super(scope, filePath, options);
    const syntax = options.syntax ?? Dockerfile.DEFAULT_SYNTAX;
    if (syntax !== '') {
      this.addDirective('syntax', syntax);
    }
    this.addHeaderComment(...(options.header ?? []));
  }

  /** The stages, in order (a copy of the list; the stages themselves are live). */
  public get stages(): DockerStage[] {
    return [...this._stages];
  }

  /**
   * Sets a parser directive: `syntax` or `check` (e.g. `check`, `skip=JSONArgsRecommended`).
   * Setting one again replaces it; `escape` is not supported (the model always uses `\`).
   */
  public addDirective(name: string, value: string): Dockerfile {
    return this.located(() => {
      const key = typeof name === 'string' ? name.toLowerCase() : name;
      if (!DIRECTIVES.includes(key)) {
        throw RustDockerError.forOption('Dockerfile directive', `${showValue(name)} is not a supported parser directive`,
          `Use one of: ${DIRECTIVES.join(', ')} (the escape directive is not supported: this model always escapes with "\\")`);
      }
      checkLine(`Dockerfile directive ${key}`, value);
      if (value.trim() === '' || value !== value.trim()) {
        throw RustDockerError.forOption(`Dockerfile directive ${key}`, `${showValue(value)} is empty or has surrounding whitespace`,
          'Pass a trimmed value (e.g. "docker/dockerfile:1")');
      }
      this.directives.set(key, value);
      return this;
    });
  }

  /** Removes a parser directive (e.g. `syntax`). */
  public removeDirective(name: string): Dockerfile {
    this.directives.delete(name.toLowerCase());
    return this;
  }

  /** Appends comment lines after the projen marker (a line with `\n` becomes several comments). */
  public addHeaderComment(...lines: string[]): Dockerfile {
    return this.located(() => {
      for (const line of lines) {
        if (typeof line !== 'string') {
          throw RustDockerError.forOption('Dockerfile header', `expected a string, got ${showValue(line)}`, 'Pass strings');
        }
        this.header.push(...line.split(/\r\n|\r|\n/).map((l) => l.replace(/\s+$/, '')));
      }
      return this;
    });
  }

  /**
   * A global `ARG name="default"` before the first FROM: FROM lines may use it (`FROM ${name}`), e.g. to
   * pick a stage or a named build context with `--build-arg`. (Inside a stage it is only visible after
   * an `ARG name` of its own.) Global args render in the order they were added.
   */
  public addGlobalArg(name: string, defaultValue?: string): Dockerfile {
    return this.located(() => {
      checkVariableName('global ARG name', name);
      if (this.globalArgs.some((a) => a === name || a.startsWith(`${name}=`))) {
        throw RustDockerError.forOption('global ARG name', `${showValue(name)} is already declared`, 'Declare each global ARG once');
      }
      this.globalArgs.push(defaultValue === undefined ? name : `${name}=${quoteValue(`global ARG ${name}`, defaultValue)}`);
      return this;
    });
  }

  /** Appends a stage. */
  public addStage(options: DockerStageOptions): DockerStage {
    return this.insertStage(this._stages.length, options);
  }

  /** Inserts a stage before the stage at `index` (past the end appends). */
  public insertStage(index: number, options: DockerStageOptions): DockerStage {
    return this.located(() => {
      if (!Number.isInteger(index) || index < 0) {
        throw RustDockerError.forOption('insertStage index', `${showValue(index)} is not an integer >= 0`, 'Pass a stage index');
      }
      const stage = new DockerStage(options);
      if (stage.name !== undefined && this.tryFindStage(stage.name)) {
        throw RustDockerError.forOption('DockerStageOptions.name', `a stage named ${showValue(stage.name)} already exists`,
          'Use a unique stage name, or get the existing one with tryFindStage()');
      }
      this._stages.splice(Math.min(index, this._stages.length), 0, stage);
      // from now on the stage's errors name it by its place in this file (its index changes as stages come and go)
      stage._placeIn(() => {
        const at = this._stages.indexOf(stage);
        return `${stageLocation(stage.name, stage.from, at < 0 ? undefined : at)} of ${showValue(this.path)}`;
      });
      return stage;
    });
  }

  /** The stage with this name, if any. */
  public tryFindStage(name: string): DockerStage | undefined {
    return this._stages.find((s) => s.name === name);
  }

  /** Removes the stage with this name (no-op if there is none). */
  public removeStage(name: string): Dockerfile {
    const i = this._stages.findIndex((s) => s.name === name);
    if (i >= 0) this._stages.splice(i, 1)[0]._placeIn(undefined);
    return this;
  }

  /** Escape hatch: lines appended verbatim after the last stage. */
  public addRawLines(...lines: string[]): Dockerfile {
    this.rawLines.push(...lines);
    return this;
  }

  /** The Dockerfile text (what synth writes). */
  public render(): string {
    this.located(() => this.checkStageReferences());
    const out: string[] = [];
    for (const key of DIRECTIVES) {
      const value = this.directives.get(key);
      if (value !== undefined) out.push(`# ${key}=${value}`);
    }
    if (this.marker) {
      out.push(`# ${this.marker}`);
    } else if (out.length > 0 && this.header.length > 0) {
      // no marker: a blank line ends the directives, so a header comment can never become one
      out.push('');
    }
    out.push(...this.header.map((l) => (l === '' ? '#' : `# ${l}`)));
    const blocks: string[][] = this.globalArgs.length > 0 ? [this.globalArgs.map((a) => `ARG ${a}`)] : [];
    blocks.push(...this._stages.map((s) => [...s.renderFromComment(), s.renderFrom(), ...s.instructions.map(renderInstruction)]));
    if (this.rawLines.length > 0) blocks.push([...this.rawLines]);
    for (const block of blocks) {
      if (out.length > 0) out.push('');
      out.push(...block);
    }
    return `${out.join('\n')}\n`;
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    return this.render();
  }

  /** Runs `build`, rethrowing its RustDockerError with this file as the location (unless it names a stage already). */
  private located<T>(build: () => T): T {
    try {
      return build();
    } catch (e) {
      if (e instanceof RustDockerError) throw e.with({ location: `Dockerfile ${showValue(this.path)}` });
      throw e;
    }
  }

  /** A stage may only refer (FROM, COPY --from, --mount from=) to stages defined before it. */
  private checkStageReferences(): void {
    const names = this._stages.map((s) => s.name);
    this._stages.forEach((stage, index) => {
      for (const ref of stage.references()) {
        const at = names.indexOf(ref);
        if (at >= index) {
          throw RustDockerError.forOption(`stage ${showValue(stage.name ?? index)}`,
            `refers to stage ${showValue(ref)}, which is ${at === index ? 'itself' : 'defined after it'}`,
            'Reorder the stages (insertStage) so every stage only uses earlier ones');
        }
      }
    });
  }
}
