#!/usr/bin/env node
// Keeps the README's generated-file blocks true to the committed example output.
// Blocks look like:
//   <!-- BEGIN file: examples/hello-service/Dockerfile (dockerfile) -->
//   ```dockerfile
//   ...
//   ```
//   <!-- END file -->
// `node scripts/readme-blocks.js` rewrites them; `--check` exits 1 when one is stale.
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const BLOCK = /(<!-- BEGIN file: (\S+) \((\w+)\) -->\n)[\s\S]*?(<!-- END file -->)/g;

function render(text) {
  return text.replace(BLOCK, (_all, begin, file, lang, end) => {
    const content = fs.readFileSync(path.join(ROOT, file), 'utf-8').replace(/\n$/, '');
    return `${begin}\`\`\`${lang}\n${content}\n\`\`\`\n${end}`;
  });
}

const current = fs.readFileSync(README, 'utf-8');
const next = render(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md blocks are stale: run `node scripts/readme-blocks.js`');
    process.exit(1);
  }
} else if (next !== current) {
  fs.writeFileSync(README, next);
  console.log('README.md blocks updated');
}
module.exports = { render };
