/**
 * The one error type projen-rust-docker throws for bad input.
 *
 * Messages start lowercase and name the option, the bad value and the fix, e.g.
 * `option "runtime": DISTROLESS_STATIC cannot run a glibc binary (targetLibc GNU). Set "targetLibc" to MUSL or use DISTROLESS_CC.`
 *
 * Internal (not exported through jsii, which cannot extend `Error`): match it with
 * `err.name === 'RustDockerError'` from user code.
 */
export class RustDockerError extends Error {
  /** Builds the standard message: `option "<option>": <problem>. <fix>` */
  public static forOption(option: string, problem: string, fix: string): RustDockerError {
    return new RustDockerError(`option "${option}": ${problem}. ${fix}`, option);
  }

  public constructor(message: string, public readonly option?: string) {
    super(message);
    this.name = 'RustDockerError';
    Object.setPrototypeOf(this, RustDockerError.prototype);
  }
}

/** Quotes a user value for an error message (JSON, so newlines and quotes stay visible). */
export function showValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
