import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const LIBS = readdirSync(join(ROOT, 'libs'));

interface Probe {
  readonly file: string;
  readonly target: string;
}

/** The import-boundary messages lint gives each file when it imports its target, in one lint run. */
const boundaryErrorsOf = (probes: readonly Probe[]): string[][] =>
  JSON.parse(
    execFileSync(process.execPath, [join(__dirname, 'support/lint-imports.mjs')], {
      cwd: ROOT,
      input: JSON.stringify(probes),
      encoding: 'utf8',
    }),
  ) as string[][];

const boundaryErrors = async (file: string, target: string): Promise<string[]> =>
  boundaryErrorsOf([{ file, target }])[0] as string[];

describe('library boundaries (lint)', () => {
  it('refuses an import against the layers: the timers library cannot reach the reactors', async () => {
    expect(await boundaryErrors('libs/scheduling/src/probe.ts', '@app/reactors')).toEqual([
      expect.stringContaining('libs/scheduling may import only @app/clock, @app/domain'),
    ]);
  });

  it('lets a library import the layers below it', async () => {
    expect(await boundaryErrors('libs/reactors/src/probe.ts', '@app/scheduling')).toEqual([]);
  });

  it('allows no cycle: of two libraries, at most one may import the other', async () => {
    const pairs = LIBS.flatMap((lib) => LIBS.filter((other) => other > lib).map((other) => [lib, other] as const));
    const errors = boundaryErrorsOf(
      pairs.flatMap(([lib, other]) => [
        { file: `libs/${lib}/src/probe.ts`, target: `@app/${other}` },
        { file: `libs/${other}/src/probe.ts`, target: `@app/${lib}` },
      ]),
    );
    const mutual = pairs.filter((_, i) => errors[2 * i]?.length === 0 && errors[2 * i + 1]?.length === 0);
    expect(pairs).toHaveLength((LIBS.length * (LIBS.length - 1)) / 2);
    expect(mutual).toEqual([]);
  });

  it('refuses sub-barrels, in applications too, but lets tests reach a library’s test support', async () => {
    expect(await boundaryErrors('apps/api/src/probe.ts', '@app/reactors/timer-reactor')).toHaveLength(1);
    expect(await boundaryErrors('test/probe.spec.ts', '@app/domain/test-support/ticket-builders')).toEqual([]);
  });

  it('keeps the pure libraries free of I/O, except the policy book beside the policy', async () => {
    expect(await boundaryErrors('libs/domain/src/probe.ts', 'node:fs')).toHaveLength(1);
    expect(await boundaryErrors('libs/policy/src/book/probe.ts', 'node:fs')).toEqual([]);
  });
});
