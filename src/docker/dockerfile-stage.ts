import { RustDockerError, showValue } from '../errors';
import { DockerHealthcheck } from '../settings';
import { checkInteger, checkLabelKey, checkOneLine, checkPort, checkVariableName, MAX_INT32 } from '../validators';
import {
  assertContinuedArgs, assertStageName, assertToken, checkLine, CONTINUATION_INDENT, execForm, hadolintIgnore, normalizeKeyword,
  pathList, quoteValue, stageLocation,
} from './dockerfile-instruction';

/**
 * One line (or one continued instruction) of a Dockerfile stage, as rendered.
 *
 * `keyword` is the upper-case instruction (`RUN`, `COPY`…), `#` for a comment, or `""` for a
 * raw line added with `DockerStage.raw()` (rendered verbatim). `args` is everything after the
 * keyword, already escaped (it may span several lines joined by ` \` continuations).
 */
export interface DockerInstruction {
  /** Upper-case instruction keyword, `#` for a comment, `""` for a raw line. */
  readonly keyword: string;
  /** The rendered arguments (for a raw line: the whole line). */
  readonly args: string;
}

/** The kind of a BuildKit `RUN --mount`. */
export enum MountType {
  /** A persistent cache directory (`type=cache`), e.g. the cargo registry or `target/`. */
  CACHE = 'cache',
  /** A read-only (by default) view of the build context or another stage (`type=bind`). */
  BIND = 'bind',
  /** A build secret (`type=secret`), never stored in a layer. */
  SECRET = 'secret',
}

/** How concurrent builds share a cache mount. */
export enum CacheSharing {
  /** Concurrent writers share the cache (BuildKit's default). */
  SHARED = 'shared',
  /** Each concurrent writer gets its own copy. */
  PRIVATE = 'private',
  /** Writers wait for each other (safe for cargo's registry and `target/`). */
  LOCKED = 'locked',
}

/** One `--mount=…` flag of a RUN instruction. */
export interface RunMount {
  /** Kind of mount. */
  readonly type: MountType;
  /**
   * Mount path inside the container.
   * @default - required for CACHE and BIND; for SECRET `/run/secrets/<id>`
   */
  readonly target?: string;
  /**
   * Cache id (CACHE) or secret id (SECRET).
   * @default - the target path (CACHE); required for SECRET unless `target` is set
   */
  readonly id?: string;
  /**
   * Path in `from` to mount (BIND, CACHE).
   * @default - the root of `from`
   */
  readonly source?: string;
  /**
   * Stage or image to mount from (BIND, CACHE).
   * @default - the build context (BIND) / an empty directory (CACHE)
   */
  readonly from?: string;
  /**
   * Sharing mode of a CACHE mount.
   * @default - BuildKit's default (SHARED)
   */
  readonly sharing?: CacheSharing;
  /**
   * Fail the build if the SECRET is not provided.
   * @default false
   */
  readonly required?: boolean;
  /**
   * Expose the SECRET as this environment variable (dockerfile frontend 1.10+) instead of a file.
   * @default - a file at `target`
   */
  readonly env?: string;
  /**
   * Mount a CACHE read-only (`ro`).
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Make a BIND mount writable (`rw`; writes are discarded after the RUN).
   * @default false
   */
  readonly readWrite?: boolean;
}

/** A RUN instruction with BuildKit mounts. */
export interface RunOptions {
  /** Shell commands, joined with ` && \` continuations (one per line). */
  readonly commands: string[];
  /**
   * `--mount` flags, in order.
   * @default - none
   */
  readonly mounts?: RunMount[];
}

/** A COPY instruction. */
export interface CopyOptions {
  /** Source paths (in the build context, or in `from`); Docker expands `$VAR` in paths. */
  readonly sources: string[];
  /** Destination path in the image (end with `/` for a directory when copying several sources). */
  readonly dest: string;
  /**
   * Stage name or image to copy from (`--from`).
   * @default - the build context
   */
  readonly from?: string;
  /**
   * Owner of the copied files (`--chown=user[:group]`).
   * @default - root
   */
  readonly chown?: string;
  /**
   * Use `--link` (independent layer; rendered as a flag only: engines without BuildKit
   * `--link` support, like the legacy builder, reject it).
   * @default false
   */
  readonly link?: boolean;
}

/** Options of an ENV / LABEL / ARG value. */
export interface ValueOptions {
  /**
   * Let Docker expand `$VAR` / `${VAR}` in the value (e.g. `PATH="/x:$PATH"`). Otherwise `$`
   * is escaped and the value is literal.
   * @default false
   */
  readonly allowSubstitution?: boolean;
}

/** Options of a Dockerfile stage (its FROM line). */
export interface DockerStageOptions {
  /** Base image (`debian:bookworm-slim`) or the name of an earlier stage. */
  readonly from: string;
  /**
   * Stage name (`AS <name>`): lower-case `[a-z][a-z0-9_.-]*`, unique in the Dockerfile.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * `--platform` of the FROM (e.g. `$BUILDPLATFORM`).
   * @default - the target platform
   */
  readonly platform?: string;
  /**
   * Comment lines right above the FROM line (a text with `\n` becomes several lines), e.g. a
   * linter's ignore pragma with its reason.
   * @default - none
   */
  readonly fromComment?: string;
}

/**
 * One build stage: a FROM line and its instructions. Every method returns the stage (chainable)
 * and validates its input immediately (a bad value throws here, not at synth). Errors name the
 * stage as their `location`: `Dockerfile stage "builder"`, or for an unnamed stage its index in its
 * Dockerfile (`Dockerfile stage 2`, counted from 0 as in `COPY --from=2`) or its image
 * (`Dockerfile stage FROM debian:bookworm-slim`) when it is in no Dockerfile.
 */
export class DockerStage {
  /** Stage name (`AS <name>`), if any. */
  public readonly name?: string;
  /** Base image or earlier stage. */
  public readonly from: string;
  /** `--platform` of the FROM line, if any. */
  public readonly platform?: string;
  /** Comment lines above the FROM line, if any. */
  public readonly fromComment?: string;
  private readonly _instructions: DockerInstruction[] = [];
  /** Where the stage is, set by the Dockerfile that holds it (its index and path). */
  private locate?: () => string;

  public constructor(options: DockerStageOptions) {
    this.from = options.from;
    this.name = options.name;
    this.platform = options.platform;
    this.fromComment = options.fromComment;
    this.located(() => {
      if (options.fromComment !== undefined && typeof options.fromComment !== 'string') {
        throw RustDockerError.forOption('DockerStageOptions.fromComment', `expected a string, got ${showValue(options.fromComment)}`, 'Pass a string');
      }
      assertToken('DockerStageOptions.from', options.from);
      if (options.name !== undefined) {
        assertStageName('DockerStageOptions.name', options.name);
      }
      if (options.platform !== undefined) {
        assertToken('DockerStageOptions.platform', options.platform);
      }
    });
  }

  /** The instructions after FROM, in order (a copy: use the methods to change them). */
  public get instructions(): DockerInstruction[] {
    return this._instructions.map((i) => ({ ...i }));
  }

  /** The FROM line. */
  public renderFrom(): string {
    const platform = this.platform ? `--platform=${this.platform} ` : '';
    const name = this.name ? ` AS ${this.name}` : '';
    return `FROM ${platform}${this.from}${name}`;
  }

  /** The comment lines above the FROM line (`fromComment`), each with its `# `. */
  public renderFromComment(): string[] {
    if (this.fromComment === undefined) return [];
    return this.fromComment.split(/\r\n|\r|\n/).map((l) => (l.trim() === '' ? '#' : `# ${l.replace(/\s+$/, '')}`));
  }

  /**
   * Silences hadolint rules for the next instruction, with the reason: `# <reason>` then
   * `# hadolint ignore=<rules>` (hadolint reads the pragma only right above the instruction).
   */
  public lintIgnore(rules: string[], reason: string): DockerStage {
    return this.located(() => this.comment(hadolintIgnore('lintIgnore', rules, reason)));
  }

  /** A comment line (`# text`); a multi-line text becomes several comment lines. */
  public comment(text: string): DockerStage {
    return this.located(() => {
      if (typeof text !== 'string') {
        throw RustDockerError.forOption('comment', `expected a string, got ${showValue(text)}`, 'Pass a string');
      }
      for (const line of text.split(/\r\n|\r|\n/)) {
        this.push('#', line.replace(/\s+$/, ''));
      }
      return this;
    });
  }

  /** `ARG name[=default]` (the default is quoted; see `ValueOptions`). */
  public arg(name: string, defaultValue?: string, options?: ValueOptions): DockerStage {
    return this.located(() => {
      checkVariableName('ARG name', name);
      const value = defaultValue === undefined ? ''
        : `=${quoteValue(`ARG ${name}`, defaultValue, options?.allowSubstitution)}`;
      return this.push('ARG', `${name}${value}`);
    });
  }

  /** `ENV name="value"` (quoted; `$` escaped unless `options.allowSubstitution`). */
  public env(name: string, value: string, options?: ValueOptions): DockerStage {
    return this.located(() => {
      checkVariableName('ENV name', name);
      return this.push('ENV', `${name}=${quoteValue(`ENV ${name}`, value, options?.allowSubstitution)}`);
    });
  }

  /** `LABEL key="value"` (quoted; `$` escaped unless `options.allowSubstitution`). */
  public label(name: string, value: string, options?: ValueOptions): DockerStage {
    return this.located(() => {
      checkLabelKey('LABEL key', name);
      return this.push('LABEL', `${name}=${quoteValue(`LABEL ${name}`, value, options?.allowSubstitution)}`);
    });
  }

  /** `WORKDIR path`. */
  public workdir(path: string): DockerStage {
    return this.located(() => {
      checkLine('WORKDIR', path);
      if (path.trim() === '') {
        throw RustDockerError.forOption('WORKDIR', 'the path is empty', 'Pass an absolute path, e.g. "/app"');
      }
      return this.push('WORKDIR', path);
    });
  }

  /** `COPY [--from=…] [--chown=…] [--link] src… dest`. */
  public copy(options: CopyOptions): DockerStage {
    return this.located(() => {
      if (!Array.isArray(options.sources) || options.sources.length === 0) {
        throw RustDockerError.forOption('CopyOptions.sources', `expected at least one source, got ${showValue(options.sources)}`,
          'Pass the paths to copy');
      }
      const flags: string[] = [];
      if (options.from !== undefined) {
        assertToken('CopyOptions.from', options.from);
        flags.push(`--from=${options.from}`);
      }
      if (options.chown !== undefined) {
        assertToken('CopyOptions.chown', options.chown);
        flags.push(`--chown=${options.chown}`);
      }
      if (options.link) {
        flags.push('--link');
      }
      const paths = pathList('CopyOptions.sources/dest', [...options.sources, options.dest]);
      return this.push('COPY', [...flags, paths].join(' '));
    });
  }

  /**
   * A RUN instruction: a single shell command, or `RunOptions` (several commands joined with
   * ` && \` and BuildKit `--mount` flags). A command may not contain a line break.
   */
  public run(commandOrOptions: string | RunOptions): DockerStage {
    if (typeof commandOrOptions === 'string') {
      return this.runWith({ commands: [commandOrOptions] });
    }
    return this.runWith(commandOrOptions);
  }

  /** A RUN instruction with several commands and/or `--mount` flags. */
  public runWith(options: RunOptions): DockerStage {
    return this.located(() => {
      const commands = options.commands;
      if (!Array.isArray(commands) || commands.length === 0) {
        throw RustDockerError.forOption('RunOptions.commands', `expected at least one command, got ${showValue(commands)}`,
          'Pass the shell commands to run');
      }
      for (const c of commands) {
        assertShellCommand(c);
      }
      const mounts = (options.mounts ?? []).map(renderMount);
      const parts = [...mounts, commands.map((c) => c.trim()).join(` && \\\n${CONTINUATION_INDENT}`)];
      return this.push('RUN', parts.join(` \\\n${CONTINUATION_INDENT}`));
    });
  }

  /** `USER user[:group]`. */
  public user(user: string): DockerStage {
    return this.located(() => {
      assertToken('USER', user);
      return this.push('USER', user);
    });
  }

  /** `EXPOSE port[/protocol]` (protocol `tcp`, `udp` or `sctp`). */
  public expose(port: number, protocol?: string): DockerStage {
    return this.located(() => {
      checkPort('EXPOSE', port);
      if (protocol !== undefined && !['tcp', 'udp', 'sctp'].includes(protocol)) {
        throw RustDockerError.forOption('EXPOSE', `protocol ${showValue(protocol)} is not supported`, 'Use "tcp", "udp" or "sctp"');
      }
      return this.push('EXPOSE', protocol ? `${port}/${protocol}` : `${port}`);
    });
  }

  /** `HEALTHCHECK [--interval=…s …] CMD ["…"]` (exec form). */
  public healthcheck(options: DockerHealthcheck): DockerStage {
    return this.located(() => {
      const flags: string[] = [];
      // the bounds documented on DockerHealthcheck (larger numbers render as "1e+300s" or overflow Docker's nanoseconds)
      const flag = (name: string, field: string, value: number | undefined, min: number) => {
        if (value === undefined) return;
        const unit = name === 'retries' ? 'retries' : 'seconds';
        checkInteger(`DockerHealthcheck.${field}`, value, min, MAX_INT32, unit);
        // Docker rejects a zero duration ("cannot be less than 1ms"): 0 means Docker's default
        if (value === 0) return;
        flags.push(name === 'retries' ? `--retries=${value}` : `--${name}=${value}s`);
      };
      flag('interval', 'intervalSeconds', options.intervalSeconds, 1);
      flag('timeout', 'timeoutSeconds', options.timeoutSeconds, 1);
      flag('start-period', 'startPeriodSeconds', options.startPeriodSeconds, 0);
      flag('retries', 'retries', options.retries, 1);
      return this.push('HEALTHCHECK', [...flags, 'CMD', execForm('DockerHealthcheck.command', options.command)].join(' '));
    });
  }

  /** `HEALTHCHECK NONE`: disable a healthcheck inherited from the base image. */
  public disableHealthcheck(): DockerStage {
    return this.push('HEALTHCHECK', 'NONE');
  }

  /** `ENTRYPOINT ["…"]` (exec form). */
  public entrypoint(args: string[]): DockerStage {
    return this.located(() => this.push('ENTRYPOINT', execForm('ENTRYPOINT', args)));
  }

  /** `CMD ["…"]` (exec form). */
  public cmd(args: string[]): DockerStage {
    return this.located(() => this.push('CMD', execForm('CMD', args)));
  }

  /** `STOPSIGNAL signal` (e.g. `SIGINT`). */
  public stopSignal(signal: string): DockerStage {
    return this.located(() => {
      assertToken('STOPSIGNAL', signal);
      return this.push('STOPSIGNAL', signal);
    });
  }

  /** `SHELL ["…"]` (exec form), e.g. `["/bin/bash", "-o", "pipefail", "-c"]`. */
  public shell(args: string[]): DockerStage {
    return this.located(() => this.push('SHELL', execForm('SHELL', args)));
  }

  /** Escape hatch: a line rendered verbatim (may be several lines; your responsibility). */
  public raw(line: string): DockerStage {
    return this.located(() => {
      if (typeof line !== 'string') {
        throw RustDockerError.forOption('raw', `expected a string, got ${showValue(line)}`, 'Pass a string');
      }
      return this.push('', line);
    });
  }

  /**
   * Escape hatch: appends `KEYWORD args` (args verbatim; line breaks only as ` \` continuations).
   */
  public addInstruction(keyword: string, args: string): DockerStage {
    return this.insertInstruction(this._instructions.length, keyword, args);
  }

  /**
   * Escape hatch: inserts `KEYWORD args` before the instruction at `index` (0 = right after
   * FROM; negative counts from the end; past the end appends).
   */
  public insertInstruction(index: number, keyword: string, args: string): DockerStage {
    return this.located(() => {
      const kw = normalizeKeyword('addInstruction keyword', keyword);
      assertContinuedArgs(`${kw} args`, args);
      assertInstructionEnds(kw, args);
      if (!Number.isInteger(index)) {
        throw RustDockerError.forOption('insertInstruction index', `${showValue(index)} is not an integer`, 'Pass an integer index');
      }
      const len = this._instructions.length;
      const at = index < 0 ? Math.max(0, len + index) : Math.min(index, len);
      this._instructions.splice(at, 0, { keyword: kw, args });
      return this;
    });
  }

  /** Escape hatch: removes every instruction with this keyword (`#` for comments). */
  public removeInstructions(keyword: string): DockerStage {
    const kw = keyword === '#' ? '#' : keyword.toUpperCase();
    for (let i = this._instructions.length - 1; i >= 0; i--) {
      if (this._instructions[i].keyword === kw) {
        this._instructions.splice(i, 1);
      }
    }
    return this;
  }

  /** The stage names / images this stage reads from (FROM, COPY --from, RUN --mount from=). */
  public references(): string[] {
    const refs = [this.from];
    for (const i of this._instructions) {
      if (!['COPY', 'ADD', 'RUN'].includes(i.keyword)) continue;
      // only the leading flags: a `--from=` inside a RUN command is not a stage reference
      const tokens = i.args.split(/\s+|\\\n/).filter((t) => t !== '' && t !== '\\');
      const firstArg = tokens.findIndex((t) => !t.startsWith('--'));
      for (const flag of firstArg < 0 ? tokens : tokens.slice(0, firstArg)) {
        const from = /^--from=(.+)$/.exec(flag);
        if (from) refs.push(from[1]);
        const mount = /^--mount=(?:.*,)?from=([^,]+)/.exec(flag);
        if (mount) refs.push(mount[1]);
      }
    }
    return refs;
  }

  /**
   * Called by the Dockerfile that holds the stage (`undefined` when it lets go of it): errors then
   * name the stage by its place in that file.
   * @internal
   */
  public _placeIn(locate: (() => string) | undefined): void {
    this.locate = locate;
  }

  /** Where the stage is, for errors: its Dockerfile's view, else its name or its image. */
  private get location(): string {
    return this.locate?.() ?? stageLocation(this.name, this.from);
  }

  /** Runs `build`, rethrowing its RustDockerError with the stage as the location (the one place errors get it). */
  private located<T>(build: () => T): T {
    try {
      return build();
    } catch (e) {
      if (e instanceof RustDockerError) throw e.with({ location: this.location });
      throw e;
    }
  }

  private push(keyword: string, args: string): DockerStage {
    if (keyword !== '' && keyword !== '#') {
      assertInstructionEnds(keyword, args);
    }
    this._instructions.push({ keyword, args });
    return this;
  }
}

/**
 * Safety net for every rendered instruction: Docker treats ANY line ending in `\` (even an
 * escaped `\\`, even followed by spaces) as continued, which would swallow the next line.
 */
function assertInstructionEnds(keyword: string, args: string): void {
  if (/\\[ \t]*$/.test(args)) {
    throw RustDockerError.forOption(keyword, `${showValue(args)} ends with a backslash, which Docker reads as a line continuation (it would swallow the next instruction)`,
      'Remove the trailing backslash');
  }
}

/** A shell command of a RUN: one line, non-empty, not a comment, no dangling continuation. */
function assertShellCommand(command: string): void {
  if (typeof command !== 'string') {
    throw RustDockerError.forOption('RunOptions.commands', `expected a string, got ${showValue(command)}`, 'Pass strings');
  }
  checkOneLine('RunOptions.commands', command, 'it would end the RUN instruction (the rest would be parsed as new instructions); '
    + 'pass each command as its own element of "commands" (they are joined with " && \\"), or use a heredoc through DockerStage.raw()');
  const trimmed = command.trim();
  if (trimmed === '') {
    throw RustDockerError.forOption('RunOptions.commands', 'a command is empty', 'Remove the empty command');
  }
  if (trimmed.startsWith('#')) {
    throw RustDockerError.forOption('RunOptions.commands',
      `${showValue(command)} is a comment: Docker drops comment lines inside a RUN, which would leave a dangling "&&"`,
      'Use DockerStage.comment() before the RUN instead');
  }
  if (trimmed.endsWith('\\')) {
    throw RustDockerError.forOption('RunOptions.commands',
      `${showValue(command)} ends with a backslash; commands are joined with " && \\" for you`,
      'Remove the trailing backslash');
  }
}

const MOUNT_VALUE = /^[^\s,"'=]+$/;

function mountValue(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  checkLine(`RunMount.${field}`, value);
  if (!MOUNT_VALUE.test(value)) {
    throw RustDockerError.forOption(`RunMount.${field}`,
      `${showValue(value)} must be non-empty without whitespace, ",", "=" or quotes (it is a field of a --mount flag)`,
      'Use a plain path or id');
  }
  return value;
}

/** Renders one `--mount=type=…,…` flag, checking the fields make sense for the mount type. */
function renderMount(mount: RunMount): string {
  const type = mount.type;
  if (!Object.values(MountType).includes(type)) {
    throw RustDockerError.forOption('RunMount.type', `${showValue(type)} is not a mount type`, 'Use MountType.CACHE, BIND or SECRET');
  }
  const only = (field: keyof RunMount, allowed: MountType[]) => {
    if (mount[field] !== undefined && mount[field] !== false && !allowed.includes(type)) {
      throw RustDockerError.forOption(`RunMount.${field}`, `is not valid for a ${type} mount`,
        `Remove "${field}" (it applies to ${allowed.join('/')} mounts)`);
    }
  };
  only('sharing', [MountType.CACHE]);
  only('from', [MountType.CACHE, MountType.BIND]);
  only('source', [MountType.CACHE, MountType.BIND]);
  only('required', [MountType.SECRET]);
  only('env', [MountType.SECRET]);
  only('readOnly', [MountType.CACHE]);
  only('readWrite', [MountType.BIND]);
  const target = mountValue('target', mount.target);
  const id = mountValue('id', mount.id);
  if ((type === MountType.CACHE || type === MountType.BIND) && target === undefined) {
    throw RustDockerError.forOption('RunMount.target', `a ${type} mount needs a target`, 'Set "target" to the mount path');
  }
  if (type === MountType.SECRET && id === undefined && target === undefined && mount.env === undefined) {
    throw RustDockerError.forOption('RunMount.id', 'a secret mount needs an id', 'Set "id" to the secret id passed to docker build --secret');
  }
  if (mount.sharing !== undefined && !Object.values(CacheSharing).includes(mount.sharing)) {
    throw RustDockerError.forOption('RunMount.sharing', `${showValue(mount.sharing)} is not a sharing mode`, 'Use CacheSharing.SHARED, PRIVATE or LOCKED');
  }
  if (mount.env !== undefined) {
    checkVariableName('RunMount.env', mount.env, 'NPM_TOKEN');
  }
  const fields: string[] = [`type=${type}`];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined) fields.push(`${key}=${value}`);
  };
  add('target', target);
  add('id', id);
  add('from', mountValue('from', mount.from));
  add('source', mountValue('source', mount.source));
  add('sharing', mount.sharing);
  add('env', mount.env);
  if (mount.required) fields.push('required=true');
  if (mount.readOnly) fields.push('ro');
  if (mount.readWrite) fields.push('rw');
  return `--mount=${fields.join(',')}`;
}
