/**
 * The compose E2E across images (`composeE2e`, issue 14): resolved with several images, refused
 * early (naming the option, the value and the fix) for a bad value or a repository of one image.
 */
import { buildPlan, errorFrom, fixtureFacts } from './plan-test-util';
import { ErrorCollector } from '../../src/errors';
import { composeImageVariable, resolveComposeE2ePlan } from '../../src/plan/compose-e2e-plan';
import { applyPresets } from '../../src/presets/rust-docker-preset';
import { ComposeE2eSettings, RustDockerSettings } from '../../src/settings';

const multi = (options: RustDockerSettings) => buildPlan({ workspace: fixtureFacts('multi-image'), projectName: 'shop', options });
const errorOf = (options: RustDockerSettings, fixture = 'multi-image') => errorFrom(() => buildPlan({ workspace: fixtureFacts(fixture), options })).message;

describe('composeE2e in the build plan', () => {
  test('several images: file, service, the shared e2e timeout and IMAGE_<NAME> per image, in image order', () => {
    // GIVEN the multi-image fixture (api, worker) WHEN composeE2e is set
    const p = multi({ composeE2e: { file: 'e2e/compose.yaml', service: 'check' }, e2e: { timeoutMinutes: 15 } });
    // THEN
    expect(p.composeE2e).toEqual({
      file: 'e2e/compose.yaml',
      service: 'check',
      timeoutMinutes: 15,
      images: [{ name: 'api', variable: 'IMAGE_API' }, { name: 'worker', variable: 'IMAGE_WORKER' }],
    });
  });

  test('unset: no compose E2E; the timeout defaults to 10 minutes', () => {
    expect(multi({}).composeE2e).toBeUndefined();
    expect(multi({ composeE2e: { file: 'c.yml', service: 's' } }).composeE2e?.timeoutMinutes).toBe(10);
  });

  test('presets: a preset may carry it; the project\'s value replaces it as a whole (file and service together)', () => {
    const preset = { name: 'acme', settings: { composeE2e: { file: 'ci/compose.yaml', service: 'probe' } } };
    expect(applyPresets([preset], {}).settings.composeE2e).toEqual({ file: 'ci/compose.yaml', service: 'probe' });
    expect(applyPresets([preset], { composeE2e: { file: 'e2e.yaml', service: 'check' } }).settings.composeE2e).toEqual({ file: 'e2e.yaml', service: 'check' });
    // a bad value from a preset is refused the same way
    const bad = applyPresets([{ name: 'acme', settings: { composeE2e: { file: '../x.yaml', service: 'check' } } }], {});
    expect(errorOf(bad.settings)).toMatch(/^option "composeE2e.file": "..\/x.yaml" is not a path inside the project/);
  });

  test('one image: refused, pointing to e2e.composeFile', () => {
    expect(errorOf({ composeE2e: { file: 'compose.yaml', service: 'check' } }, 'single-crate'))
      .toMatch(/^option "composeE2e": is set, but the repository ships one image \("[^"]+"\)\. For one image, use "e2e.composeFile" and "e2e.composeService"/);
    // the shared binaries choose one image of the multi-image workspace: refused too
    expect(errorOf({ binaries: ['worker'], composeE2e: { file: 'compose.yaml', service: 'check' } })).toMatch(/^option "composeE2e": is set, but the repository ships one image/);
  });

  test.each<[string, Partial<ComposeE2eSettings>, RegExp]>([
    ['an absolute file', { file: '/etc/compose.yml' }, /^option "composeE2e.file": "\/etc\/compose.yml" is not a path inside the project\. Give the compose file path relative to the project root/],
    ['a file outside the project', { file: 'e2e/../../x.yml' }, /^option "composeE2e.file": "e2e\/..\/..\/x.yml" is not a path inside the project/],
    ['an expression in the file', { file: '${{ github.head_ref }}.yml' }, /^option "composeE2e.file": .* contains "\$\{\{"\. GitHub expressions .*Give a literal path/],
    ['an empty file', { file: '' }, /^option "composeE2e.file": "" is empty or not a string/],
    ['a line break in the file', { file: 'a\nb.yml' }, /^option "composeE2e(\.file)?"/],
    ['a service with a space', { service: 'a b' }, /^option "composeE2e.service": "a b" is not a compose service name\. Give a service name of letters, digits/],
    ['a service starting with -', { service: '-x' }, /^option "composeE2e.service": "-x" is not a compose service name/],
    ['a service with an expression', { service: '${{ x }}' }, /^option "composeE2e.service": .* is not a compose service name/],
    ['no service', { service: undefined }, /^option "composeE2e.service": is required/],
  ])('refused: %s', (_what, override, expected) => {
    const settings = { file: 'compose.yaml', service: 'check', ...override } as ComposeE2eSettings;
    expect(errorOf({ composeE2e: settings })).toMatch(expected);
  });

  test('not an object, or an unknown field: refused by the schema, naming the option', () => {
    expect(errorOf({ composeE2e: 'compose.yaml' as unknown as ComposeE2eSettings })).toMatch(/option "composeE2e": the settings sets "compose.yaml", which is not an object/);
    expect(errorOf({ composeE2e: { file: 'c.yml', service: 's', up: 'x' } as unknown as ComposeE2eSettings })).toMatch(/option "composeE2e.up": .*unknown field "up"\. Use one of file, service/);
  });
});

describe('IMAGE_<NAME>', () => {
  test('upper-cased, every character but letters and digits as _', () => {
    expect(composeImageVariable('api')).toBe('IMAGE_API');
    expect(composeImageVariable('my-worker.v2')).toBe('IMAGE_MY_WORKER_V2');
  });

  test('two images with the same variable: refused, naming both', () => {
    const errors = new ErrorCollector();
    expect(resolveComposeE2ePlan({ file: 'c.yml', service: 's' }, ['my-svc', 'my_svc'], undefined, errors)).toBeUndefined();
    expect(errorFrom(() => errors.throwIfAny()).message)
      .toMatch(/^option "composeE2e": images "my-svc" and "my_svc" would both be IMAGE_MY_SVC in the compose file\. Rename one/);
  });
});
