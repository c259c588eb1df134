import ts from 'typescript';
import { expect, it } from 'vitest';

// Every symbol exported from the package root has TSDoc with an @example (issue: "TSDoc on
// every exported symbol with an @example").
it('every export of src/index.ts has documentation and an @example', () => {
  const program = ts.createProgram(['src/index.ts'], {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const root = checker.getSymbolAtLocation(program.getSourceFile('src/index.ts')!)!;
  const exports = checker.getExportsOfModule(root);
  expect(exports.length).toBeGreaterThan(100);
  const undocumented: string[] = [];
  const withoutExample: string[] = [];
  for (const exp of exports) {
    const symbol = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') undocumented.push(exp.name);
    if (!symbol.getJsDocTags(checker).some((t) => t.name === 'example')) withoutExample.push(exp.name);
  }
  expect(undocumented).toEqual([]);
  expect(withoutExample).toEqual([]);
}, 60_000);
