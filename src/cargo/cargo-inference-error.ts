/**
 * Raised when the Cargo workspace cannot be read or does not describe what the
 * caller asked for (missing or unparsable `Cargo.toml`, unknown binary, invalid
 * `rust-toolchain.toml`, ...).
 *
 * The message names the offending file or option, the bad value and how to fix it.
 *
 * Internal (not exported through jsii, which cannot extend `Error`): match it
 * with `err.name === 'CargoInferenceError'` from user code.
 */
export class CargoInferenceError extends Error {
  /**
   * @param message a lowercase, actionable description of the problem.
   */
  constructor(message: string) {
    super(message);
    this.name = 'CargoInferenceError';
    Object.setPrototypeOf(this, CargoInferenceError.prototype);
  }
}
