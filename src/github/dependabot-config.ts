import * as path from 'path';
import { Component, github, YamlFile } from 'projen';
import { DependabotPlan } from '../plan/pipeline-plan';

/**
 * `.github/dependabot.yml` (projen-managed): weekly version updates of the workflows' actions (it
 * understands the `@<sha> # <version>` pins), the Dockerfile's base images and the Cargo
 * dependencies, one grouped pull request per ecosystem, each release proposed only after a cooldown
 * (a hijacked release is usually found and pulled within days).
 *
 * Written beside the workflows (the repository root of the project's GitHub component); the
 * directories are relative to it. Change it with `file.addOverride` (e.g.
 * `updates.0.schedule.interval`).
 *
 * The workflow and the Dockerfile are generated: a Dependabot pull request that edits them fails
 * the drift check. It says what is new; take it with `actionVersions`, `rustVersion`,
 * `imageDigests`, or a newer projen-rust-docker, then re-synthesize.
 */
export class DependabotConfig extends Component {
  /** The generated file. */
  public readonly file: YamlFile;

  /**
   * @param gh the GitHub component whose repository holds the workflows
   * @param plan the resolved Dependabot plan (`RustDocker.plan.pipeline.dependabot`)
   * @param projectDir the folder of the Rust service's project (the directories of `plan` are relative to it)
   */
  public constructor(gh: github.GitHub, plan: DependabotPlan, projectDir: string) {
    super(gh.project);
    const prefix = path.relative(gh.project.outdir, projectDir).split(path.sep).join('/');
    const directory = (dir: string) => `/${path.posix.normalize(path.posix.join(prefix, dir))}`.replace(/\/\.?$/, '') || '/';
    this.file = new YamlFile(gh.project, plan.file, {
      marker: true,
      readonly: true,
      obj: {
        version: 2,
        updates: plan.updates.map(u => ({
          'package-ecosystem': u.ecosystem,
          // the workflows are at the repository root, whatever the project
          'directory': u.ecosystem === 'github-actions' ? '/' : directory(u.directory),
          'schedule': { interval: 'weekly' },
          'cooldown': { 'default-days': plan.cooldownDays },
          'groups': { [u.ecosystem]: { patterns: ['*'] } },
        })),
      },
    });
  }
}
