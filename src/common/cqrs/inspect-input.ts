import { ErrorDetail } from '../errors/app-error';

/** Deeper input is refused before anything walks it (no request body of ours nests beyond a few levels). */
export const MAX_INPUT_DEPTH = 16;
/** Values (keys, strings, numbers, ...) in one input; a bigger body is an attack, not a request. */
export const MAX_INPUT_NODES = 20_000;

/** Keys that reach an object's prototype machinery when copied or transformed. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** A UTF-16 surrogate without its partner: not a Unicode character, and not storable as one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds a lone surrogate)';
  return null;
}

/**
 * Finds the first thing in client input that no field may hold, without recursion (a body
 * nested 10,000 levels deep must not overflow the stack): nesting beyond MAX_INPUT_DEPTH,
 * more than MAX_INPUT_NODES values, a prototype key at any level, a NUL character
 * (PostgreSQL text cannot hold one) or a lone surrogate in any string or key.
 */
export function inspectInput(input: unknown, root = 'body'): ErrorDetail | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    nodes += 1;
    if (nodes > MAX_INPUT_NODES) return { field: root, message: `must hold at most ${MAX_INPUT_NODES} values` };
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return { field: path || root, message: problem };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return { field: path || root, message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` };
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, inner] of entries) {
      const at = path ? `${path}.${key}` : key;
      if (!Array.isArray(value)) {
        if (FORBIDDEN_KEYS.has(key)) return { field: at, message: `property ${key} should not exist` };
        const problem = stringProblem(key);
        if (problem) return { field: path || root, message: `keys ${problem}` };
      }
      stack.push({ value: inner, path: at, depth: depth + 1 });
    }
  }
  return null;
}
