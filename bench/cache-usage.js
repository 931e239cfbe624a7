#!/usr/bin/env node
// Reads `docker buildx du --format json` (JSON lines; or the engine's `docker system df -v --format
// '{{json .BuildCache}}'`, one JSON array) on stdin and prints two byte counts:
// "<regular layers> <cache mounts>" of the build-cache records created at or after argv[2] (unix s).
// Regular records are the snapshots of every executed step of every stage (what a registry/GHA
// cache with mode=max stores, minus the base images); exec.cachemount records are the contents of
// `RUN --mount=type=cache`, which no cache exporter stores.
'use strict';
const since = Number(process.argv[2] || 0);
const units = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
function bytes(s) {
  const m = /^([\d.]+)\s*([A-Za-z]+)$/.exec(String(s).trim());
  return m ? Math.round(Number(m[1]) * (units[m[2]] ?? 1)) : 0;
}
function created(s) { // "2026-11-28 13:34:36.891626673 +0000 UTC"
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/.exec(s || '');
  return m ? Date.parse(`${m[1]}T${m[2]}${(m[3] || '').slice(0, 4)}${m[4]}:${m[5]}`) / 1000 : 0;
}
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const text = input.trim();
  const records = text.startsWith('[') ? JSON.parse(text) || [] : text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  let layers = 0;
  let mounts = 0;
  for (const r of records) {
    if (created(r.CreatedAt) < since - 1) continue;
    const type = r.CacheType ?? r.Type;
    if (String(r.Description || '').startsWith('pulled from ')) continue; // base images: not the build's cache
    if (type === 'regular') layers += bytes(r.Size);
    else if (type === 'exec.cachemount') mounts += bytes(r.Size);
  }
  console.log(`${layers} ${mounts}`);
});
