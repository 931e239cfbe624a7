/** Test helpers: a build plan over a fixture workspace, and a synthesized image workflow. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { github, Project, Testing } from 'projen';
import * as YAML from 'yaml';
import { CargoWorkspace } from '../../src/cargo/cargo-workspace';
import { ImageWorkflow } from '../../src/github/image-workflow';
import { BuildPlan, resolveBuildPlan } from '../../src/plan/build-plan';
import { DockerIgnoreSettings, DockerfileSettings, WorkflowSettings } from '../../src/settings';
import { DockerTasks } from '../../src/tasks/docker-tasks';

export type AllOptions = DockerfileSettings & DockerIgnoreSettings & WorkflowSettings;

const facts = CargoWorkspace.load(path.join(__dirname, '..', 'fixtures', 'single-crate')).facts;

/** The build plan of the single-crate fixture with these options. */
export function planFor(options: AllOptions = {}): BuildPlan {
  return resolveBuildPlan({ options, workspace: facts, contextDir: '.', projectName: 'hello-svc' });
}

/** A bare projen project in a fresh temp dir with a GitHub component. */
export function newProject(): { project: Project; gh: github.GitHub } {
  const project = new Project({ name: 'hello-svc', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'x-')) });
  const gh = new github.GitHub(project, { mergify: false, pullRequestLint: false });
  return { project, gh };
}

export interface Synthesized {
  readonly project: Project;
  readonly workflow: ImageWorkflow;
  readonly tasks: DockerTasks;
  readonly plan: BuildPlan;
  /** Workflow file text. */
  readonly text: string;
  /** Parsed workflow. */
  readonly yaml: any;
  /** tasks.json */
  readonly tasksJson: any;
  readonly fileName: string;
}

/** Builds the plan, adds the workflow and tasks, synthesizes. */
export function synthWorkflow(options: AllOptions = {}, patch?: (w: ImageWorkflow) => void): Synthesized {
  const plan = planFor(options);
  const { project, gh } = newProject();
  const workflow = new ImageWorkflow(gh, plan);
  const tasks = new DockerTasks(project, plan);
  patch?.(workflow);
  const out = Testing.synth(project);
  const fileName = plan.pipeline.workflow!.file;
  const text = out[fileName];
  return { project, workflow, tasks, plan, text, yaml: YAML.parse(text), tasksJson: out['.projen/tasks.json'], fileName };
}

/** Steps of a job. */
export function steps(yaml: any, jobId: string): any[] {
  return yaml.jobs[jobId].steps;
}

/** Index of the step with this id in a job (-1 when absent). */
export function stepIndex(yaml: any, jobId: string, id: string): number {
  return steps(yaml, jobId).findIndex((s: any) => s.id === id);
}
