// Lints probe files, each importing one module, outside jest (whose VM cannot load the ESM lint configuration).
// Reads [{ file, target }] as JSON on stdin; prints the import-boundary messages of each, in order.
import { ESLint } from 'eslint';

const probes = JSON.parse(
  await new Promise((resolve) => {
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => resolve(input));
  }),
);
const eslint = new ESLint();
const results = [];
for (const { file, target } of probes) {
  const [result] = await eslint.lintText(`import * as probe from '${target}';\nexport const used = probe;\n`, {
    filePath: file,
  });
  results.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
}
process.stdout.write(JSON.stringify(results));
