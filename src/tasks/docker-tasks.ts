import { Component, Project, Task, TaskShell } from 'projen';
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

  /**
   * @param project the project the tasks are added to
   * @param plan the resolved build plan (`RustDocker.plan`)
   */
  public constructor(project: Project, plan: BuildPlan) {
    super(project);
    const p = plan.pipeline;

    const secretFlags = p.buildSecrets.map(s => ` --secret ${shellQuote(`id=${s.id},env=${s.source}`)}`).join('');
    this.buildTask = project.addTask('docker:build', {
      description: `Build the Docker image as ${p.localTag} (same Dockerfile and context as CI)`,
      env: { DOCKER_BUILDKIT: '1' },
      shell: TaskShell.bash(),
      exec: `docker build -t ${shellQuote(p.localTag)} -f ${shellQuote(p.dockerfilePath)}${secretFlags} ${shellQuote(p.contextDir)}`,
    });

    this.e2eTask = project.addTask('docker:e2e', {
      description: `Build ${p.localTag}, then run the end-to-end tests CI runs before pushing`,
      env: { IMAGE: p.localTag },
      shell: TaskShell.bash(),
    });
    this.e2eTask.spawn(this.buildTask);
    for (const step of p.e2eSteps) {
      this.e2eTask.exec(step.run, { name: step.name });
    }

    const publish = p.ports.map(port => ` -p ${port}:${port}`).join('');
    this.runTask = project.addTask('docker:run', {
      description: `Run ${p.localTag} (arguments after -- go to the container)`,
      exec: `docker run --rm${publish} ${shellQuote(p.localTag)}`,
      receiveArgs: true,
      shell: TaskShell.bash(),
    });
  }
}
