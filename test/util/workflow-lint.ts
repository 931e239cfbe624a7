import { spawnSync } from 'child_process';
import { validateWorkflow } from '@action-validator/core';
import * as YAML from 'yaml';
import { actionlintText } from './oracles';

/** Untrusted or injectable expressions that must never be expanded inside a `run:` script. */
const UNSAFE_IN_RUN = [/\$\{\{\s*github\.event\b/, /\$\{\{\s*github\.head_ref\b/, /\$\{\{\s*inputs\./];

const shellcheckCache = new Map<string, string[]>();

/** Every `run:` script of a workflow, with where it is. */
export function runScripts(workflow: any): Array<{ where: string; run: string }> {
  const result: Array<{ where: string; run: string }> = [];
  for (const [jobId, job] of Object.entries<any>(workflow?.jobs ?? {})) {
    (job.steps ?? []).forEach((step: any, i: number) => {
      if (typeof step.run === 'string') result.push({ where: `jobs.${jobId}.steps[${i}] (${step.id ?? step.name ?? ''})`, run: step.run });
    });
  }
  return result;
}

/** Runs `shellcheck -s bash -S warning` on a script; returns its findings (cached by script text). */
export function shellcheck(script: string): string[] {
  const cached = shellcheckCache.get(script);
  if (cached) return cached;
  const out = spawnSync('shellcheck', ['-s', 'bash', '-S', 'warning', '-f', 'gcc', '-'], { input: script, encoding: 'utf-8' });
  if (out.error) throw new Error(`shellcheck could not run (apt-get install -y shellcheck): ${out.error.message}`);
  const findings = out.status === 0 ? [] : (out.stdout + out.stderr).split('\n').filter(l => l.trim() !== '');
  shellcheckCache.set(script, findings);
  return findings;
}

/**
 * `@action-validator/core` 0.6's schema predates the `attestations` token permission (GitHub,
 * 2024; required by actions/attest-build-provenance) and rejects it. actionlint does know it and
 * checks it; the schema check runs on a copy without that one key, so every other finding stays.
 */
function withoutAttestationsPermission(yamlText: string): string {
  const doc = YAML.parse(yamlText);
  let changed = false;
  for (const job of Object.values<any>(doc?.jobs ?? {})) {
    if (job?.permissions && typeof job.permissions === 'object' && 'attestations' in job.permissions) {
      delete job.permissions.attestations;
      changed = true;
    }
  }
  return changed ? YAML.stringify(doc) : yamlText;
}

/**
 * Lints a workflow with native actionlint (pinned, scripts/oracles-setup.sh; its own shellcheck
 * pass off, as shellcheck runs below, cached), `@action-validator/core` (schema), shellcheck on every
 * `run:` script, and our own rules: no untrusted expression in `run:`, no `pull_request_target`
 * trigger. Returns all findings; empty means clean.
 */
export async function lintWorkflow(yamlText: string, fileName: string): Promise<string[]> {
  const findings: string[] = [];

  for (const f of actionlintText(yamlText, fileName)) {
    findings.push(`actionlint ${fileName}:${f.line} [${f.rule}] ${f.message}`);
  }

  const state = validateWorkflow(withoutAttestationsPermission(yamlText));
  for (const e of state.errors) {
    findings.push(`action-validator ${fileName}: ${e.code} ${e.title}${'path' in e ? ` at ${e.path}` : ''}${e.detail ? `: ${e.detail}` : ''}`);
  }

  const workflow = YAML.parse(yamlText);
  const on = workflow?.on;
  const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  if (events.includes('pull_request_target')) findings.push(`${fileName}: pull_request_target trigger`);

  for (const { where, run } of runScripts(workflow)) {
    for (const pattern of UNSAFE_IN_RUN) {
      if (pattern.test(run)) findings.push(`${fileName} ${where}: untrusted expression in run: ${pattern}`);
    }
    if (!run.includes('${{')) {
      for (const f of shellcheck(run)) findings.push(`shellcheck ${fileName} ${where}: ${f}`);
    }
  }
  return findings;
}
