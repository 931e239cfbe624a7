import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { MergeRule, mergeRuleOf, optionSpec, SETTING_KEYS } from '../../src/settings/option-schema';

/** Property names of an interface declared in a source file (own props only). */
function interfaceProps(file: string, name: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true);
  const decl = src.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) throw new Error(`interface ${name} not found in ${file}`);
  return decl.members.filter(ts.isPropertySignature).map(m => (m.name as ts.Identifier).text);
}

describe('settings merge table', () => {
  test('SETTING_KEYS lists exactly the props of RustDockerSettings (so presets can carry every option)', () => {
    // GIVEN the option interfaces RustDockerSettings extends
    const src = path.join(__dirname, '..', '..', 'src');
    const props = [
      ...interfaceProps(path.join(src, 'settings/dockerfile-settings.ts'), 'DockerfileSettings'),
      ...interfaceProps(path.join(src, 'settings/dockerignore-settings.ts'), 'DockerIgnoreSettings'),
      ...interfaceProps(path.join(src, 'settings/workflow-settings.ts'), 'WorkflowSettings'),
    ];
    // THEN the merge table knows each one, and nothing else
    expect([...SETTING_KEYS].sort()).toEqual(props.sort());
  });

  test.each([
    ['healthcheck', 'dockerfile-settings.ts', 'DockerHealthcheck'],
    ['buildSecrets', 'dockerfile-settings.ts', 'BuildSecret'],
    ['e2e', 'workflow-settings.ts', 'E2eSettings'],
    ['e2e.httpProbe', 'workflow-settings.ts', 'HttpProbe'],
    ['composeE2e', 'workflow-settings.ts', 'ComposeE2eSettings'],
  ])('the schema knows every field of %s (%s %s)', (key, file, iface) => {
    // GIVEN the struct interface / WHEN compared with the schema's fields / THEN they are the same
    const props = interfaceProps(path.join(__dirname, '..', '..', 'src', 'settings', file), iface);
    expect(Object.keys(optionSpec(key)!.fields!).sort()).toEqual(props.sort());
  });

  test('documented rules: package lists append, maps merge, the rest replaces', () => {
    expect(mergeRuleOf('buildPackages')).toBe(MergeRule.APPEND);
    expect(mergeRuleOf('labels')).toBe(MergeRule.MAP);
    expect(mergeRuleOf('e2e')).toBe(MergeRule.STRUCT);
    expect(mergeRuleOf('e2e.commands')).toBe(MergeRule.APPEND);
    expect(mergeRuleOf('platforms')).toBe(MergeRule.REPLACE);
    expect(mergeRuleOf('binaries')).toBe(MergeRule.REPLACE);
  });
});
