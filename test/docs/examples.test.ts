/**
 * The committed example output (shown in the README) is what the library generates today:
 * run the main job for each example and check git sees no change.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

describe.each(['examples/hello-service', 'examples/acme-service'])('%s', (example) => {
  jest.setTimeout(300_000);

  test('scripts/example.sh regenerates exactly the committed files', () => {
    // WHEN the main job synthesizes the example
    // (without jest's NODE_ENV=test: in a test run, projen synthesizes into a temp dir)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JEST') && k !== 'NODE_ENV'));
    const out = execFileSync('bash', [path.join(ROOT, 'scripts/example.sh'), example], { cwd: ROOT, encoding: 'utf-8', stdio: 'pipe', env });
    // THEN it says where the files are
    expect(out).toContain(`${example}/Dockerfile`);
    expect(out).toContain(`${example}/.github/workflows/docker.yml`);
    // AND git sees no difference in the example (tracked or new files)
    const status = execFileSync('git', ['status', '--porcelain', '--', example], { cwd: ROOT, encoding: 'utf-8' });
    expect(status).toBe('');
  });
});
