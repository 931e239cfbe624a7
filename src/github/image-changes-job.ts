/**
 * Several images in one workflow (issue 14): a `changes` job decides which images a push or a pull
 * request must rebuild, from the files it changed and each image's build inputs (computed at synth
 * from the workspace graph); each image's job runs only when its output says so. Never `on.paths`:
 * a workflow skipped by paths leaves required checks pending, a job skipped by `if:` passes them.
 */
import * as path from 'path';
import { github } from 'projen';
import { lines, WorkflowView, workflowView } from './workflow-steps';
import { BuildPlan, NamedImagePlan } from '../plan/build-plan';
import { shellQuote } from '../shell';

type Job = github.workflows.Job;

/** Id of the job that computes which images to rebuild. */
export const CHANGES_JOB_ID = 'changes';

/** Key of an image in job ids and the changes job's outputs (`api`, `my_svc`). */
export function imageKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** The build job of one image of several. */
export function imageJobId(name: string): string {
  return `image_${imageKey(name)}`;
}

/** The manifest-merge job of one image of several. */
export function mergeJobId(name: string): string {
  return `merge_${imageKey(name)}`;
}

/** The workflow view of one image of several: its plan parts, its final stage as build target, its own name and job. */
export function imageView(plan: BuildPlan, image: NamedImagePlan): WorkflowView {
  return {
    ...workflowView({ workspace: plan.workspace, image: image.image, pipeline: image.pipeline }),
    target: image.stages.finalStage,
    imageNameSuffix: `/${image.name}`,
    imageJobId: imageJobId(image.name),
  };
}

/** The condition of an image's job: the changes job said it must rebuild. */
export function imageJobCondition(name: string): string {
  return `needs.${CHANGES_JOB_ID}.outputs.${imageKey(name)} == 'true'`;
}

/**
 * The input paths of each image relative to the repository root (`projectPath`: the project's folder there): the plan's,
 * which are relative to the build context, plus the workflow file (a change to the build steps
 * rebuilds every image).
 */
export function imageInputPaths(plan: BuildPlan, workflowFile: string, projectPath = '.'): Array<{ key: string; paths: string[] }> {
  const contextDir = path.posix.join(projectPath, plan.image.context.dir);
  return plan.images!.map(image => ({
    key: imageKey(image.name),
    paths: [...new Set([...image.inputs.map(p => path.posix.normalize(path.posix.join(contextDir, p))), workflowFile])],
  }));
}

/**
 * The script of the changes step: for a pull request, the files changed since its base; for a push
 * to a branch, since the pushed-over commit (`github.event.before`). Every image is built on tags,
 * the schedule, manual runs, and when that commit is unknown (a new branch: all zeros; a force-push:
 * not fetched). Writes `<key>=true|false` per image to `$GITHUB_OUTPUT`. Reads `EVENT_NAME`,
 * `REF_TYPE` and `BASE`.
 */
export function changesScript(images: Array<{ key: string; paths: string[] }>): string {
  return lines([
    'set -euo pipefail',
    'all=false',
    'case "$EVENT_NAME" in',
    '  pull_request) ;;',
    '  push) if [ "$REF_TYPE" != branch ]; then all=true; fi ;;',
    '  *) all=true ;;',
    'esac',
    'if [ "$all" = false ]; then',
    '  if [ -z "$BASE" ] || [ "$BASE" = 0000000000000000000000000000000000000000 ] || ! git cat-file -e "$BASE^{commit}" 2>/dev/null; then',
    '    echo "::notice title=Changed images::no base commit to compare with (${BASE:-none}): building every image"',
    '    all=true',
    '  fi',
    'fi',
    'changed=""',
    'if [ "$all" = false ]; then',
    '  # both sides of a rename: a file moved out of an image\'s folder changes that image',
    '  changed=$(git diff --name-only --no-renames "$BASE" HEAD)',
    '  printf \'changed files:\\n%s\\n\' "$changed"',
    'fi',
    '# whether a changed file is one of the arguments or below one',
    'touches() {',
    '  local file input',
    '  while IFS= read -r file; do',
    '    [ -n "$file" ] || continue',
    '    for input in "$@"; do',
    '      case "$file" in "$input" | "$input"/*) return 0 ;; esac',
    '    done',
    '  done <<< "$changed"',
    '  return 1',
    '}',
    '# build <output> <input paths...>',
    'build() {',
    '  local key=$1',
    '  shift',
    '  if [ "$all" = true ] || touches "$@"; then',
    '    echo "$key=true" >> "$GITHUB_OUTPUT"',
    '  else',
    '    echo "$key=false" >> "$GITHUB_OUTPUT"',
    '  fi',
    '}',
    ...images.map(i => `build ${i.key} ${i.paths.map(shellQuote).join(' ')}`),
  ]);
}

/** The changes job: full history (the base of a pull request or push must be there), read-only token. */
export function changesJob(p: WorkflowView, plan: BuildPlan, projectPath = '.'): Job {
  const images = imageInputPaths(plan, p.file, projectPath);
  return {
    name: 'Changed images',
    runsOn: [p.nativePlatform.runner],
    permissions: { contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 10,
    outputs: Object.fromEntries(images.map(i => [i.key, { stepId: 'changes', outputName: i.key }])),
    steps: [
      { id: 'checkout', name: 'Checkout', uses: p.actions['actions/checkout'].uses, with: { 'persist-credentials': false, 'fetch-depth': 0 } },
      {
        id: 'changes',
        name: 'Images whose inputs changed',
        env: {
          EVENT_NAME: '${{ github.event_name }}',
          REF_TYPE: '${{ github.ref_type }}',
          BASE: '${{ github.event.pull_request.base.sha || github.event.before }}',
        },
        run: changesScript(images),
      },
    ],
  };
}
