import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Typed event contracts, proven with the compiler: the files in `cases/`
 * import the built package by name, as an application does, and are compiled
 * with the project's compiler options.
 *
 * - `*.pass.ts` must compile without a single diagnostic.
 * - `*.fail.ts` must fail exactly where they say: each `// @expect-error
 *   TS<code>: <message snippet>` comment names the error expected on the
 *   next line, and no other error may occur.
 * - Any other file (the shared contract) must compile cleanly.
 *
 * The cases cover the broker, the testing kit and the browser client
 * (`nestjs-sse-broker/client`). A new case is one more file in `cases/`.
 * The cases are excluded from `tsc -p tsconfig.json` and from lint, where
 * the failing ones would fail.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CASES = join(import.meta.dirname, 'cases');
const MARKER = /\/\/ @expect-error TS(\d+): (.+)$/;

interface Expected {
  line: number;
  code: number;
  snippet: string;
}

interface Found {
  line: number;
  code: number;
  message: string;
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, (path) =>
    ts.sys.readFile(path),
  ) as {
    config: unknown;
  };
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: true,
    incremental: false,
    tsBuildInfoFile: undefined,
    types: ['node'],
    // The browser client's declarations need the DOM's types (a generic
    // `MessageEvent`, `Storage`), as a page's compilation has them. Without a
    // `lib` the target's default includes the DOM; a server-only `lib` would
    // leave them broken, unseen under `skipLibCheck`.
    lib: parsed.options.lib && [...parsed.options.lib, 'lib.dom.d.ts'],
  };
}

/** The `@expect-error` markers of a file; each applies to the next line (0-based). */
function expectations(path: string): Expected[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((text, index) => {
      const match = MARKER.exec(text.trim());
      return match
        ? [{ line: index + 1, code: Number(match[1]), snippet: match[2] }]
        : [];
    });
}

function describeFound(found: Found[]): string {
  return found
    .map((d) => `  line ${d.line + 1}: TS${d.code} ${d.message}`)
    .join('\n');
}

describe('typed event contracts (compiled with tsc)', () => {
  const files = readdirSync(CASES)
    .filter((name) => name.endsWith('.ts'))
    .sort();
  const passing = files.filter((name) => name.endsWith('.pass.ts'));
  const failing = files.filter((name) => name.endsWith('.fail.ts'));
  const diagnostics = new Map<string, Found[]>();

  beforeAll(() => {
    const program = ts.createProgram(
      files.map((name) => join(CASES, name)),
      compilerOptions(),
    );
    const global = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
    ];
    if (global.length > 0)
      throw new Error(
        ts.formatDiagnostics(global, {
          getCanonicalFileName: (f) => f,
          getCurrentDirectory: () => ROOT,
          getNewLine: () => '\n',
        }),
      );
    for (const name of files) {
      const source = program.getSourceFile(join(CASES, name))!;
      const found = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ].map((d) => ({
        line: source.getLineAndCharacterOfPosition(d.start ?? 0).line,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
      }));
      diagnostics.set(name, found);
    }
  }, 120_000);

  it('has cases of both kinds', () => {
    expect(passing.length).toBeGreaterThan(0);
    expect(failing.length).toBeGreaterThan(0);
  });

  it.each(files.filter((name) => !failing.includes(name)))(
    '%s compiles without a diagnostic',
    (name) => {
      const found = diagnostics.get(name) ?? [];
      if (found.length > 0)
        throw new Error(`${name} should compile:\n${describeFound(found)}`);
    },
  );

  it.each(failing)('%s fails with the expected errors only', (name) => {
    const expected = expectations(join(CASES, name));
    expect(expected.length).toBeGreaterThan(0);
    const found = diagnostics.get(name) ?? [];
    const matches = (e: Expected, d: Found) =>
      d.line === e.line && d.code === e.code && d.message.includes(e.snippet);
    const missing = expected.filter((e) => !found.some((d) => matches(e, d)));
    const unexpected = found.filter(
      (d) => !expected.some((e) => matches(e, d)),
    );
    if (missing.length > 0 || unexpected.length > 0)
      throw new Error(
        [
          ...missing.map(
            (e) => `missing on line ${e.line + 1}: TS${e.code} ${e.snippet}`,
          ),
          ...unexpected.map(
            (d) => `unexpected on line ${d.line + 1}: TS${d.code} ${d.message}`,
          ),
          `compiler said:\n${describeFound(found) || '  nothing'}`,
        ].join('\n'),
      );
  });
});
