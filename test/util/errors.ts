import { RustDockerError } from '../../src/errors';

/** The RustDockerError `fn` throws; fails the test when it throws nothing or something else. */
export function thrownError(fn: () => unknown): RustDockerError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RustDockerError);
    return e as RustDockerError;
  }
  throw new Error('expected a RustDockerError, nothing was thrown');
}
