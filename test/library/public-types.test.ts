/**
 * A user must be able to name every type a documented export takes or returns: walking the signatures,
 * properties and type arguments reachable from each export of src/index.ts, every named type (interface,
 * type alias, class, enum) declared in this package is itself exported from the entry, or is on the short
 * list of internals below (state a coordinator or a fill model exposes for the service and the reports, which
 * a bot reads through documented methods instead). And no reachable type is `any`.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/** Reachable from public members but internal: each with where it is reached from. */
const INTERNAL = new Set([
  // Coordinator.ledger / .claims: the ledger and saga claims the service and the live runtime read.
  'CapacityLedger',
  'LedgerSnapshot',
  'OrderColumns',
  'OrderColumnStore',
  'SagaClaims',
  'SagaClaim',
  'MarginContext',
  // FillModel.tape / .calibration() / .evaluateRows(): the simulator's recorded model and the reports.
  'FillTape',
  'FillTapeReader',
  'FillState',
  'Calibration',
  'ChanceColumns',
]);

interface Finding {
  name: string;
  file: string;
  via: string;
}

function audit(): { missing: Finding[]; anys: string[] } {
  const entry = join(ROOT, 'src/index.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = checker.getExportsOfModule(moduleSymbol);
  const target = (s: ts.Symbol): ts.Symbol =>
    s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  const exported = new Set(exports.map(target));
  // The library's checked classes extend the internal ones: a user names the internal type by the export.
  for (const sym of [...exported])
    if (sym.flags & ts.SymbolFlags.Class)
      for (const base of checker.getBaseTypes(checker.getDeclaredTypeOfSymbol(sym) as ts.InterfaceType))
        if (base.getSymbol()) exported.add(base.getSymbol()!);
  const ours = (f: ts.SourceFile): boolean => f.fileName.startsWith(join(ROOT, 'src') + '/');
  const named =
    ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum;
  const missing = new Map<string, Finding>();
  const anys: string[] = [];
  const seen = new Set<ts.Type>();

  const visit = (t: ts.Type, via: string, depth: number): void => {
    if (depth > 8) return;
    if (t.flags & ts.TypeFlags.Any) {
      anys.push(via);
      return;
    }
    if (seen.has(t)) return;
    seen.add(t);
    const sym = t.aliasSymbol ?? t.getSymbol();
    const file = sym?.declarations?.[0]?.getSourceFile();
    const args = [
      ...(t.aliasTypeArguments ?? []),
      ...(t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
        ? checker.getTypeArguments(t as ts.TypeReference)
        : []),
    ];
    args.forEach((a) => visit(a, `${via}<>`, depth + 1));
    if (sym && file && !ours(file)) return; // a library's or the language's own type: only its arguments
    if (sym && file && sym.flags & named && !exported.has(sym) && !INTERNAL.has(sym.getName()))
      if (!missing.has(sym.getName()))
        missing.set(sym.getName(), { name: sym.getName(), file: relative(ROOT, file.fileName), via });
    if (t.isUnionOrIntersection()) {
      t.types.forEach((u) => visit(u, via, depth));
      return;
    }
    for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) {
      for (const p of sig.getParameters())
        visit(checker.getTypeOfSymbol(p), `${via}(${p.getName()})`, depth + 1);
      visit(sig.getReturnType(), `${via}()=>`, depth + 1);
    }
    if (!(t.flags & ts.TypeFlags.Object)) return;
    for (const p of t.getProperties()) {
      const decl = p.declarations?.[0];
      const hidden = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;
      if (p.getName().startsWith('#') || (decl && ts.getCombinedModifierFlags(decl) & hidden)) continue;
      if (INTERNAL.has(checker.getTypeOfSymbol(p).getSymbol()?.getName() ?? '')) continue;
      visit(checker.getTypeOfSymbol(p), `${via}.${p.getName()}`, depth + 1);
    }
  };

  for (const s of exports) {
    const t = target(s);
    if (t.flags & ts.SymbolFlags.Value) visit(checker.getTypeOfSymbol(t), s.getName(), 0);
    if (t.flags & ts.SymbolFlags.Type) visit(checker.getDeclaredTypeOfSymbol(t), s.getName(), 0);
  }
  return { missing: [...missing.values()], anys };
}

describe('the package entry names what its exports take and return', () => {
  const { missing, anys } = audit();

  it('exports every type reachable from a documented export', () => {
    expect(missing.map((m) => `${m.name} (${m.file}) via ${m.via}`)).toEqual([]);
  });

  it('has no `any` reachable from an export', () => {
    expect(anys).toEqual([]);
  });
});
