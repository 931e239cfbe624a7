/**
 * The glibc guard's ELF reader (perl, as the guard stage runs it) against readelf, the oracle, on this
 * machine's own binaries and libraries. The guard's Docker builds: test/docker-e2e/runner-matrix.test.ts
 * (a GLIBC version and a library the runtime lacks) and runner-binaries.test.ts (RUNNER's guard stage).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ELF_READER_PERL } from '../../src/docker/runtime-stages';

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const sorted = (text: string) => [...new Set(text.split('\n').filter(l => l !== ''))].sort();
const elf = (mode: string, file: string) => run('perl', ['-e', ELF_READER_PERL.join(' '), '--', mode, file]);

/** What the readelf-based guard read: `<library>@<version>` and `<library>@` lines. */
function readelfNeeds(file: string): string[] {
  const out: string[] = [];
  let section = false;
  let lib = '';
  for (const l of run('readelf', ['-W', '-V', file]).stdout.split('\n')) {
    if (/^Version needs section/.test(l)) section = true;
    else if (/^Version (definition|symbols) section/.test(l)) section = false;
    else if (section && / File: (\S+)/.test(l)) lib = / File: (\S+)/.exec(l)![1];
    else if (section && / Name: (\S+)/.test(l)) out.push(`${lib}@${/ Name: (\S+)/.exec(l)![1]}`);
  }
  for (const m of run('readelf', ['-W', '-d', file]).stdout.matchAll(/\(NEEDED\).*\[(.*)\]$/gm)) out.push(`${m[1]}@`);
  return sorted(out.join('\n'));
}

function readelfDefines(file: string): string[] {
  const text = run('readelf', ['-W', '-V', file]).stdout;
  const start = text.indexOf('Version definition section');
  if (start < 0) return [];
  const end = text.slice(start + 1).search(/^Version (needs|symbols) section/m);
  const body = end < 0 ? text.slice(start) : text.slice(start, start + 1 + end);
  return sorted([...body.matchAll(/ Name: (\S+)/g)].map(m => m[1]).join('\n'));
}

const libDir = ['/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib64'].find(d => fs.existsSync(path.join(d, 'libc.so.6')))!;
const binaries = [process.execPath, '/bin/ls', '/bin/bash', path.join(libDir, 'libc.so.6'), path.join(libDir, 'libz.so.1')].filter(f => fs.existsSync(f));
const libraries = ['libc.so.6', 'libm.so.6', 'libz.so.1', 'libgcc_s.so.1', 'libstdc++.so.6'].map(l => path.join(libDir, l)).filter(f => fs.existsSync(f));

describe('the glibc guard\'s ELF reader', () => {
  test.each(binaries)('needs of %s: the NEEDED libraries and version references readelf reads', file => {
    // GIVEN a dynamically linked file of this machine
    // WHEN the reader lists what it needs
    const r = elf('needs', file);
    // THEN it lists exactly what readelf lists: libraries with their versions
    expect(r.status).toBe(0);
    expect(sorted(r.stdout)).toEqual(readelfNeeds(file));
    expect(sorted(r.stdout).some(l => /^[^@]+\.so[.\d]*@[A-Z]+_\d/.test(l))).toBe(true);
  });

  test.each(libraries)('defines of %s: the versions readelf reads', file => {
    // GIVEN a shared library of this machine
    // WHEN the reader lists the versions it defines
    const r = elf('defines', file);
    // THEN it lists what readelf lists (libc: GLIBC_2.2.5 … its own release)
    expect(r.status).toBe(0);
    expect(sorted(r.stdout)).toEqual(readelfDefines(file));
    if (file.endsWith('libc.so.6')) expect(sorted(r.stdout)).toContain('GLIBC_2.34');
  });

  test('a file that is not ELF prints nothing; a missing file fails naming it', () => {
    // GIVEN a text file and a missing path
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elf-'));
    fs.writeFileSync(path.join(dir, 'script.sh'), '#!/bin/sh\necho hi\n');
    // THEN the text file gives no needs, the missing one an error with its path
    expect(elf('needs', path.join(dir, 'script.sh'))).toMatchObject({ status: 0, stdout: '' });
    const missing = elf('needs', path.join(dir, 'nope'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(`glibc guard: cannot read ${path.join(dir, 'nope')}`);
  });
});
