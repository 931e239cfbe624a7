import { errorFrom, fixtureFacts } from './plan-test-util';
import { STAGE } from '../../src/docker/dockerfile-layout';
import { ErrorCollector } from '../../src/errors';
import { INTERNAL_STAGE_NAMES, ImageList, ImageListEntry, resolveImageList } from '../../src/plan/image-list-plan';

/** The image list of a fixture; throws the collected errors. */
function list(fixture: string, images?: ImageListEntry[]): ImageList {
  const errors = new ErrorCollector();
  const result = resolveImageList(images, fixtureFacts(fixture), 'svc', errors);
  errors.throwIfAny();
  return result;
}

describe('the inferred image list', () => {
  test('two binaries of the default members and no default-run: one image per binary', () => {
    // GIVEN the multi-image workspace WHEN nothing is said THEN api and worker each get an image
    const l = list('multi-image');
    expect(l.images).toEqual([
      { name: 'api', packageName: 'api', binaries: ['api'] },
      { name: 'worker', packageName: 'worker', binaries: ['worker'] },
    ]);
    expect(l.summary).toMatch(/one per binary: 2 binaries and no default-run/);
  });

  test.each(['single-crate', 'multi-bin', 'docker-workspace'])('%s keeps one image, inferred as today', fixture => {
    // GIVEN one binary or a default-run WHEN nothing is said THEN one image whose binaries are left to the single-image rules
    expect(list(fixture).images).toEqual([{ name: 'svc' }]);
  });
});

describe('a given image list', () => {
  test('an image named like its binary ships it; binaries and packageName are taken as given', () => {
    // WHEN the images are listed THEN each is resolved to its package and binaries
    expect(list('multi-image', [{ name: 'api' }, { name: 'jobs', packageName: 'worker' }]).images).toEqual([
      { name: 'api', packageName: 'api', binaries: ['api'] },
      { name: 'jobs', packageName: 'worker', binaries: ['worker'] },
    ]);
  });

  test.each<[string, ImageListEntry[], string, RegExp]>([
    ['duplicate image names', [{ name: 'api' }, { name: 'api', binaries: ['worker'] }], 'images[1].name', /"api" is already the name of images\[0\]\. Give each image its own name/],
    ['a binary in two images', [{ name: 'api' }, { name: 'both', binaries: ['api'] }], 'images[1].binaries', /binary "api" is already shipped by image "api"\. Ship each binary in one image/],
    ['an image with no binary', [{ name: 'api', binaries: [] }], 'images[0].binaries', /image "api" has no binary/],
    ['an image with no binary named like it', [{ name: 'gateway' }], 'images[0].binaries', /no binary is named "gateway"\. Set "images\[0\]\.binaries" \(available: api, worker\)/],
    ['an unknown package', [{ name: 'api', packageName: 'nope' }], 'images[0].packageName', /unknown package "nope"\. Use one of the workspace members: api, shared, worker/],
    ['a package without binary', [{ name: 'lib', packageName: 'shared' }], 'images[0].packageName', /package "shared" ships none/],
    ['a clash with an internal stage', [{ name: 'builder', binaries: ['api'] }], 'images[0].name', /"builder" is the name of an internal stage.*Rename the image/],
    ['an invalid name', [{ name: 'Api', binaries: ['api'] }], 'images[0].name', /"Api" is not an image name\. Use lowercase/],
    ['an unknown binary', [{ name: 'x', binaries: ['nope'] }], 'images[0].binaries', /unknown binary "nope"\. Available binaries: api, worker/],
    ['binaries of two packages', [{ name: 'x', binaries: ['api', 'worker'] }], 'images[0].binaries', /binary "worker" belongs to package "worker", not "api"\. One image builds one package/],
    ['an empty list', [], 'images', /lists no image/],
  ])('%s is one error naming the option, the value and the fix', (_label, images, option, pattern) => {
    // GIVEN a bad image list WHEN it is resolved THEN one error says what and how to fix it
    const error = errorFrom(() => list('multi-image', images));
    expect(error.errors).toHaveLength(1);
    expect(error.message).toContain(`option "${option}"`);
    expect(error.message).toMatch(pattern);
  });

  test('the internal stage names are the Dockerfile stages', () => {
    // THEN the reserved names follow the renderer's stage table
    expect([...INTERNAL_STAGE_NAMES].sort()).toEqual(Object.values(STAGE).map(String).sort());
  });
});
