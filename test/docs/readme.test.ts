import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MergeRule, OPTION_SCHEMA, SETTING_KEYS } from '../../src/settings/option-schema';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

describe('README stays true to the code', () => {
  test('every option is documented', () => {
    // GIVEN every setting a project or preset may carry THEN the README names each one
    const missing = [...SETTING_KEYS, 'cargoDir', 'presets', 'adoptExistingFiles'].filter(k => !README.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  test('the merge table lists exactly the settings the option schema does not replace', () => {
    // GIVEN the README's merge table rows (append, merge per key, struct)
    const row = (rule: string) => {
      const line = README.split('\n').find(l => l.startsWith('| ') && l.includes(rule))!;
      return [...line.split('|')[1].matchAll(/`([\w.]+)`/g)].map(m => m[1]).filter(n => n.includes('.') || SETTING_KEYS.includes(n)).sort();
    };
    // WHEN compared with the schema (fields of structs included)
    const withRule = (rule: MergeRule) => Object.entries(OPTION_SCHEMA).flatMap(([key, spec]) => [
      ...(spec.merge === rule ? [key] : []),
      ...Object.entries(spec.fields ?? {}).filter(([, f]) => f.merge === rule).map(([field]) => `${key}.${field}`),
    ]).sort();
    // THEN they agree
    expect(row('**append**')).toEqual(withRule(MergeRule.APPEND));
    expect(row('**merge per key**')).toEqual(withRule(MergeRule.MAP));
    expect(row('struct: its fields')).toEqual(withRule(MergeRule.STRUCT));
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
