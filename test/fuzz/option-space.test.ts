/**
 * Property: for ANY configuration of `RustDockerProject` / `RustDocker` (every setting, presets,
 * cargoDir, adoptExistingFiles, hostile values included) over several fixture repos, synthesis
 *   - either succeeds, and every generated file passes every validator (Dockerfile lint incl.
 *     shellcheck of RUN bodies; actionlint + action-validator + shellcheck + untrusted
 *     expressions on each workflow; `.dockerignore` lines are exactly the plan's patterns;
 *     every task command of `.projen/tasks.json` passes `shellcheck -s bash`),
 *   - or fails with the library's own error (RustDockerError / CargoInferenceError) naming an
 *     option, thrown while the project is created, with no file of the folder changed.
 *
 * Runs: FUZZ_RUNS (default 1000), seed: FUZZ_SEED (default fixed, printed). The long run is
 * `scripts/fuzz-long.sh` (FUZZ_RUNS=5000).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { caseArb, describeCase } from './arbitraries';
import { FuzzCase, prepare, rejectionProblems, synthCase, validateOutcome, validatorRuns } from './harness';
import { assertShellcheckInstalled } from '../util/dockerfile-lint';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

describe('the whole option space', () => {
  beforeAll(() => assertShellcheckInstalled());

  test(`${RUNS} random configurations: clean files or a clear, early error, never a partial write`, async () => {
    // GIVEN random configurations over the fixture repos
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-sc-'));
    const stats = { cases: 0, synthesized: 0, rejected: 0, byError: new Map<string, number>(), byOption: new Map<string, number>() };
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(caseArb(), async (c) => {
          stats.cases++;
          const outdir = prepare(c);
          try {
            // WHEN the project is created and synthesized
            const outcome = synthCase(c, outdir);
            if (outcome.kind === 'rejected') {
              // THEN a rejection is the library's error, early, naming an option, with nothing written
              stats.rejected++;
              const err = outcome.error as { name?: string; option?: string; message?: string };
              stats.byError.set(String(err?.name), (stats.byError.get(String(err?.name)) ?? 0) + 1);
              const option = err?.option ?? /option "([^"]+)"/.exec(err?.message ?? '')?.[1] ?? '?';
              const top = option.split(/[.[]/)[0];
              stats.byOption.set(top, (stats.byOption.get(top) ?? 0) + 1);
              const problems = rejectionProblems(outcome);
              if (problems.length > 0) throw new Error(`${problems.join('\n')}\ncase: ${describeCase(c)}`);
              return;
            }
            // THEN every generated file passes the validators
            stats.synthesized++;
            const problems = await validateOutcome(c, outcome, scratch);
            if (problems.length > 0) {
              // keep the generated files of a failing case for inspection
              const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-failure-'));
              fs.cpSync(outdir, kept, { recursive: true });
              throw new Error(`${problems.slice(0, 8).join('\n')}\nfiles kept in ${kept}\ncase: ${describeCase(c)}`);
            }
          } finally {
            fs.rmSync(outdir, { recursive: true, force: true });
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
      );
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const errors = [...stats.byError].map(([k, v]) => `${v} ${k}`).join(', ');
      const options = [...stats.byOption].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ');
      process.stdout.write(
        `fuzz: ${stats.cases} cases (seed ${SEED}), ${stats.synthesized} synthesized and validated, ${stats.rejected} rejected (${errors || 'none'}) in ${seconds}s\n`
        + `fuzz: rejections by option: ${options}\n`
        + `fuzz: validator runs (cache misses): ${validatorRuns.dockerfile} Dockerfiles, ${validatorRuns.dockerfileShell} RUN shellchecks, ${validatorRuns.workflow} workflows, ${validatorRuns.taskShell} task scripts\n`,
      );
    }
    // AND a fair share of cases synthesized (the property is not vacuous)
    expect(stats.synthesized).toBeGreaterThan(stats.cases * 0.15);
    expect(stats.rejected).toBeGreaterThan(stats.cases * 0.15);
  }, 30 * 60 * 1000);
});

/** Counterexamples the fuzz found (each fixed since), replayed on every run. */
const REGRESSIONS: Array<[string, FuzzCase]> = [
  ['dockerfilePath is the .dockerignore (projen crashed)', { fixture: 'vendored', host: 'component', options: { dockerfilePath: '.dockerignore' } }],
  ['dockerfilePath is the source folder, adopted (EISDIR at synth)', { fixture: 'vendored', host: 'component', options: { dockerfilePath: 'src', adoptExistingFiles: true } }],
  ['a bare numeric rustImage', { fixture: 'multi-bin', host: 'project', options: { rustImage: '0', binaries: ['multi'], platforms: ['linux/arm64', 'linux/amd64'] } }],
  ['branch U+0085 (a YAML line break for actionlint)', { fixture: 'vendored', host: 'component', options: { branches: ['develop', '$(id)', '\u0085'] } }],
  ['branch "/abs" (git-check-ref-format)', { fixture: 'renamed-bin', host: 'project', options: { branches: ['/abs', 'develop', 'v1.x'] } }],
  ['healthcheck interval 1e300 ("1e+300s")', { fixture: 'multi-bin', host: 'project', options: { binaries: ['multi'], healthcheck: { command: ['--port'], intervalSeconds: 1e300 } } }],
  ['tag override under COMMIT_SHA', { fixture: 'single-crate', host: 'project', options: { actionPinning: 'commit-sha' as never, actionVersions: { 'actions/checkout': 'v5' } } }],
  ['smoke argument U+2028 (a line break for GitHub\'s YAML reader)', { fixture: 'single-crate', host: 'project', options: { e2e: { smokeArgs: ['\u2028'] } } }],
  ['every E2E kind, blank smoke argument', {
    fixture: 'vendored',
    host: 'component',
    cargoDir: 'rust',
    options: {
      branches: ['**', 'main', 'develop'],
      e2e: {
        smokeArgs: ['     '],
        commands: ['echo "testing $IMAGE"\ndocker run --rm "$IMAGE" --version', 'test "$(docker run --rm "$IMAGE" --version | wc -l)" -ge 1'],
        httpProbe: { port: 8080, args: ['--port', '8080'], env: {} },
        composeFile: 'test/compose.yml',
        composeService: 'e2e_runner',
      },
    },
  }],
];

describe('fuzz regressions', () => {
  test.each(REGRESSIONS)('%s', async (_name, c) => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-re-'));
    const outdir = prepare(c);
    try {
      const outcome = synthCase(c, outdir);
      const problems = outcome.kind === 'rejected' ? rejectionProblems(outcome) : await validateOutcome(c, outcome, scratch);
      expect(problems).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
