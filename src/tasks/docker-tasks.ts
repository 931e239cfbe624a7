import { Component, Project, Task, TaskShell } from 'projen';
import { composeE2eScript } from '../e2e/compose-e2e-script';
import { e2eScript } from '../e2e/e2e-script';
import { BuildPlan } from '../plan/build-plan';
import { shellQuote } from '../shell';

/**
 * Local parity with CI: `docker:build`, `docker:e2e` and `docker:run` projen tasks rendered from
 * the build plan. `docker:e2e` runs the same E2E scripts, byte for byte, as the workflow's E2E steps:
 * the smoke test and HTTP probe have their own deadlines and always remove their containers, so the
 * task ends locally as the step does in CI (which also has the step's `timeout-minutes`).
 *
 * The tasks run in bash (like GitHub's `run:` steps), not projen's built-in shell, which lacks
 * functions and `trap` that the E2E scripts use.
 */
export class DockerTasks extends Component {
  /** `docker:build`: builds the image and tags it with the plan's local tag. */
  public readonly buildTask: Task;
  /** `docker:e2e`: builds, then runs the E2E steps against the local tag. */
  public readonly e2eTask: Task;
  /** `docker:run`: runs the local tag (extra arguments go to the container). */
  public readonly runTask: Task;
  /** `docker:e2e-compose` (several images with `composeE2e`): builds every image, then runs the compose E2E across them as CI does. */
  public readonly composeE2eTask?: Task;

  /**
   * @param project the project the tasks are added to
   * @param plan the resolved build plan (`RustDocker.plan`)
   */
  public constructor(project: Project, plan: BuildPlan) {
    super(project);
    const { localTag } = plan.pipeline;
    const { dockerfilePath, dir: contextDir } = plan.image.context;

    const secretFlags = plan.image.builder.secrets.map(s => ` --secret ${shellQuote(`id=${s.id},env=${s.source}`)}`).join('');
    // SOURCE_DATE_EPOCH as CI passes it (the commit time; yours if set; none outside a git checkout):
    // the image's creation time is then the commit's, not the clock's
    const sourceDate = 'epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null)}"; ';
    this.buildTask = project.addTask('docker:build', {
      description: `Build the Docker image as ${localTag} (same Dockerfile and context as CI, SOURCE_DATE_EPOCH from the last commit)`,
      env: { DOCKER_BUILDKIT: '1' },
      shell: TaskShell.bash(),
      exec: `${sourceDate}docker build \${epoch:+--build-arg "SOURCE_DATE_EPOCH=$epoch"} -t ${shellQuote(localTag)} -f ${shellQuote(dockerfilePath)}${secretFlags} ${shellQuote(contextDir)}`,
    });

    this.e2eTask = project.addTask('docker:e2e', {
      description: `Build ${localTag}, then run the end-to-end tests CI runs before pushing`,
      env: { IMAGE: localTag },
      shell: TaskShell.bash(),
    });
    this.e2eTask.spawn(this.buildTask);
    for (const test of plan.pipeline.e2e.tests) {
      this.e2eTask.exec(e2eScript(test), { name: test.name });
    }

    const publish = plan.image.runtime.ports.map(port => ` -p ${port}:${port}`).join('');
    this.runTask = project.addTask('docker:run', {
      description: `Run ${localTag} (arguments after -- go to the container)`,
      exec: `docker run --rm${publish} ${shellQuote(localTag)}`,
      receiveArgs: true,
      shell: TaskShell.bash(),
    });

    // several images: the tasks above are the first image's (the Dockerfile's last stage); each image also
    // gets `docker:build:<name>` and `docker:e2e:<name>` (its target, tag and E2E tests)
    for (const image of plan.images ?? []) {
      const tag = image.pipeline.localTag;
      const build = project.addTask(`docker:build:${image.name}`, {
        description: `Build the image ${image.name} (--target ${image.stages.finalStage}) as ${tag}`,
        env: { DOCKER_BUILDKIT: '1' },
        shell: TaskShell.bash(),
        exec: `${sourceDate}docker build \${epoch:+--build-arg "SOURCE_DATE_EPOCH=$epoch"} --target ${shellQuote(image.stages.finalStage)} -t ${shellQuote(tag)} -f ${shellQuote(dockerfilePath)}${secretFlags} ${shellQuote(contextDir)}`,
      });
      const e2e = project.addTask(`docker:e2e:${image.name}`, {
        description: `Build ${tag}, then run the end-to-end tests CI runs before pushing it`,
        env: { IMAGE: tag },
        shell: TaskShell.bash(),
      });
      e2e.spawn(build);
      for (const test of image.pipeline.e2e.tests) e2e.exec(e2eScript(test), { name: test.name });
    }

    // composeE2e: every image built, then the compose E2E across them (the script of the e2e-compose job)
    const compose = plan.composeE2e;
    if (compose && plan.images) {
      const tagOf = (name: string) => plan.images!.find(i => i.name === name)!.pipeline.localTag;
      this.composeE2eTask = project.addTask('docker:e2e-compose', {
        description: `Build every image, then run ${compose.file} with IMAGE_<NAME> set (the service ${compose.service} decides), as CI does before any image job`,
        env: Object.fromEntries(compose.images.map(i => [i.variable, tagOf(i.name)])),
        shell: TaskShell.bash(),
      });
      for (const image of plan.images) this.composeE2eTask.spawn(project.tasks.tryFind(`docker:build:${image.name}`)!);
      this.composeE2eTask.exec(composeE2eScript(compose.file, compose.service), { name: `E2E compose ${compose.service} (every image)` });
    }
  }
}
