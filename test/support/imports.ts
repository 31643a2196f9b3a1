/**
 * Module specifiers a TypeScript source imports: static imports and
 * re-exports, side-effect imports, dynamic import() with a literal, and
 * require() calls. Comments are stripped first so that an import mentioned
 * in a comment does not count. Type-only imports are reported with
 * `typeOnly: true` (they vanish at run time but still express a dependency).
 */
export interface ImportRef {
  specifier: string;
  dynamic: boolean;
  typeOnly: boolean;
}

const STATIC =
  /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*[,)]/g;

export function importsOf(source: string): ImportRef[] {
  const code = stripComments(source);
  const refs: ImportRef[] = [];
  for (const m of code.matchAll(STATIC)) {
    refs.push({ specifier: m[3]!, dynamic: false, typeOnly: m[2] !== undefined });
  }
  for (const m of code.matchAll(DYNAMIC)) {
    refs.push({ specifier: m[1]!, dynamic: true, typeOnly: false });
  }
  return refs;
}

/** Removes // and /* *\/ comments, leaving string literals alone. */
export function stripComments(source: string): string {
  return source.replace(
    /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (_match, literal: string | undefined) => literal ?? "",
  );
}
