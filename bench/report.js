#!/usr/bin/env node
// Turns bench/run.sh's raw CSV + machine facts into <out>.csv (with ratios) and <out>.md.
// Usage: node bench/report.js RAW.csv META.env OUT_PREFIX
'use strict';
const fs = require('fs');
const [raw, metaFile, outPrefix] = process.argv.slice(2);

function parseLine(line) { // CSV with "" escapes
  const cells = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"' && q && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = !q;
    else if (ch === ',' && !q) { cells.push(cur); cur = ''; } else cur += ch;
  }
  cells.push(cur);
  return cells;
}
const [header, ...lines] = fs.readFileSync(raw, 'utf8').trim().split('\n');
const cols = parseLine(header);
const rows = lines.map((l) => Object.fromEntries(parseLine(l).map((v, i) => [cols[i], v])));
const meta = {};
const notes = [];
for (const l of fs.readFileSync(metaFile, 'utf8').split('\n')) {
  const i = l.indexOf('=');
  if (i < 0) continue;
  const k = l.slice(0, i);
  if (k === 'note') notes.push(l.slice(i + 1)); else meta[k] = l.slice(i + 1);
}

const TIME = ['cold', 'nochange', 'source', 'bump', 'dep', 'add', 'readme', 'toolchain'];
const SIZE = ['image_size', 'cache_layers', 'cache_mounts', 'cache_export'];
const find = (s, m, metric) => rows.find((r) => r.strategy === s && r.mode === m && r.metric === metric && r.status === 'ok');
const hostCold = rows.find((r) => r.strategy === 'host' && r.metric === 'cold');
const hostInc = rows.find((r) => r.strategy === 'host' && r.metric === 'source');
const hostBump = rows.find((r) => r.strategy === 'host' && r.metric === 'bump');
const num = (r) => (r && r.value !== '' ? Number(r.value) : undefined);
const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(d));

for (const r of rows) {
  r.ratio_naive = '';
  r.ratio_host = '';
  r.ratio_chef = '';
  if (r.status !== 'ok' || r.strategy === 'host' || r.value === '') continue;
  const naive = num(find('naive', r.mode, r.metric));
  if (naive && (TIME.includes(r.metric) || SIZE.includes(r.metric))) r.ratio_naive = fmt(Number(r.value) / naive);
  const chef = num(find('cargo-chef-readme', r.mode, r.metric));
  if (chef && TIME.includes(r.metric)) r.ratio_chef = fmt(Number(r.value) / chef);
  const host = r.metric === 'cold' ? num(hostCold) : r.metric === 'bump' && hostBump ? num(hostBump) : ['source', 'bump', 'dep', 'add', 'readme'].includes(r.metric) ? num(hostInc) : undefined;
  if (host) r.ratio_host = fmt(Number(r.value) / host);
}
const outCols = ['run_id', 'project', ...cols.slice(0, 5), 'ratio_naive', 'ratio_chef', 'ratio_host', ...cols.slice(5)];
const csv = [outCols.join(',')].concat(rows.map((r) => outCols.map((c) => {
  const v = c === 'run_id' ? meta.run_id : c === 'project' ? meta.project : (r[c] ?? '');
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}).join(','))).join('\n') + '\n';
fs.writeFileSync(`${outPrefix}.csv`, csv);

const human = (b) => (b === undefined ? '' : b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);
const strategies = [...new Set(rows.filter((r) => r.strategy !== 'host').map((r) => r.strategy))];
const modes = [...new Set(rows.filter((r) => !['host', '-'].includes(r.mode)).map((r) => r.mode))];
const md = [];
md.push(`# Rebuild benchmark ${meta.run_id}${meta.smoke === '1' ? ' (smoke)' : ''}`, '');
md.push(`Project \`${meta.project}\` (binary \`${meta.bin}\`), ${meta.date}, total run ${meta.elapsed} s.`, '');
md.push('| machine | |', '|---|---|');
for (const k of ['nproc', 'memory', 'cpu', 'docker', 'buildx', 'buildkit', 'rustc', 'cargo', 'cargo_chef', 'glibc', 'kernel']) md.push(`| ${k} | ${meta[k] ?? ''} |`);
md.push('');
if (hostCold || hostInc) {
  md.push(`**Host limit** (\`cargo build --release\` on the host, crates fetched before): cold ${hostCold?.value ?? '–'} s, ` +
    `after a one-line change ${hostInc?.value ?? '–'} s.`, '');
}
md.push('Cells: wall seconds (× naive and × the cargo-chef README recipe in the same mode, × host limit: cold vs host cold; source/dep/readme vs host after a one-line change).', '');
const scen = TIME.filter((t) => rows.some((r) => r.metric === t && r.strategy !== 'host'));
const labels = { cold: 'cold', nochange: 'no change', source: 'one-line src', bump: 'patch bump', dep: 'dep added', add: 'dep added', readme: 'README edit', toolchain: 'toolchain bump' };
for (const m of modes) {
  md.push(`## ${m === 'local' ? 'Local cache (everything kept)' : m === 'ephemeral' ? 'Ephemeral runner (cache mounts wiped before each build)' : m === 'runner' ? 'Fresh runner (a new builder per build, registry cache of the previous build; build step incl. cache import/export and --load)' : m}`, '');
  md.push(`| strategy | ${scen.map((s) => labels[s]).join(' | ')} |`, `|---|${scen.map(() => '---:').join('|')}|`);
  for (const s of strategies) {
    const cells = scen.map((t) => {
      const r = rows.find((x) => x.strategy === s && x.mode === m && x.metric === t);
      if (!r) return '';
      if (r.status !== 'ok') return r.status;
      const extra = [r.ratio_naive && s !== 'naive' ? `${r.ratio_naive}× naive` : '', r.ratio_chef && s !== 'cargo-chef-readme' ? `${r.ratio_chef}× chef` : '', r.ratio_host ? `${r.ratio_host}× host` : ''].filter(Boolean).join(', ');
      return `${r.value}${extra ? ` (${extra})` : ''}`;
    });
    if (cells.some(Boolean)) md.push(`| ${s} | ${cells.join(' | ')} |`);
  }
  md.push('');
}
if (modes.includes('runner')) {
  md.push('## Fresh-runner pipeline: builder start + build (incl. cache import/export, --load) + E2E + push, seconds', '');
  md.push(`| strategy | ${scen.map((s) => labels[s]).join(' | ')} |`, `|---|${scen.map(() => '---:').join('|')}|`);
  for (const s of strategies) {
    const cells = scen.map((t) => {
      const parts = [`${t}:builder_start`, t, `${t}:e2e`, `${t}:push`].map((metric) => num(find(s, 'runner', metric)) ?? (metric.endsWith(':e2e') ? 0 : undefined));
      if (parts.some((x) => x === undefined)) return '';
      return `${fmt(parts.reduce((a, b) => a + b, 0), 1)} (${parts.map((x) => fmt(x, 1)).join(' + ')})`;
    });
    if (cells.some(Boolean)) md.push(`| ${s} | ${cells.join(' | ')} |`);
  }
  md.push('');
}
const phased = strategies.filter((s) => rows.some((r) => r.strategy === s && r.metric.includes(':phase:')));
if (phased.length) {
  md.push('## Phases of the scripted variants (seconds unless named otherwise; inside the build step above)', '');
  for (const s of phased) {
    md.push(`### ${s}`, '', '| scenario | phases |', '|---|---|');
    for (const t of scen) {
      const ph = rows.filter((r) => r.strategy === s && r.metric.startsWith(`${t}:phase:`));
      if (ph.length) md.push(`| ${labels[t]} | ${ph.map((r) => `${r.metric.slice(t.length + 7)} ${/bytes$/.test(r.metric) ? human(num(r)) : r.value}`).join(' · ')} |`);
    }
    md.push('');
  }
}
const sized = strategies.filter((s) => rows.some((r) => r.strategy === s && SIZE.includes(r.metric)));
if (sized.length) {
  md.push('## Sizes (after the cold build)', '');
  md.push('| strategy | final image | build-cache layers (≈ mode=max cache) | cache mounts (not exportable) | registry cache export (compressed) |', '|---|---:|---:|---:|---:|');
  for (const s of sized) {
    const v = (metric) => human(num(rows.find((r) => r.strategy === s && r.metric === metric && r.status === 'ok')));
    md.push(`| ${s} | ${v('image_size')} | ${v('cache_layers')} | ${v('cache_mounts')} | ${v('cache_export')} |`);
  }
  md.push('', 'Build-cache layers: sum of the `regular` BuildKit cache records created by the cold build ' +
    '(`docker buildx du` of the bench’s builder), i.e. the snapshots of every executed step of every stage (final image ' +
    'layers included, base images excluded): what a `mode=max` layer cache would have to store. ' +
    'Cache mounts: the `exec.cachemount` records, which `type=gha`/registry caches never export.', '');
}
const checks = rows.filter((r) => r.metric === 'run_check' || r.metric.endsWith(':e2e'));
if (checks.length) {
  md.push('## E2E (docker run of the loaded image)', '');
  for (const r of checks) md.push(`- ${r.strategy} ${r.metric} ${r.value} s ${r.status}: \`${r.note}\``);
  md.push('');
}
const fails = rows.filter((r) => r.status === 'FAIL');
if (fails.length || notes.length) {
  md.push('## Notes', '');
  for (const n of notes) md.push(`- ${n}`);
  for (const r of fails) md.push(`- ${r.strategy} [${r.mode}] ${r.metric}: FAIL (${r.note})`);
  md.push('');
}
md.push('Method: `bench/run.sh` (see its header). One build at a time; timings on these machines vary by up to ~40% between runs, so compare strategies within one run, as ratios.', '');
fs.writeFileSync(`${outPrefix}.md`, md.join('\n'));
