import { github, javascript, Project, ProjectOptions, typescript } from 'projen';
import { pickRustDockerOptions, RustDocker, RustDockerOptions } from './rust-docker';

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

    this.package = new javascript.NodePackage(this, {
      packageName: options.name,
      packageManager: javascript.NodePackageManager.NPM,
      devDeps: [...TOOLING_DEV_DEPS, ...(options.devDeps ?? [])],
    });
    this.package.addField('private', true);

    const projenrc = new typescript.ProjenrcTs(this, options.projenrcTsOptions);
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
    this.rustDocker = new RustDocker(this, pickRustDockerOptions(options));
  }

  /** Marks generated files `linguist-generated` so code review and language stats skip them. */
  public annotateGenerated(glob: string): void {
    this.gitattributes.addAttributes(glob, 'linguist-generated');
  }
}
