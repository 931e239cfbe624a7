import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SETTING_KEYS } from '../../src/presets/settings-merge';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

describe('README stays true to the code', () => {
  test('every option is documented', () => {
    // GIVEN every setting a project or preset may carry THEN the README names each one
    const missing = [...SETTING_KEYS, 'cargoDir', 'presets', 'adoptExistingFiles'].filter(k => !README.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  test('the generated-file blocks match the committed example output', () => {
    // WHEN the block checker runs THEN it finds nothing stale
    expect(() => execFileSync('node', [path.join(ROOT, 'scripts/readme-blocks.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  test('the test command in the README is the one .ci/run calls', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf-8');
    expect(README).toContain('npx projen build');
    expect(ci).toMatch(/^npx projen build$/m);
  });
});
