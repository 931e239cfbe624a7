import { IConstruct } from 'constructs';
import { Component } from 'projen';
import { DockerIgnore } from './docker-ignore';
import { BuildPlan } from '../plan/build-plan';

/**
 * The `.dockerignore` of the build context, computed by the build plan.
 *
 * ALLOW_LIST (default): `*`, then `!` entries for exactly what the Dockerfile needs: the root
 * manifest and `Cargo.lock`, the toolchain file, `.cargo/config.toml` and vendored sources, and for
 * each workspace member its `Cargo.toml`, `src/`, build script and the folders of targets that
 * live outside `src/` (explicit `[[bin]]`/`[[test]]`/`[[bench]]`/`[[example]]` paths, which cargo
 * must find to load the manifest); then `dockerignoreAllow`, then `dockerignoreDeny`. Editing a
 * README, docs or CI files never changes the context. Files read by `include_str!`/build scripts
 * outside those folders must be added with `dockerignoreAllow`.
 *
 * DENY_LIST: `.git`, `.github`, `.projen`, `node_modules`, `target`, `**` `/target`, the Dockerfile
 * and `.dockerignore` (Markdown stays: it may be `include_str!`'d), then `dockerignoreDeny`, then
 * `!` + `dockerignoreAllow`.
 */
export class RustDockerIgnore extends Component {
  /** The `.dockerignore` file (escape hatch: `addPatterns`, `allow`, `removePatterns`). */
  public readonly file: DockerIgnore;

  public constructor(scope: IConstruct, plan: BuildPlan) {
    super(scope);
    const dockerignore = plan.image.context.dockerignore!;
    this.file = new DockerIgnore(this, dockerignore.path, { patterns: dockerignore.patterns });
  }
}
