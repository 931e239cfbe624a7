/**
 * Shared machinery of the property tests: synthesize a project into a temp copy of a fixture
 * repo (kept on disk, so a failed synth can be checked for partial writes), classify the
 * outcome, and validate every generated file with the validators of the other areas, cached by
 * content (many random configurations produce identical files).
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DockerfileParser } from 'dockerfile-ast';
import { Project } from 'projen';
import * as YAML from 'yaml';
import { RustDocker, RustDockerOptions } from '../../src/project/rust-docker';
import { RustDockerProject } from '../../src/project/rust-docker-project';
import { lintDockerfile } from '../util/dockerfile-lint';
import { withoutPostSynth, fixtureOutdir } from '../util/fixture-project';
import { lintWorkflow } from '../util/workflow-lint';

/** How the library is used: the project type, or the component in a plain projen project. */
export type Host = 'project' | 'component';

/** One generated configuration. */
export interface FuzzCase {
  readonly fixture: string;
  readonly host: Host;
  /** Only with host 'component': the fixture is copied into this sub-folder (when it is a safe relative path). */
  readonly cargoDir?: string;
  readonly options: RustDockerOptions;
  /** Unmanaged files written before synthesis (path → content), e.g. a hand-written Dockerfile. */
  readonly preexisting?: { [rel: string]: string };
}

/** Result of one synthesis. */
export type Outcome =
  | { readonly kind: 'ok'; readonly outdir: string; readonly files: { [rel: string]: string }; readonly rustDocker: RustDocker }
  | { readonly kind: 'rejected'; readonly phase: 'construct' | 'synth'; readonly error: unknown; readonly partial: string[] };

/** Every file under dir (relative paths) with a content hash. */
export function listFiles(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile()) result.set(r, hash(fs.readFileSync(path.join(dir, r))));
    }
  };
  walk('');
  return result;
}

export function hash(content: string | Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}

/** Where the fixture goes for a case (component host with a safe cargoDir: that sub-folder). */
function fixtureTarget(c: FuzzCase): string | undefined {
  if (c.host !== 'component' || c.cargoDir === undefined) return '.';
  const d = c.cargoDir;
  if (typeof d === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(d) && !d.split('/').includes('..')) return d;
  return undefined; // hostile cargoDir: the fixture stays at the root, the library must reject it
}

/** Prepares the temp project folder of a case. */
export function prepare(c: FuzzCase): string {
  const target = fixtureTarget(c);
  let outdir: string;
  if (target === '.' || target === undefined) {
    outdir = fixtureOutdir(c.fixture);
  } else {
    outdir = fixtureOutdir();
    fs.cpSync(path.join(__dirname, '..', 'fixtures', c.fixture), path.join(outdir, target), { recursive: true });
  }
  for (const [rel, content] of Object.entries(c.preexisting ?? {})) {
    fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outdir, rel), content);
  }
  return outdir;
}

/** Creates the project of a case (may throw: that is a rejection at construction). */
export function construct(c: FuzzCase, outdir: string): { project: Project; rustDocker: RustDocker } {
  if (c.host === 'project') {
    const project = new RustDockerProject({ name: 'svc', outdir, ...c.options });
    return { project, rustDocker: project.rustDocker };
  }
  const project = new Project({ name: 'svc', outdir });
  const rustDocker = new RustDocker(project, { ...c.options, cargoDir: c.cargoDir });
  return { project, rustDocker };
}

/**
 * Synthesizes a case in place (like `npx projen`, post-synth steps disabled) and reports the
 * outcome. On success, every file projen wrote is read back; on failure, the files that differ
 * from the prepared folder are listed (there must be none). The caller removes `outdir`.
 */
export function synthCase(c: FuzzCase, outdir: string): Outcome {
  const before = listFiles(outdir);
  const changed = () => {
    const after = listFiles(outdir);
    return [...after.keys()].filter(f => before.get(f) !== after.get(f)).concat([...before.keys()].filter(f => !after.has(f)));
  };
  let built: { project: Project; rustDocker: RustDocker };
  try {
    built = construct(c, outdir);
  } catch (error) {
    return { kind: 'rejected', phase: 'construct', error, partial: changed() };
  }
  try {
    withoutPostSynth(() => built.project.synth());
  } catch (error) {
    return { kind: 'rejected', phase: 'synth', error, partial: changed() };
  }
  const files: { [rel: string]: string } = {};
  const generated: string[] = JSON.parse(fs.readFileSync(path.join(outdir, '.projen', 'files.json'), 'utf-8')).files;
  for (const rel of [...generated, '.projen/files.json']) {
    const abs = path.join(outdir, rel);
    if (fs.existsSync(abs)) files[rel] = fs.readFileSync(abs, 'utf-8');
  }
  return { kind: 'ok', outdir, files, rustDocker: built.rustDocker };
}

/** Names of every option a message may name (settings + component options). */
const OPTION_NAME = /option "([A-Za-z0-9_.[\]/ -]+)"/;

/**
 * Problems with a rejection: it must be the library's own error type, name an option, start
 * lowercase, be thrown while the project is created (not at synth) and leave no file behind.
 */
export function rejectionProblems(outcome: Extract<Outcome, { kind: 'rejected' }>): string[] {
  const problems: string[] = [];
  const err = outcome.error as { name?: string; message?: string; option?: string; stack?: string };
  const name = err?.name;
  if (name !== 'RustDockerError' && name !== 'CargoInferenceError') {
    problems.push(`not the library's error: ${name}: ${err?.message}\n${err?.stack?.split('\n').slice(0, 6).join('\n')}`);
  } else {
    const message = err.message ?? '';
    if (!OPTION_NAME.test(message) && !err.option) problems.push(`the error names no option: ${message}`);
    if (!/^[a-z"]/.test(message)) problems.push(`the error does not start lowercase: ${message}`);
    if (/\n\s+at /.test(message)) problems.push(`the error message holds a stack trace: ${message}`);
  }
  if (outcome.phase !== 'construct') problems.push(`rejected at synth, not when the project was created: ${err?.message}`);
  if (outcome.partial.length > 0) problems.push(`a failed synthesis changed files: ${outcome.partial.join(', ')}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// validators, cached by content

const dockerfileCache = new Map<string, string[]>();
const skeletonCache = new Map<string, string[]>();
const workflowCache = new Map<string, Promise<string[]>>();
const shellCache = new Map<string, string[]>();

/** Counters of real validator runs (cache misses), for the report. */
export const validatorRuns = { dockerfile: 0, dockerfileShell: 0, workflow: 0, taskShell: 0 };

/**
 * The Dockerfile with only FROM, SHELL and RUN instructions: what shellcheck sees. Many cases
 * differ only in ENV/LABEL/EXPOSE/… values; those are linted in-process without shellcheck.
 */
function shellSkeleton(text: string): string {
  const lines = text.split('\n');
  const keep: string[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'FROM' && keyword !== 'SHELL' && keyword !== 'RUN') continue;
    const range = instruction.getRange();
    keep.push(lines.slice(range.start.line, range.end.line + 1).join('\n'));
  }
  return keep.join('\n') + '\n';
}

/**
 * lintDockerfile, split in a cached in-process pass and a cached shellcheck pass on RUN bodies.
 * `knownImages`: bare image names the user gave (e.g. rustImage "myrust"), which the stage
 * reference check would otherwise take for unknown stages.
 */
export function lintDockerfileCached(text: string, knownImages: string[] = []): string[] {
  const key = `${knownImages.join(',')}\n${text}`;
  let problems = dockerfileCache.get(key);
  if (!problems) {
    validatorRuns.dockerfile++;
    problems = lintDockerfile(text, { skipShellcheck: true, knownImages });
    dockerfileCache.set(key, problems);
  }
  if (problems.some(p => p.startsWith('dockerfile-utils crashed'))) return problems;
  const skeleton = shellSkeleton(text);
  let shell = skeletonCache.get(skeleton);
  if (!shell) {
    validatorRuns.dockerfileShell++;
    shell = lintDockerfile(skeleton).filter(p => p.startsWith('shellcheck'));
    skeletonCache.set(skeleton, shell);
  }
  return [...problems, ...shell];
}

/** lintWorkflow (actionlint, action-validator, shellcheck, untrusted expressions), cached. */
export function lintWorkflowCached(text: string, fileName: string): Promise<string[]> {
  const key = `${fileName}\n${text}`;
  let result = workflowCache.get(key);
  if (!result) {
    validatorRuns.workflow++;
    result = lintWorkflow(text, fileName);
    workflowCache.set(key, result);
  }
  return result;
}

/**
 * `shellcheck -s bash -S warning` over many scripts in ONE process (one temp file each), cached by
 * script; returns script → findings.
 */
export function shellcheckBatch(scripts: string[], dir: string): Map<string, string[]> {
  const todo = [...new Set(scripts)].filter(s => !shellCache.has(s));
  if (todo.length > 0) {
    validatorRuns.taskShell += todo.length;
    const files = todo.map((s, i) => {
      const file = path.join(dir, `task-${i}.sh`);
      fs.writeFileSync(file, s.endsWith('\n') ? s : `${s}\n`);
      return file;
    });
    const out = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', '-f', 'json1', ...files], { encoding: 'utf-8' });
    if (out.error) throw new Error(`shellcheck could not run (apt-get install -y shellcheck): ${out.error.message}`);
    if (out.status !== 0 && out.status !== 1) throw new Error(`shellcheck failed: ${out.stderr}`);
    const comments: Array<{ file: string; line: number; code: number; message: string }> = JSON.parse(out.stdout || '{"comments":[]}').comments;
    todo.forEach((s, i) => {
      shellCache.set(s, comments.filter(c => c.file === files[i]).map(c => `line ${c.line}: SC${c.code} ${c.message}`));
    });
    for (const f of files) fs.rmSync(f, { force: true });
  }
  return new Map(scripts.map(s => [s, shellCache.get(s)!]));
}

/** Every `exec` step of `.projen/tasks.json`: task name → scripts. */
export function taskScripts(tasksJson: string): Array<{ task: string; script: string }> {
  const tasks = JSON.parse(tasksJson).tasks as { [name: string]: { steps?: Array<{ exec?: string }> } };
  const result: Array<{ task: string; script: string }> = [];
  for (const [task, def] of Object.entries(tasks)) {
    for (const step of def.steps ?? []) if (step.exec) result.push({ task, script: step.exec });
  }
  return result;
}

/** Non-comment, non-empty lines of a `.dockerignore`. */
export function dockerignoreLines(text: string): string[] {
  return text.split(/\r?\n/).filter(l => l.trim() !== '' && !l.startsWith('#'));
}

/**
 * Validates every generated file of a successful synthesis. Returns the problems (empty: clean).
 * `scratch` is a folder for shellcheck temp files.
 */
export async function validateOutcome(c: FuzzCase, outcome: Extract<Outcome, { kind: 'ok' }>, scratch: string): Promise<string[]> {
  const problems: string[] = [];
  const plan = outcome.rustDocker.plan;
  const files = outcome.files;

  // Dockerfile
  const { dockerfilePath, syntax, dockerignore } = plan.image.context;
  const dockerfile = files[dockerfilePath];
  if (dockerfile === undefined) {
    problems.push(`no Dockerfile at ${dockerfilePath}`);
  } else {
    const bare = [plan.image.builder.rustImage, plan.image.builder.chef?.image, plan.image.runtime.image].filter((i): i is string => i !== undefined && !/[/:@]/.test(i));
    for (const p of lintDockerfileCached(dockerfile, bare)) problems.push(`Dockerfile: ${p}`);
    if (syntax !== '' && !dockerfile.startsWith(`# syntax=${syntax}\n`)) problems.push('Dockerfile: the syntax directive is not line 1');
  }

  // .dockerignore: exactly the plan's patterns, one per line, every user pattern a whole line
  if (dockerignore) {
    const text = files[dockerignore.path];
    if (text === undefined) {
      problems.push(`no .dockerignore at ${dockerignore.path}`);
    } else {
      const lines = dockerignoreLines(text);
      if (JSON.stringify(lines) !== JSON.stringify(dockerignore.patterns)) {
        problems.push(`.dockerignore lines ${JSON.stringify(lines)} differ from the plan ${JSON.stringify(dockerignore.patterns)}`);
      }
      for (const p of [...(c.options.dockerignoreAllow ?? []), ...(c.options.dockerignoreDeny ?? [])]) {
        if (/[\r\n]/.test(p)) problems.push(`.dockerignore: accepted a pattern with a line break: ${JSON.stringify(p)}`);
      }
    }
  }

  // workflows
  for (const rel of plan.pipeline.workflow ? [plan.pipeline.workflow.file] : []) {
    const text = files[rel];
    if (text === undefined) {
      problems.push(`no workflow at ${rel}`);
      continue;
    }
    for (const p of await lintWorkflowCached(text, path.basename(rel))) problems.push(`${rel}: ${p}`);
    try {
      YAML.parse(text);
    } catch (e) {
      problems.push(`${rel}: not YAML: ${(e as Error).message}`);
    }
  }

  // task commands
  const tasks = files['.projen/tasks.json'];
  if (tasks !== undefined) {
    const scripts = taskScripts(tasks);
    const findings = shellcheckBatch(scripts.map(s => s.script), scratch);
    for (const { task, script } of scripts) {
      for (const f of findings.get(script)!) problems.push(`tasks.json ${task}: shellcheck ${f}\n${script}`);
    }
  }
  return problems;
}
