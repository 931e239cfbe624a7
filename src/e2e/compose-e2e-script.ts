/**
 * The script of the compose E2E across images (`composeE2e`): the same text in the workflow's
 * `e2e-compose` job and in the `docker:e2e-compose` task. Bash; `IMAGE_<NAME>` hold the images' tags.
 */
import { shellQuote } from '../shell';

/**
 * `up` with the service's exit code (`--exit-code-from` stops every container when one exits);
 * `down` always after, keeping the exit status. `file`: the compose file from the working directory.
 */
export function composeE2eScript(file: string, service: string): string {
  const cli = `docker compose -f ${shellQuote(file)}`;
  return [
    'set -euo pipefail',
    'cleanup() {',
    '  status=$?',
    `  ${cli} down --volumes --remove-orphans || true`,
    '  exit "$status"',
    '}',
    'trap cleanup EXIT',
    `${cli} up --abort-on-container-exit --exit-code-from ${shellQuote(service)}`,
  ].join('\n') + '\n';
}
