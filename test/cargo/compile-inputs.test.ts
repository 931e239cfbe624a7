import * as fs from 'fs';
import * as path from 'path';
import { MAIN_RS, cleanupTempDirs, pkgToml, tempRepo } from './cargo-test-util';
import { CargoPackageFacts, CargoWorkspace } from '../../src/cargo';
import { tokenizeRust } from '../../src/cargo/rust-tokens';

afterAll(cleanupTempDirs);

const WORKSPACE = '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n';

/** A workspace with one library member "app" in crates/app, plus `files`; returns that member's facts. */
function member(files: Record<string, string>, manifestExtra = ''): CargoPackageFacts {
  const dir = tempRepo({
    'Cargo.toml': WORKSPACE,
    'crates/app/Cargo.toml': pkgToml('app', manifestExtra),
    'crates/app/src/lib.rs': '',
    ...files,
  });
  return CargoWorkspace.load(dir).facts.packages.find(p => p.name === 'app')!;
}

/** The reasons of the member's unresolved inputs, as "file:line reason". */
const unresolved = (p: CargoPackageFacts) => p.unresolvedInputs.map(u => `${u.file}:${u.line} ${u.reason}`);

describe('include macros', () => {
  test('#![doc = include_str!("../README.md")] makes the package README an input', () => {
    // GIVEN the crate documentation taken from the README
    const p = member({
      'crates/app/src/lib.rs': '#![doc = include_str!("../README.md")]\npub fn f() {}\n',
      'crates/app/README.md': '# app\n',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/README.md']);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('include_bytes! is relative to the directory of the source file that uses it', () => {
    // GIVEN a nested module including a file two levels up
    const p = member({
      'crates/app/src/lib.rs': 'mod assets;\n',
      'crates/app/src/assets/mod.rs': 'pub static LOGO: &[u8] = include_bytes!("../../data/logo.png");\n',
      'crates/app/data/logo.png': 'png',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/data/logo.png']);
  });

  test('include! of concat!(env!("CARGO_MANIFEST_DIR"), "/...") is relative to the package dir', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': 'include!(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/table.rs"));\n',
      'crates/app/generated/table.rs': 'pub const T: u8 = 1;\n',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/generated/table.rs']);
  });

  test('a macro call spread over several lines, with comments and a trailing comma, is read', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': [
        'pub const SCHEMA: &str = std::include_str!(',
        '    // the shared schema',
        '    concat!(',
        '        env!("CARGO_MANIFEST_DIR"), /* root */',
        '        "/schema.graphql",',
        '    ),',
        ');',
      ].join('\n'),
      'crates/app/schema.graphql': 'type Query { a: Int }\n',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/schema.graphql']);
  });

  test('includes of OUT_DIR (generated code) are ignored', () => {
    // GIVEN the usual include of a build-script output
    const p = member({ 'crates/app/src/lib.rs': 'include!(concat!(env!("OUT_DIR"), "/bindings.rs"));\n' });
    // WHEN / THEN neither an input nor unresolved
    expect(p.compileInputs).toEqual([]);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('paths in comments, doc comments and ordinary strings of src/ are ignored', () => {
    // GIVEN an existing file named only in comments and non-macro strings
    const p = member({
      'crates/app/src/lib.rs': [
        '// include_str!("../notes.txt")',
        '/// ```',
        '/// let s = include_str!("../notes.txt");',
        '/// ```',
        '/* include_str!("../notes.txt") /* nested */ include_str!("../notes.txt") */',
        'pub const NAME: &str = "../notes.txt";',
        'pub const RAW: &str = r#"include_str!("../notes.txt")"#;',
        'pub const Q: char = \'"\';',
        'pub fn f() -> &\'static str { "notes.txt" }',
      ].join('\n'),
      'crates/app/notes.txt': 'x',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual([]);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('a path from an environment variable other than CARGO_MANIFEST_DIR is unresolved, with file, line and text', () => {
    // GIVEN
    const p = member({ 'crates/app/src/lib.rs': '\npub const S: &str = include_str!(env!("SCHEMA_PATH"));\n' });
    // WHEN / THEN
    expect(p.compileInputs).toEqual([]);
    expect(p.unresolvedInputs).toEqual([{
      file: 'crates/app/src/lib.rs',
      line: 2,
      text: 'pub const S: &str = include_str!(env!("SCHEMA_PATH"));',
      reason: 'environment variable SCHEMA_PATH is only known at build time (only CARGO_MANIFEST_DIR is resolved)',
    }]);
  });

  test('a path that is not a literal (a macro argument) is unresolved', () => {
    // GIVEN an include inside a macro_rules definition
    const p = member({ 'crates/app/src/lib.rs': 'macro_rules! load { ($p:expr) => { include_str!($p) }; }\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/src/lib.rs:1 path is a macro argument']);
  });

  test('a path held in a constant is unresolved (not a literal)', () => {
    // GIVEN
    const p = member({ 'crates/app/src/lib.rs': 'const P: &str = "../a.txt";\nconst S: &[u8] = include_bytes!(P);\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/src/lib.rs:2 path is not a literal']);
  });

  test('a missing file is unresolved', () => {
    // GIVEN
    const p = member({ 'crates/app/src/lib.rs': 'const S: &str = include_str!("../missing.txt");\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/src/lib.rs:1 crates/app/missing.txt does not exist']);
  });

  test('a file outside the workspace root is unresolved, not an input', () => {
    // GIVEN a file next to the workspace root
    const dir = tempRepo({
      'ws/Cargo.toml': WORKSPACE,
      'ws/crates/app/Cargo.toml': pkgToml('app'),
      'ws/crates/app/src/lib.rs': 'const S: &str = include_str!("../../../../shared.txt");\n',
      'shared.txt': 'x',
    });
    // WHEN
    const p = CargoWorkspace.load(path.join(dir, 'ws')).facts.packages[0];
    // THEN
    expect(p.compileInputs).toEqual([]);
    expect(unresolved(p)).toEqual(['crates/app/src/lib.rs:1 "../../../../shared.txt" is outside the workspace root']);
  });

  test('files under the package\'s own src/ are not listed (they are sent anyway), another member\'s are', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': 'const A: &str = include_str!("data/a.txt");\nconst B: &str = include_str!("../../core/src/b.txt");\n',
      'crates/app/src/data/a.txt': 'a',
      'crates/core/Cargo.toml': pkgToml('core'),
      'crates/core/src/lib.rs': '',
      'crates/core/src/b.txt': 'b',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/core/src/b.txt']);
  });

  test('inputs are sorted and deduplicated', () => {
    // GIVEN the same file included twice, and a second one
    const p = member({
      'crates/app/src/lib.rs': 'const A: &str = include_str!("../b.txt");\nconst B: &str = include_str!("../a.txt");\n',
      'crates/app/src/x.rs': 'const C: &str = include_str!("../b.txt");\n',
      'crates/app/a.txt': '',
      'crates/app/b.txt': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/a.txt', 'crates/app/b.txt']);
  });

  test('the unresolved text is the trimmed line, cut at 120 characters', () => {
    // GIVEN a long line
    const line = `const S: &str = include_str!(env!("X")); // ${'x'.repeat(200)}`;
    const p = member({ 'crates/app/src/lib.rs': `    ${line}\n` });
    // WHEN / THEN
    expect(p.unresolvedInputs[0].text).toBe(`${line.slice(0, 119)}…`);
  });
});

describe('#[path] modules', () => {
  test('a #[path] module outside src/ is an input, and its own includes are followed', () => {
    // GIVEN a module shared between crates, which itself includes a file
    const p = member({
      'crates/app/src/lib.rs': '#[path = "../../../shared/common.rs"]\nmod common;\n',
      'shared/common.rs': 'pub const V: &str = include_str!("version.txt");\n',
      'shared/version.txt': '1',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['shared/common.rs', 'shared/version.txt']);
  });
});

describe('migrations and sqlx', () => {
  test('sqlx::migrate!() reads the package\'s migrations folder', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': 'pub async fn up(p: &sqlx::PgPool) { sqlx::migrate!().run(p).await.unwrap(); }\n',
      'crates/app/migrations/0001_init.sql': 'create table t (id int);\n',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/migrations']);
  });

  test('migrate!("dir") is relative to the package dir', () => {
    // GIVEN
    const p = member({
      'crates/app/src/db/mod.rs': 'static M: sqlx::migrate::Migrator = sqlx::migrate!("db/migrations");\n',
      'crates/app/db/migrations/0001.sql': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/db/migrations']);
  });

  test('migrate!() without a migrations folder is unresolved', () => {
    // GIVEN
    const p = member({ 'crates/app/src/lib.rs': 'static M: sqlx::migrate::Migrator = sqlx::migrate!();\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/src/lib.rs:1 sqlx::migrate!() reads crates/app/migrations, which does not exist']);
  });

  test('a package depending on sqlx (through the workspace) takes the .sqlx offline data of the package and of the root', () => {
    // GIVEN
    const dir = tempRepo({
      'Cargo.toml': `${WORKSPACE}\n[workspace.dependencies]\nsqlx = "0.8"\n`,
      'crates/app/Cargo.toml': pkgToml('app', '\n[dependencies]\nsqlx = { workspace = true }\n'),
      'crates/app/src/lib.rs': '',
      'crates/app/.sqlx/query-1.json': '{}',
      '.sqlx/query-2.json': '{}',
    });
    // WHEN
    const p = CargoWorkspace.load(dir).facts.packages[0];
    // THEN
    expect(p.compileInputs).toEqual(['.sqlx', 'crates/app/.sqlx']);
  });

  test('sqlx::query_file!("...") is relative to the package dir', () => {
    // GIVEN
    const p = member({
      'crates/app/src/repo.rs': 'pub async fn get() { let _ = sqlx::query_file!("queries/get.sql", 1); }\n',
      'crates/app/queries/get.sql': 'select 1',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/queries/get.sql']);
  });

  test('diesel embed_migrations!() finds the migrations folder in the package dir or a parent', () => {
    // GIVEN migrations at the workspace root only
    const p = member({
      'crates/app/src/lib.rs': 'pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!();\n',
      'migrations/2024-01-01/up.sql': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['migrations']);
  });

  test('embed_migrations!("dir") is relative to the package dir', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': 'pub const M: EmbeddedMigrations = diesel_migrations::embed_migrations!("sql");\n',
      'crates/app/sql/x/up.sql': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/sql']);
  });
});

describe('templates and embedded folders', () => {
  test('a package depending on askama takes its templates folder and the dirs of askama.toml', () => {
    // GIVEN
    const p = member({
      'crates/app/templates/index.html': '<p>{{ a }}</p>',
      'crates/app/askama.toml': '[general]\ndirs = ["templates", "../../shared-templates"]\n',
      'shared-templates/base.html': '',
    }, '\n[dependencies]\naskama = "0.12"\n');
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/askama.toml', 'crates/app/templates', 'shared-templates']);
  });

  test('a templates folder is not an input of a package without askama or rinja', () => {
    // GIVEN
    const p = member({ 'crates/app/templates/index.html': '' });
    // WHEN / THEN
    expect(p.compileInputs).toEqual([]);
  });

  test('rust-embed #[folder] is relative to the package dir, $CARGO_MANIFEST_DIR expanded', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': [
        '#[derive(rust_embed::Embed)]',
        '#[folder = "assets/"]',
        'struct Assets;',
        '#[derive(RustEmbed)]',
        '#[folder = "$CARGO_MANIFEST_DIR/public"]',
        'struct Public;',
      ].join('\n'),
      'crates/app/assets/a.css': '',
      'crates/app/public/index.html': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/assets', 'crates/app/public']);
  });

  test('an embedded folder named by another environment variable is unresolved', () => {
    // GIVEN
    const p = member({ 'crates/app/src/lib.rs': '#[derive(RustEmbed)]\n#[folder = "$ASSETS_DIR/dist"]\nstruct Assets;\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/src/lib.rs:2 environment variable ASSETS_DIR is only known at build time (only CARGO_MANIFEST_DIR is resolved)']);
  });

  test('include_dir!("$CARGO_MANIFEST_DIR/static") is the package\'s static folder', () => {
    // GIVEN
    const p = member({
      'crates/app/src/lib.rs': 'static STATIC: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/static");\n',
      'crates/app/static/app.js': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/static']);
  });
});

describe('build scripts', () => {
  test('rerun-if-changed paths (cargo: and cargo::) are inputs, the build script itself is not listed', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': [
        'fn main() {',
        '    println!("cargo:rerun-if-changed=build.rs");',
        '    println!("cargo:rerun-if-changed=schema/api.json");',
        '    println!("cargo::rerun-if-changed=ui");',
        '}',
      ].join('\n'),
      'crates/app/schema/api.json': '{}',
      'crates/app/ui/index.html': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/schema/api.json', 'crates/app/ui']);
  });

  test('compile_protos(&[files], &[include dirs]) names proto files and include folders', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': 'fn main() {\n    tonic_build::configure()\n        .compile_protos(&["proto/api/v1/api.proto"], &["proto"])\n        .unwrap();\n}\n',
      'crates/app/proto/api/v1/api.proto': 'syntax = "proto3";',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/proto', 'crates/app/proto/api/v1/api.proto']);
  });

  test('cc::Build .file, .files and .include name C sources and header folders', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': [
        'fn main() {',
        '    cc::Build::new()',
        '        .file("csrc/a.c")',
        '        .files(["csrc/b.c"])',
        '        .include("csrc/include")',
        '        .include("/usr/local/include")',
        '        .compile("native");',
        '}',
      ].join('\n'),
      'crates/app/csrc/a.c': '',
      'crates/app/csrc/b.c': '',
      'crates/app/csrc/include/a.h': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/csrc/a.c', 'crates/app/csrc/b.c', 'crates/app/csrc/include']);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('any string literal of the build script naming an existing path of the package is an input', () => {
    // GIVEN a read through a helper, and strings that are not paths
    const p = member({
      'crates/app/build.rs': [
        'fn main() {',
        '    let text = load("config/defaults.toml");',
        '    let target = "x86_64-unknown-linux-gnu";',
        '    println!("cargo:rustc-env=GREETING=hello");',
        '    println!("cargo:rustc-cfg=has_src");',
        '    let _ = ("src", "src/lib.rs", ".", "Cargo.toml");',
        '}',
      ].join('\n'),
      'crates/app/config/defaults.toml': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/config/defaults.toml']);
  });

  test('a bare read_dir imported with `use std::fs::read_dir` is a read: a missing folder (an empty submodule) is unresolved', () => {
    // GIVEN a build script reading a folder that is not there (a submodule not checked out), through an imported fs function
    const p = member({
      'crates/app/build.rs': ['use std::fs::read_dir;', 'fn main() {', '    for e in read_dir("translations/backend/").unwrap() { let _ = e; }', '}'].join('\n'),
    });
    // WHEN scanned THEN it is reported with the file and line, not silently missed
    expect(p.compileInputs).toEqual([]);
    expect(unresolved(p)).toEqual([expect.stringMatching(/^crates\/app\/build\.rs:3 .*translations\/backend/)]);
  });

  test('a rerun-if-changed path built with format! from a variable is unresolved with file and line', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': 'fn main() {\n    let dir = std::env::args().next().unwrap();\n    println!("cargo:rerun-if-changed={}/proto", dir);\n}\n',
    });
    // WHEN / THEN
    expect(p.unresolvedInputs).toEqual([{
      file: 'crates/app/build.rs', line: 3, text: 'println!("cargo:rerun-if-changed={}/proto", dir);', reason: 'path built at run time',
    }]);
  });

  test('a file read from a path built at run time is unresolved', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': 'use std::fs;\nfn main() {\n    let name = pick();\n    let s = fs::read_to_string(format!("data/{name}.json")).unwrap();\n}\n',
    });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/build.rs:4 path built at run time']);
  });

  test('a path built at run time under an existing folder of the package takes that folder', () => {
    // GIVEN run-time names under data/ (exists) and under src/ (sent anyway)
    const p = member({
      'crates/app/build.rs': [
        'fn main() {',
        '    for name in std::env::args() {',
        '        let _ = std::fs::read_to_string(format!("data/{name}.json"));',
        '        println!("cargo:rerun-if-changed=src/probe/{}.rs", name);',
        '    }',
        '}',
      ].join('\n'),
      'crates/app/data/a.json': '{}',
      'crates/app/src/probe/a.rs': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/data']);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('variables bound to literals and CARGO_MANIFEST_DIR are followed', () => {
    // GIVEN a list of protos, a loop and a closure over it, and a path joined onto the manifest dir
    const p = member({
      'crates/app/build.rs': [
        'use std::{env, fs, path::Path};',
        'const PROTOS: &[&str] = &["proto/a.proto", "proto/b.proto"];',
        'fn main() {',
        '    let manifest_dir = env::var("CARGO_MANIFEST_DIR").unwrap();',
        '    let table = fs::read(Path::new(&manifest_dir).join("data/table.bin")).unwrap();',
        '    for proto in PROTOS {',
        '        println!("cargo:rerun-if-changed={proto}");',
        '        println!("cargo:rerun-if-changed={}", proto);',
        '    }',
        '    PROTOS.iter().for_each(|file| println!("cargo:rerun-if-changed={file}"));',
        '}',
      ].join('\n'),
      'crates/app/proto/a.proto': '',
      'crates/app/proto/b.proto': '',
      'crates/app/data/table.bin': '',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/data/table.bin', 'crates/app/proto/a.proto', 'crates/app/proto/b.proto']);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('paths under OUT_DIR and from cargo\'s DEP_* variables are ignored', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': [
        'use std::{env, fs, fs::File, path::PathBuf};',
        'fn main() {',
        '    let out = PathBuf::from(env::var("OUT_DIR").unwrap());',
        '    fs::write(out.join("gen.rs"), "").unwrap();',
        '    let f = File::open(out.join("gen.rs")).unwrap();',
        '    let out_dir = env::var_os("OUT_DIR").unwrap();',
        '    fs::copy("template.rs", PathBuf::from(&out_dir).join("t.rs")).unwrap();',
        '    println!("cargo:rerun-if-changed={}", out_dir.to_str().unwrap());',
        '    cc::Build::new().include(env::var("DEP_Z_INCLUDE").unwrap()).compile("x");',
        '}',
      ].join('\n'),
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual([]);
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('a path from another environment variable in a read call is unresolved', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': 'fn main() {\n    let s = std::fs::read_to_string(std::env::var("SPEC_FILE").unwrap()).unwrap();\n}\n',
    });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/build.rs:2 environment variable SPEC_FILE is only known at build time (only CARGO_MANIFEST_DIR is resolved)']);
  });

  test('a literal that a read call needs but does not exist is unresolved', () => {
    // GIVEN
    const p = member({ 'crates/app/build.rs': 'fn main() {\n    prost_build::compile_protos(&["proto/gone.proto"], &["proto"]).unwrap();\n}\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/build.rs:2 crates/app/proto/gone.proto does not exist']);
  });

  test('git metadata read by a build script is unresolved, never an input', () => {
    // GIVEN a build script watching the repository's HEAD, found from the manifest dir
    const p = member({
      'crates/app/build.rs': [
        'fn main() {',
        '    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");',
        '    let head = root.join(".git/HEAD");',
        '    println!("cargo:rerun-if-changed={}", head.display());',
        '}',
      ].join('\n'),
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    // WHEN / THEN
    expect(p.compileInputs).toEqual([]);
    expect(unresolved(p)).toEqual(['crates/app/build.rs:4 .git/HEAD is git metadata (the repository state, e.g. for a version string), not a source file']);
  });

  test('a missing file joined onto CARGO_MANIFEST_DIR is unresolved', () => {
    // GIVEN
    const p = member({
      'crates/app/build.rs': [
        'fn main() {',
        '    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();',
        '    let _ = std::fs::read(std::path::Path::new(&dir).join("data/gone.bin"));',
        '}',
      ].join('\n'),
    });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/build.rs:3 crates/app/data/gone.bin does not exist']);
  });

  test('reader methods and open options are not taken for path reads', () => {
    // GIVEN read calls on values, not paths
    const p = member({
      'crates/app/build.rs': [
        'use std::io::Read;',
        'fn main() {',
        '    let mut f = std::fs::OpenOptions::new().read(true).open("Cargo.toml").unwrap();',
        '    let mut s = String::new();',
        '    f.read_to_string(&mut s).unwrap();',
        '    let mut buf = [0u8; 4];',
        '    f.read(&mut buf).unwrap();',
        '}',
      ].join('\n'),
    });
    // WHEN / THEN
    expect(p.unresolvedInputs).toEqual([]);
  });

  test('modules of a build script outside src/ are inputs, and followed', () => {
    // GIVEN build = "build/main.rs" with a helper module reading a file
    const p = member({
      'crates/app/build/main.rs': 'mod codegen;\nfn main() { codegen::run(); }\n',
      'crates/app/build/codegen.rs': 'pub fn run() { let _ = std::fs::read("spec/openapi.yaml"); }\n',
      'crates/app/spec/openapi.yaml': '',
    }, 'build = "build/main.rs"\n');
    // WHEN / THEN the build script itself is sent anyway
    expect(p.buildScript).toBe('crates/app/build/main.rs');
    expect(p.compileInputs).toEqual(['crates/app/build/codegen.rs', 'crates/app/spec/openapi.yaml']);
  });

  test('a missing module file of a build script is unresolved', () => {
    // GIVEN
    const p = member({ 'crates/app/build.rs': 'mod helpers;\nfn main() {}\n' });
    // WHEN / THEN
    expect(unresolved(p)).toEqual(['crates/app/build.rs:1 module "helpers": neither crates/app/helpers.rs nor crates/app/helpers/mod.rs exists']);
  });
});

describe('package.include', () => {
  test('existing literal entries are inputs; globs are unresolved, naming dockerignoreAllow; src/ and missing ones are skipped', () => {
    // GIVEN
    const p = member({ 'crates/app/NOTICE': '', 'crates/app/assets/a.png': '' },
      'include = [\n  "/NOTICE",\n  "src/**/*.rs",\n  "assets/*.png",\n  "CHANGELOG.md",\n]\n');
    // WHEN / THEN
    expect(p.compileInputs).toEqual(['crates/app/NOTICE']);
    expect(p.unresolvedInputs).toEqual([{
      file: 'crates/app/Cargo.toml',
      line: 8,
      text: '"assets/*.png",',
      reason: 'package.include glob "assets/*.png": add the paths it matches to "dockerignoreAllow"',
    }]);
  });
});

describe('targets outside src/', () => {
  test('a binary at the package root has its modules followed', () => {
    // GIVEN a [[bin]] at tools/cli.rs with a module next to it
    const p = member({
      'crates/app/tools/cli.rs': 'mod args;\nfn main() {}\n',
      'crates/app/tools/args.rs': 'pub const HELP: &str = include_str!("help.txt");\n',
      'crates/app/tools/help.txt': '',
    }, '\n[[bin]]\nname = "cli"\npath = "tools/cli.rs"\n');
    // WHEN / THEN the target file itself is sent anyway
    expect(p.compileInputs).toEqual(['crates/app/tools/args.rs', 'crates/app/tools/help.txt']);
  });
});

describe('workspace facts', () => {
  test('submodules of the root .gitmodules, sorted, relative to the root', () => {
    // GIVEN a git root with two submodules
    const dir = tempRepo({
      'Cargo.toml': pkgToml('app'),
      'src/main.rs': MAIN_RS,
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitmodules': '[submodule "proto"]\n\tpath = third_party/proto\n\turl = https://example.com/proto.git\n[submodule "ui"]\n\tpath = ui\n\turl = ../ui.git\n',
    });
    // WHEN / THEN
    expect(CargoWorkspace.load(dir).facts.submodules).toEqual(['third_party/proto', 'ui']);
  });

  test('submodules of a parent folder up to the git root are relative to the workspace root', () => {
    // GIVEN a workspace in rust/ of a repository whose submodules are elsewhere too
    const dir = tempRepo({
      '.git/HEAD': '',
      '.gitmodules': '[submodule "a"]\n  path = rust/vendor/a\n[submodule "docs"]\n  path = docs/theme\n',
      'rust/Cargo.toml': pkgToml('app'),
      'rust/src/main.rs': MAIN_RS,
    });
    // WHEN / THEN
    expect(CargoWorkspace.load(path.join(dir, 'rust')).facts.submodules).toEqual(['../docs/theme', 'vendor/a']);
  });

  test('no .gitmodules: no submodules', () => {
    // GIVEN
    const dir = tempRepo({ 'Cargo.toml': pkgToml('app'), 'src/main.rs': MAIN_RS, '.git/HEAD': '' });
    // WHEN / THEN
    expect(CargoWorkspace.load(dir).facts.submodules).toEqual([]);
  });

  test('path dependencies outside the root are listed from every table, patches and external packages', () => {
    // GIVEN a workspace in ws/ depending on sibling folders in all the ways cargo reads
    const dir = tempRepo({
      'ws/Cargo.toml': [
        WORKSPACE,
        '[workspace.dependencies]',
        'shared = { path = "../libs/shared" }',
        '[patch.crates-io]',
        'serde = { path = "../forks/serde" }',
      ].join('\n'),
      'ws/crates/app/Cargo.toml': pkgToml('app', [
        '[dependencies]',
        'shared = { workspace = true }',
        'inner = { path = "../inner" }',
        '[dev-dependencies]',
        'testkit = { path = "../../../libs/testkit" }',
        '[build-dependencies]',
        'gen = { path = "../../../libs/gen", version = "0.1" }',
        '[target.\'cfg(unix)\'.dependencies]',
        'unixy = { path = "../../../libs/unixy" }',
      ].join('\n')),
      'ws/crates/app/src/lib.rs': '',
      'ws/crates/inner/Cargo.toml': pkgToml('inner'),
      'ws/crates/inner/src/lib.rs': '',
      'libs/shared/Cargo.toml': pkgToml('shared', '[dependencies]\nbase = { path = "../base" }\n'),
      'libs/shared/src/lib.rs': '',
    });
    // WHEN
    const deps = CargoWorkspace.load(path.join(dir, 'ws')).facts.externalPathDependencies;
    // THEN
    const abs = (rel: string) => path.join(dir, rel);
    expect(deps).toEqual([
      { package: '[patch.crates-io]', dependency: 'serde', path: '../forks/serde', resolved: abs('forks/serde') },
      { package: 'app', dependency: 'gen', path: '../../../libs/gen', resolved: abs('libs/gen') },
      { package: 'app', dependency: 'shared', path: '../libs/shared', resolved: abs('libs/shared') },
      { package: 'app', dependency: 'testkit', path: '../../../libs/testkit', resolved: abs('libs/testkit') },
      { package: 'app', dependency: 'unixy', path: '../../../libs/unixy', resolved: abs('libs/unixy') },
      { package: 'shared', dependency: 'base', path: '../base', resolved: abs('libs/base') },
    ]);
  });
});

describe('tokenizeRust', () => {
  test('unescapes \\x, \\u{..} and line continuations, and skips escaped char and byte literals', () => {
    // GIVEN
    const src = 'f(\'\\\'\', b\'"\', \'\\u{1F600}\', "a\\x41\\u{1F600}\\\n    b")';
    // WHEN
    const tokens = tokenizeRust(src);
    // THEN
    expect(tokens.filter(t => t.kind === 'str').map(t => t.value)).toEqual(['aA\u{1F600}b']);
  });

  test('keeps string values (escapes, raw and byte strings), drops comments and char literals, counts lines', () => {
    // GIVEN
    const src = 'a("x\\"y\\n") /* c\n */ r#"q"z"# b"bytes" \'"\' \'a\n// "no"\nlast';
    // WHEN
    const tokens = tokenizeRust(src);
    // THEN
    expect(tokens.filter(t => t.kind === 'str').map(t => t.value)).toEqual(['x"y\n', 'q"z', 'bytes']);
    expect(tokens.find(t => t.value === 'last')?.line).toBe(4);
    expect(tokens.some(t => t.value === "'a")).toBe(true);
  });
});

test('loading a workspace without compile-time inputs finds none', () => {
  // GIVEN plain members
  const dir = tempRepo({
    'Cargo.toml': WORKSPACE,
    'crates/a/Cargo.toml': pkgToml('a'),
    'crates/a/src/main.rs': MAIN_RS,
    'crates/b/Cargo.toml': pkgToml('b'),
    'crates/b/src/lib.rs': 'pub fn b() -> &\'static str { "b" }\n',
  });
  fs.mkdirSync(path.join(dir, 'target/debug'), { recursive: true });
  // WHEN
  const facts = CargoWorkspace.load(dir).facts;
  // THEN
  expect(facts.packages.map(p => [p.compileInputs, p.unresolvedInputs])).toEqual([[[], []], [[], []]]);
  expect(facts.externalPathDependencies).toEqual([]);
});

describe('data the build needs that the repository lacks', () => {
  test('sqlx query macros without .sqlx offline data are reported once, with the first use', () => {
    // GIVEN a package depending on sqlx that uses query! twice and has no .sqlx/
    const uses = 'pub async fn a() { let _ = sqlx::query!("SELECT 1"); }\npub async fn b() { let _ = sqlx::query_as!(X, "SELECT 2"); }\n';
    const p = member({ 'crates/app/src/lib.rs': uses }, '[dependencies]\nsqlx = "0.8"\n');
    // WHEN scanned THEN one entry names the first use and what to commit
    expect(p.missingBuildData.map(m => `${m.file}:${m.line} ${m.reason}`)).toEqual([
      expect.stringMatching(/^crates\/app\/src\/lib\.rs:1 sqlx query macros .*cargo sqlx prepare --workspace/),
    ]);
  });

  test('with .sqlx offline data (package or workspace root), or without sqlx, nothing is missing', () => {
    const uses = 'pub async fn a() { let _ = sqlx::query!("SELECT 1"); }\n';
    // GIVEN offline data at the workspace root / WHEN scanned THEN it is an input and nothing is missing
    const withData = member({ 'crates/app/src/lib.rs': uses, '.sqlx/query-1.json': '{}' }, '[dependencies]\nsqlx = "0.8"\n');
    expect(withData.missingBuildData).toEqual([]);
    expect(withData.compileInputs).toContain('.sqlx');
    // AND a query! macro of another crate (no sqlx dependency) is not sqlx's
    expect(member({ 'crates/app/src/lib.rs': uses }).missingBuildData).toEqual([]);
  });
});
