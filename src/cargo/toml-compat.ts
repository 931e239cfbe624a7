/**
 * Rewrites the TOML 1.1 syntax cargo accepts but `@iarna/toml` (TOML 1.0) does
 * not into equivalent TOML 1.0 (internal):
 *
 * - a leading byte order mark is dropped;
 * - inline tables spanning several lines are joined onto one line, comments
 *   inside them are dropped;
 * - trailing commas in inline tables are dropped.
 *
 * Line numbers are preserved for everything outside the rewritten inline
 * tables: the newlines removed from an inline table are re-inserted at the end
 * of the line where it closes.
 */
export function toToml10(text: string): string {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let out = '';
  const stack: string[] = [];
  let deferred = 0;
  let i = 0;
  const inInlineTable = () => stack.includes('{');

  while (i < src.length) {
    const c = src[i];
    // strings: copied verbatim
    if (c === '"' || c === '\'') {
      const triple = src.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < src.length) {
        if (c === '"' && src[j] === '\\') {
          j += 2;
          continue;
        }
        if (src.startsWith(quote, j)) {
          j += quote.length;
          // a multi-line string may end with up to two extra quotes
          for (let extra = 0; triple && extra < 2 && src[j] === c; extra++) j++;
          break;
        }
        if (!triple && src[j] === '\n') break;
        j++;
      }
      out += src.slice(i, j);
      i = j;
      continue;
    }
    if (c === '#') {
      let j = i;
      while (j < src.length && src[j] !== '\n' && src[j] !== '\r') j++;
      if (!inInlineTable()) out += src.slice(i, j);
      i = j;
      continue;
    }
    if (c === '\r' && src[i + 1] === '\n') {
      i++;
      continue; // handled with the '\n'
    }
    if (c === '\n') {
      if (inInlineTable()) {
        out += ' ';
        deferred++;
      } else {
        out += '\n'.repeat(1 + deferred);
        deferred = 0;
      }
      i++;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
    } else if (c === '}' || c === ']') {
      if (c === '}') out = out.replace(/,\s*$/, m => ' '.repeat(m.length));
      stack.pop();
    }
    out += c;
    i++;
  }
  return out + '\n'.repeat(deferred);
}
