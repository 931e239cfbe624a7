/**
 * JavaScript users (and jsii languages with loose typing of maps/structs) can pass any value for
 * any option. Whatever the type, construction and synthesis end in success or in the library's
 * own error naming the option — never a TypeError from inside the library.
 */
import * as fs from 'fs';
import { prepare, rejectionProblems, synthCase } from './harness';
import { RustDockerOptions } from '../../src/project/rust-docker';
import { SETTING_KEYS } from '../../src/settings/option-schema';

const WRONG_VALUES: unknown[] = [null, 42, -1, 'text', '', true, [], ['x'], [42], [null], {}, { a: 1 }, { a: null }];
const EXTRA_KEYS = ['cargoDir', 'presets', 'adoptExistingFiles'];

describe('every option with a value of the wrong type', () => {
  const cases = [...SETTING_KEYS, ...EXTRA_KEYS].flatMap(key => WRONG_VALUES.map(value => [key, value] as [string, unknown]));

  test(`${cases.length} cases: success or the library's error, never an internal crash`, () => {
    const failures: string[] = [];
    let rejected = 0;
    for (const [key, value] of cases) {
      // GIVEN an option set to a value of another type
      const c = { fixture: 'single-crate', host: 'component' as const, options: { [key]: value } as RustDockerOptions };
      const outdir = prepare(c);
      try {
        // WHEN the project is created and synthesized
        const outcome = synthCase(c, outdir);
        // THEN it is rejected properly or it synthesizes
        if (outcome.kind === 'rejected') {
          rejected++;
          const problems = rejectionProblems(outcome);
          if (problems.length > 0) failures.push(`${key} = ${JSON.stringify(value)}: ${problems[0].split('\n')[0]}`);
        }
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
    process.stdout.write(`type confusion: ${cases.length} cases, ${rejected} rejected, ${failures.length} internal errors\n`);
    expect(failures).toEqual([]);
  });
});
