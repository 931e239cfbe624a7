/**
 * Evaluates the `${{ }}` expressions of a generated workflow as GitHub's runner does, with GitHub's
 * own evaluator (`@actions/expressions`, from actions/languageservices). The package is ESM only, so
 * one child `node` process evaluates a whole batch.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const MODULE = path.resolve(__dirname, '..', '..', 'node_modules', '@actions', 'expressions', 'dist', 'index.js');

/** What one expression is evaluated for: a `with:`/`env:` value (a string) or an `if:` condition (a boolean). */
export interface ExpressionItem {
  /** The YAML value: a string with `${{ }}` parts, or an `if:` condition (with or without `${{ }}`). */
  readonly value: string;
  /** `input`: the value as the step receives it; `condition`: whether the step runs. */
  readonly kind: 'input' | 'condition';
  /** The contexts (`github`, `matrix`, `steps`, `needs`, …) as plain JSON. */
  readonly context: object;
}

const SCRIPT = `
import { Lexer, Parser, Evaluator, data } from ${JSON.stringify(MODULE)};
const items = JSON.parse(await new Promise(r => { let s = ''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => r(s)); }));
function evaluate(expr, context) {
  const lexed = new Lexer(expr).lex();
  const ast = new Parser(lexed.tokens, Object.keys(context), []).parse();
  const ctx = JSON.parse(JSON.stringify(context), data.reviver);
  return JSON.parse(JSON.stringify(new Evaluator(ast, ctx).evaluate(), data.replacer));
}
const asText = v => v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
const truthy = v => !(v === null || v === false || v === 0 || v === '' || Number.isNaN(v));
const out = items.map(({ value, kind, context }) => {
  if (kind === 'condition') {
    const m = /^\\s*\\$\\{\\{([\\s\\S]*)\\}\\}\\s*$/.exec(value);
    return truthy(evaluate(m ? m[1] : value, context));
  }
  return value.replace(/\\$\\{\\{([\\s\\S]*?)\\}\\}/g, (_, e) => asText(evaluate(e, context)));
});
process.stdout.write(JSON.stringify(out));
`;

/** Evaluates every item in one child process; inputs give strings, conditions booleans. */
export function evaluateExpressions(items: ExpressionItem[]): Array<string | boolean> {
  if (items.length === 0) return [];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { input: JSON.stringify(items), encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}
