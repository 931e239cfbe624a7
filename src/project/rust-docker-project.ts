import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Component, github, IgnoreFile, InitProject, javascript, Project, ProjectOptions, typescript } from 'projen';
import { normalizeDevDependencySpec } from './dev-dependency-spec';
import { pickRustDockerOptions, RustDocker, RustDockerOptions } from './rust-docker';
import { PROJEN_MARKER, UnmanagedFileGuard } from './unmanaged-file-guard';
import { RustDockerError } from '../errors';

/** First line of the user's own block in the generated `.gitignore` (read back on every synth). */
export const OWN_GITIGNORE_START = '# --- your own lines (kept by projen-rust-docker across synths; edit them here after "chmod u+w .gitignore") ---';
/** Last line of the user's own block in the generated `.gitignore`. */
export const OWN_GITIGNORE_END = '# --- end of your own lines ---';
/** The workflow's default push branch (`WorkflowSettings.branches`). */
const LIBRARY_DEFAULT_BRANCH = 'main';

/** Versions written into the Rust repo's `package.json` so `npx projen` works on a fresh machine. */
const TOOLING_DEV_DEPS = [
  'projen@^0.103.25',
  'constructs@^10.5.0',
  // ts-node 10 crashes with TypeScript 7: keep the pair pinned.
  'ts-node@^10',
  'typescript@~6.0.0',
  '@types/node@^20',
];

/** Options for `RustDockerProject`. */
export interface RustDockerProjectOptions extends ProjectOptions, RustDockerOptions {
  /**
   * Options of the GitHub component (projen's `GitHub`).
   * @default - mergify and the pull-request lint workflow off
   */
  readonly githubOptions?: github.GitHubOptions;

  /**
   * Extra npm dev dependencies of the projen tooling (`projen new --from` adds this library here).
   * @default - none
   */
  readonly devDeps?: string[];

  /**
   * Options of the TypeScript projenrc.
   * @default - `.projenrc.ts`, run with ts-node
   */
  readonly projenrcTsOptions?: typescript.ProjenrcTsOptions;
}

/**
 * A projen project for a Rust repository whose Docker image is built on GitHub Actions.
 *
 * Writes the Dockerfile, `.dockerignore` and the image workflow (see `RustDocker`), plus the
 * projen plumbing a Rust repo needs: `.projenrc.ts`, a `package.json` for the projen tooling,
 * and `.gitignore` entries.
 *
 * Your own `.gitignore` lines are kept: the generated `.gitignore` holds a block between
 * `# --- your own lines (…) ---` and `# --- end of your own lines ---`, right after projen's marker,
 * that every synth reads back and writes again verbatim (comments, blank lines, order). The first
 * synth (`projen new`) puts the whole `.gitignore` it finds there. Edit your lines inside that block
 * (the file is read-only: `chmod u+w .gitignore` first) and commit; projen's own lines follow the
 * block, so they win where both match a path. Lines added with `project.gitignore.exclude()` are
 * projen's.
 *
 * At `projen new`, the workflow's push branch is the repository's default branch when git can tell
 * (`origin/HEAD`, else the current branch, else `init.defaultBranch`): a repo on `master` gets
 * `branches: ["master"]` in the generated `.projenrc.ts`, which also imports the enums the
 * commented-out featured options name, so uncommenting one compiles.
 *
 * @pjid rust-docker
 */
export class RustDockerProject extends Project {
  /** The Docker component: plan, Dockerfile, workflow, tasks. */
  public readonly rustDocker: RustDocker;

  /** The `package.json` holding the projen tooling. */
  public readonly package: javascript.NodePackage;

  public constructor(options: RustDockerProjectOptions) {
    super({ ...options, projenrcJson: false });

    new github.GitHub(this, { mergify: false, pullRequestLint: false, ...options.githubOptions });

    // nothing of the user's is lost: their .gitignore lines live in a block read back on every
    // synth; a package.json that only lists dependencies (what `npm install` / `projen new` leave
    // behind) has them carried over; any other unmanaged package.json stops synthesis unless adopted
    keepOwnLines(this.gitignore, ownGitignoreLines(path.join(this.outdir, '.gitignore')));
    const inherited = dependencyOnlyPackageJson(path.join(this.outdir, 'package.json'));
    if (!inherited) {
      new UnmanagedFileGuard(this, { paths: ['package.json'], adoptExistingFiles: options.adoptExistingFiles });
    }

    this.package = new javascript.NodePackage(this, {
      packageName: options.name,
      packageManager: javascript.NodePackageManager.NPM,
      devDeps: mergeDevDeps(
        [...TOOLING_DEV_DEPS, ...(options.devDeps ?? []).map(spec => normalizeDevDependencySpec(spec, this.outdir))],
        inherited ?? {}),
      // this package.json only runs projen: no entry point, license or publishing fields
      entrypoint: '',
      licensed: false,
    });
    this.package.addField('private', true);

    const projenrcTsExisted = fs.existsSync(path.join(this.outdir, options.projenrcTsOptions?.filename ?? '.projenrc.ts'));
    const projenrc = new typescript.ProjenrcTs(this, options.projenrcTsOptions);
    if (!projenrcTsExisted) {
      // runs after ProjenrcTs has written the new file (components run in creation order)
      new NewProjenrcImports(this, projenrc.filePath);
    }
    projenrc.tsconfig.file.addOverride('compilerOptions', {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
    });
    // run the locally installed ts-node (pinned above), never `npx -p ts-node` (latest TypeScript breaks it)
    this.defaultTask?.reset(`ts-node --project ${projenrc.tsconfig.fileName} ${projenrc.filePath}`);

    this.gitignore.exclude('node_modules/', '/target/');
    this.rustDocker = new RustDocker(this, { ...pickRustDockerOptions(options), ...this.branchesAtProjenNew(options) });
  }

  /**
   * At `projen new` (only then: the result is written into `.projenrc.ts`, so later synths and CI
   * clones agree), the repository's default branch as the workflow's push branch when it is not
   * the library default and neither the options nor a preset set `branches`.
   */
  private branchesAtProjenNew(options: RustDockerProjectOptions): { branches?: string[] } {
    // the deprecated getter is the only way to see `projen new` from the constructor
    const init: InitProject | undefined = this.initProject;
    const presetSetsBranches = (options.presets ?? []).some(p => p.settings?.branches !== undefined || p.forced?.branches !== undefined);
    if (!init || options.branches !== undefined || options.workflow === false || presetSetsBranches) {
      return {};
    }
    const branch = defaultGitBranch(this.outdir);
    if (branch === undefined || branch === LIBRARY_DEFAULT_BRANCH) {
      return {};
    }
    // projen renders .projenrc.ts from these arguments after synthesis
    init.args.branches = [branch];
    return { branches: [branch] };
  }

  /** Marks generated files `linguist-generated` so code review and language stats skip them. */
  public annotateGenerated(glob: string): void {
    this.gitattributes.addAttributes(glob, 'linguist-generated');
  }
}

/**
 * The user's own lines of `.gitignore`, verbatim: the whole file when projen did not generate it
 * (the first synth), else the lines of its own-lines block (none when it has no block).
 */
function ownGitignoreLines(file: string): string[] {
  if (!fs.existsSync(file)) {
    return [];
  }
  const text = fs.readFileSync(file, 'utf-8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last line
  if (!text.includes(PROJEN_MARKER)) {
    return lines;
  }
  const isLine = (line: string, delimiter: string) => line.trim() === delimiter || line.trim().startsWith(delimiter.slice(0, 20));
  // the first start line is projen's (right after the marker), the last end line too, whatever the block holds
  const start = lines.findIndex(line => isLine(line, OWN_GITIGNORE_START));
  if (start < 0) {
    return [];
  }
  let end = lines.length - 1;
  while (end > start && !isLine(lines[end], OWN_GITIGNORE_END)) end--;
  if (end === start) {
    throw new RustDockerError({
      problem: `".gitignore" has the first line of your own lines (line ${start + 1}) but not the last, so synthesis stopped and left it untouched`,
      fix: `Add the line "${OWN_GITIGNORE_END}" after your own lines`,
    });
  }
  return lines.slice(start + 1, end);
}

/** Renders the user's own lines, verbatim and between the delimiters, right after projen's marker. */
function keepOwnLines(gitignore: IgnoreFile, own: string[]): void {
  const file = gitignore as unknown as { synthesizeContent(resolver: unknown): string | undefined };
  const render = file.synthesizeContent.bind(gitignore);
  file.synthesizeContent = (resolver: unknown) => {
    const text = render(resolver);
    if (text === undefined) return undefined;
    const lines = text.split('\n');
    lines.splice(lines[0].includes(PROJEN_MARKER) ? 1 : 0, 0, OWN_GITIGNORE_START, ...own, OWN_GITIGNORE_END);
    return lines.join('\n');
  };
}

/**
 * The repository's default branch as git knows it in `dir`: the remote's (`origin/HEAD`), else the
 * checked-out one, else `init.defaultBranch` (what `projen new` passes to `git init`); undefined
 * when git cannot tell.
 */
function defaultGitBranch(dir: string): string | undefined {
  const git = (...args: string[]) => {
    try {
      const out = execFileSync('git', ['-C', dir, ...args], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
      return out === '' ? undefined : out;
    } catch {
      return undefined;
    }
  };
  const remote = git('symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD')?.replace(/^origin\//, '');
  const branch = remote ?? git('symbolic-ref', '--quiet', '--short', 'HEAD') ?? git('config', 'init.defaultBranch');
  // a name git accepts for a branch, nothing a workflow filter would read as a pattern
  return branch !== undefined && /^[A-Za-z0-9._\/-]+$/.test(branch) ? branch : undefined;
}

/**
 * At `projen new`, after projen wrote `.projenrc.ts`: imports the enums its options and
 * commented-out featured options name (e.g. `DependencyCaching.CARGO_CHEF`), so every option
 * line compiles once uncommented. projen imports only the enums of the options given values.
 */
class NewProjenrcImports extends Component {
  public constructor(project: Project, private readonly filePath: string) {
    super(project);
  }

  public projectCreation(init: InitProject): void {
    const file = path.join(this.project.outdir, this.filePath);
    if (!fs.existsSync(file)) return;
    const text = fs.readFileSync(file, 'utf-8');
    // only modules .projenrc.ts can import (a nested dependency of an org package is not one)
    const importable = (moduleName: string) => {
      try {
        return require.resolve(moduleName, { paths: [this.project.outdir] }) !== undefined;
      } catch {
        return false;
      }
    };
    const fixed = withEnumImports(text, init, importable);
    if (fixed !== text) fs.writeFileSync(file, fixed);
  }
}

/** `text` with an import of every enum of the project type's options that `text` names (from importable modules). */
function withEnumImports(text: string, init: InitProject, importable: (moduleName: string) => boolean = () => true): string {
  const wanted = new Map<string, Set<string>>();
  for (const option of init.type.options) {
    if ((option as { kind?: string }).kind !== 'enum' || !option.fqn) continue;
    const [moduleName, importName, ...rest] = option.fqn.split('.');
    if (!importable(moduleName)) continue;
    const reference = [importName, ...rest].join('.');
    if (!new RegExp(`(^|[^\\w.])${reference.replace(/\./g, '\\.')}\\.`).test(text)) continue;
    wanted.set(moduleName, (wanted.get(moduleName) ?? new Set()).add(importName));
  }
  let out = text;
  for (const [moduleName, names] of wanted) {
    const quoted = moduleName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const line = new RegExp(`^import \\{([^}]*)\\} from (["'])${quoted}\\2;?$`, 'm');
    const match = line.exec(out);
    if (match) {
      const all = new Set([...match[1].split(',').map(n => n.trim()).filter(n => n !== ''), ...names]);
      out = out.replace(line, `import { ${[...all].sort().join(', ')} } from ${match[2]}${moduleName}${match[2]};`);
    } else {
      out = `import { ${[...names].sort().join(', ')} } from "${moduleName}";\n${out}`;
    }
  }
  return out;
}

/**
 * The dependencies of an unmanaged package.json that holds nothing but dependencies
 * (`undefined` when there is none, it is generated by projen, or it holds more).
 */
function dependencyOnlyPackageJson(file: string): { [name: string]: string } | undefined {
  if (!fs.existsSync(file)) {
    return undefined;
  }
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf-8'));
    const keys = Object.keys(json);
    if (keys.includes('//') || !keys.every(k => k === 'dependencies' || k === 'devDependencies')) {
      return undefined;
    }
    return { ...json.dependencies, ...json.devDependencies };
  } catch {
    return undefined;
  }
}

/** Declared specs first; inherited dependencies only for names not declared. */
function mergeDevDeps(declared: string[], inherited: { [name: string]: string }): string[] {
  const nameOf = (spec: string) => spec.slice(0, spec.indexOf('@', 1) > 0 ? spec.indexOf('@', 1) : undefined);
  const names = new Set(declared.map(nameOf));
  const carried = Object.entries(inherited).filter(([name]) => !names.has(name)).map(([name, version]) => `${name}@${version}`);
  return [...declared, ...carried];
}
