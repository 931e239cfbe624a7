import { github, javascript, Project } from 'projen';
import { checkoutInputs } from './workflow-steps';
import { WorkflowPlan } from '../plan/workflow-plan';
import { shellQuote } from '../shell';

/** Job id of the drift check in the image workflow. */
export const DRIFT_JOB_ID = 'drift';

/** What the drift check prints when generated files were edited by hand or are stale. */
export function driftErrorMessage(projenCommand: string): string {
  return `::error title=Generated files are out of date::Files managed by projen differ from what .projenrc generates. Run "${projenCommand}" locally and commit the result; do not edit generated files by hand.`;
}

/**
 * The drift-check job: re-synthesizes the project and fails when a managed file differs, so hand
 * edits of the Dockerfile, `.dockerignore` or workflows are caught in CI.
 *
 * It lives in the image workflow (same triggers) as its own job, in parallel with the image build:
 * read-only token, no registry access.
 */
export function driftCheckJob(project: Project, plan: WorkflowPlan): github.workflows.Job {
  const projenCommand = project.projenCommand ?? 'npx projen';
  // the project's package manager (a NodeProject, or any project with a NodePackage such as RustDockerProject)
  const install = javascript.NodePackage.of(project)?.installCommand ?? 'npm ci';
  const check = [
    'set -eu',
    '# new files count as changes too',
    'git add --intent-to-add --all',
    'if ! git diff --exit-code; then',
    `  echo ${shellQuote(driftErrorMessage(projenCommand))}`,
    '  exit 1',
    'fi',
    '',
  ].join('\n');
  return {
    name: 'Generated files are up to date',
    runsOn: [plan.nativePlatform.runner],
    permissions: { contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 15,
    steps: [
      {
        id: 'checkout',
        name: 'Checkout',
        uses: plan.actions['actions/checkout'].uses,
        with: checkoutInputs(plan),
      },
      {
        id: 'setup_node',
        name: 'Set up Node.js',
        uses: plan.actions['actions/setup-node'].uses,
        // no dependency cache: a pull request could write one that the push/tag runs of this
        // workflow restore (setup-node v5+ caches by default when package.json names npm)
        with: { 'node-version': 'lts/*', 'package-manager-cache': false },
      },
      { id: 'install', name: 'Install dependencies', run: install },
      { id: 'synth', name: 'Synthesize', run: projenCommand },
      { id: 'diff', name: 'Fail on drift', run: check },
    ],
  };
}
