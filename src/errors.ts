/** What an error is about, besides the option: the preset that set the value, the Dockerfile stage, the generated file. */
export interface ErrorContext {
  /** The bad value (shown in `problem` already; kept as data for tools). */
  readonly value?: unknown;
  /** The settings layer the value came from when not the project itself, e.g. `preset "acme"`. */
  readonly source?: string;
  /** Where in the generated output, e.g. `Dockerfile stage "builder"` or `.github/workflows/docker.yml`. */
  readonly location?: string;
}

/**
 * The one error type projen-rust-docker throws for bad input.
 *
 * It carries the `option`, the `problem`, the `fix` and, where known, the `value`, the preset it came
 * from (`source`) and the place in the generated output (`location`), as fields; the message is
 * rendered from them, lowercase, e.g.
 * `option "uid": 0 is not a non-root UID. Set "runAsRoot" to true to run as root (the value comes from preset "acme")`.
 * Several errors of one synthesis are reported together (`RustDockerError.combine`): `errors` lists them.
 *
 * Internal (not exported through jsii, which cannot extend `Error`): match it with
 * `err.name === 'RustDockerError'` from user code.
 */
export class RustDockerError extends Error {
  /** An error about an option: `option "<option>": <problem>. <fix>` (+ where it came from). */
  public static forOption(option: string, problem: string, fix: string, context: ErrorContext = {}): RustDockerError {
    return new RustDockerError({ option, problem, fix, ...context });
  }

  /** One error for several: the only one unchanged, else a list (each line one error's message). */
  public static combine(errors: RustDockerError[]): RustDockerError {
    if (errors.length === 1) return errors[0];
    const message = `found ${errors.length} problems:\n${errors.map((e, i) => `  ${i + 1}. ${e.message}`).join('\n')}`;
    const combined = new RustDockerError({ problem: message, fix: '' });
    combined.errors = errors;
    return combined;
  }

  /** The option (`uid`, `e2e.httpProbe.port`, `DockerStageOptions.name`), if the error is about one. */
  public readonly option?: string;
  /** What is wrong. */
  public readonly problem: string;
  /** What to do. */
  public readonly fix: string;
  /** The bad value, if known. */
  public readonly value?: unknown;
  /** The settings layer the value came from, e.g. `preset "acme"`. */
  public readonly source?: string;
  /** Where in the generated output. */
  public readonly location?: string;
  /** Every error of a combined error (one entry: this error). */
  public errors: RustDockerError[];

  /** `problem` alone is rendered verbatim (a message that names no single option). */
  public constructor(fields: { option?: string; problem: string; fix?: string } & ErrorContext) {
    super(renderMessage(fields));
    this.name = 'RustDockerError';
    this.option = fields.option;
    this.problem = fields.problem;
    this.fix = fields.fix ?? '';
    this.value = fields.value;
    this.source = fields.source;
    this.location = fields.location;
    this.errors = [this];
    Object.setPrototypeOf(this, RustDockerError.prototype);
  }

  /** The same error with more context (a preset as its source, a location); unchanged fields kept. */
  public with(context: ErrorContext): RustDockerError {
    if (this.errors.length > 1) return RustDockerError.combine(this.errors.map(e => e.with(context)));
    return new RustDockerError({
      option: this.option,
      problem: this.problem,
      fix: this.fix,
      value: this.value,
      source: this.source ?? context.source,
      location: this.location ?? context.location,
    });
  }
}

function renderMessage(f: { option?: string; problem: string; fix?: string } & ErrorContext): string {
  const head = f.option === undefined ? f.problem : `option "${f.option}": ${f.problem}`;
  const fix = f.fix ? `. ${f.fix}` : '';
  const source = f.source ? ` (the value comes from ${f.source})` : '';
  const where = f.location ? ` [in ${f.location}]` : '';
  return `${head}${fix}${source}${where}`;
}

/**
 * Collects the errors of independent checks, so one synthesis reports every bad option at once
 * (as cdk8s reports every validation error), not only the first.
 */
export class ErrorCollector {
  private readonly collected: RustDockerError[] = [];

  /** Runs `check`; on a RustDockerError, records it and returns `fallback` so later checks can go on. */
  public attempt<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (e) {
      if (!(e instanceof RustDockerError)) throw e;
      this.collected.push(...e.errors);
      return fallback;
    }
  }

  /** Records an error. */
  public add(error: RustDockerError): void {
    this.collected.push(...error.errors);
  }

  /** Whether any error was recorded. */
  public get failed(): boolean {
    return this.collected.length > 0;
  }

  /** Throws every recorded error as one (`RustDockerError.combine`), if any. */
  public throwIfAny(): void {
    if (this.collected.length > 0) throw RustDockerError.combine(this.collected);
  }
}

/**
 * Quotes a user value for an error message (JSON, so newlines and quotes stay visible; dates as ISO
 * text, as TOML writes them), cut to `maxLength` characters when given.
 */
export function showValue(value: unknown, maxLength?: number): string {
  let text: string;
  try {
    text = value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value); // a cycle or a BigInt
  }
  return maxLength !== undefined && text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}
