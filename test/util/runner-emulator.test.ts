/**
 * The runner emulator's hashFiles globbing follows @actions/glob (what GitHub's runner uses): a matched
 * folder brings its descendants, `*`/`?`/`[…]`/`**` as minimatch with `dot`, `\` escapes, `#` lines
 * skipped, `!` patterns removing in order, symbolic links to folders not followed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashFilesMatches } from './runner-emulator';

describe('hashFilesMatches: @actions/glob semantics', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prd-hashfiles-'));
  const files = [
    'Cargo.toml', 'Cargo.lock', 'README.md', '.cargo/config.toml', 'src/main.rs', 'src/a/mod.rs', 'src/.hidden.rs',
    'svc/proto/x.proto', 'proto/y.proto', 'deep/er/z.proto', 'assets/logo.txt', '#notes.txt', 'a*b.txt', 'axb.txt', 'fonts/a1.ttf', 'fonts/c1.ttf',
  ];
  beforeAll(() => {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), f);
    }
    fs.mkdirSync(path.join(root, 'outside'));
    fs.writeFileSync(path.join(root, 'outside', 'secret.rs'), 'x');
    fs.symlinkSync(path.join(root, 'outside'), path.join(root, 'src', 'linked'));
    fs.symlinkSync(path.join(root, 'Cargo.toml'), path.join(root, 'src', 'file-link.rs'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test.each([
    ['a file', ['Cargo.lock'], ['Cargo.lock']],
    ['a folder: every file below it (dot files too, links to files, not links to folders)', ['src'], ['src/.hidden.rs', 'src/a/mod.rs', 'src/file-link.rs', 'src/main.rs']],
    ['a trailing slash', ['assets/'], ['assets/logo.txt']],
    ['** at any depth, the top included', ['**/*.proto'], ['deep/er/z.proto', 'proto/y.proto', 'svc/proto/x.proto']],
    ['* within one segment', ['*/*.proto'], ['proto/y.proto']],
    ['a class and ?', ['fonts/[ab]?.ttf'], ['fonts/a1.ttf']],
    ['an escaped wildcard and an escaped #', ['a\\*b.txt', '\\#notes.txt'], ['#notes.txt', 'a*b.txt']],
    ['a # line is a comment', ['#notes.txt'], []],
    ['a ! pattern removes what it matches, in order', ['src', '!src/a'], ['src/.hidden.rs', 'src/file-link.rs', 'src/main.rs']],
    ['nothing', ['missing'], []],
  ])('%s', (_label, patterns, expected) => {
    expect(hashFilesMatches(root, patterns)).toEqual(expected);
  });
});
