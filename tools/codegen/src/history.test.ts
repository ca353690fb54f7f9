import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { miniProtocols, PINNED_CODEX_VERSION, REPO_ROOT, snapshotOf } from '../test/fixtures.js';
import { emitHistory, historyWithPin } from './emit-history.js';
import { compareVersionText, type HistoryEntry, historyOf, loadHistory } from './history.js';
import { buildModel } from './model.js';
import { schemaRoot } from './paths.js';

const POLICY = {
  stabilityOverrides: {},
  resultTypeOverrides: {},
  unmatchedResponses: {},
  untypedResults: {},
};
const mini = () => {
  const { stable, experimental } = miniProtocols();
  return buildModel(snapshotOf(stable, experimental, '1.2.3'), POLICY);
};
const meta = { codexVersionOutput: '', date: '2026-12-02', source: 'test', commands: [] };

function entry(version: string, clientRequests: Record<string, 'stable' | 'experimental'>): HistoryEntry {
  return {
    codexVersion: version,
    ...meta,
    methods: { clientRequests, serverRequests: {}, serverNotifications: {}, clientNotifications: {} },
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('method history', () => {
  it('the vendored history is older than the pin, sorted, and covers the supported range minimum', () => {
    const history = loadHistory(schemaRoot(REPO_ROOT));
    const versions = history.map((e) => e.codexVersion);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect([...versions].sort(compareVersionText)).toEqual(versions);
    for (const v of versions) expect(compareVersionText(v, PINNED_CODEX_VERSION)).toBeLessThan(0);
    expect(versions).toContain('0.150.0');
    for (const e of history) expect(Object.keys(e.methods.clientRequests)).toContain('thread/start');
  });

  it('emits one presence bit per recorded version, newest first, including methods the pin dropped', () => {
    const model = mini();
    const pinMethods = historyOf(model, meta).methods.clientRequests;
    const [one, two] = Object.keys(pinMethods) as [string, string];
    const text = emitHistory(model, [
      entry('1.0.0', { [one]: 'stable', 'gone/method': 'stable' }),
      entry('1.1.0', { [one]: 'stable', [two]: 'experimental' }),
    ]);
    expect(text).toContain("'1.0.0',\n  '1.1.0',\n  '1.2.3',");
    expect(text).toMatch(new RegExp(`'?${one.replace('/', '\\/')}'?: 0b111,`));
    expect(text).toMatch(new RegExp(`'?${two.replace('/', '\\/')}'?: 0b110,`));
    expect(text).toContain("'gone/method': 0b001,");
  });

  it('refuses an entry newer than the pin, and replaces an entry of the pin by the full snapshot', () => {
    const model = mini();
    expect(() => historyWithPin(model, [entry('2.0.0', {})])).toThrow(
      /newer than the vendored snapshot 1\.2\.3/,
    );
    const merged = historyWithPin(model, [entry('1.2.3', { 'only/here': 'stable' })]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.methods.clientRequests).not.toHaveProperty('only/here');
  });

  it('rejects a malformed or misnamed history file with its path', () => {
    const root = mkdtempSync(join(tmpdir(), 'codegen-history-'));
    dirs.push(root);
    mkdirSync(join(root, 'history'));
    writeFileSync(join(root, 'history', '1.0.0.json'), JSON.stringify(entry('1.0.1', {})));
    expect(() => loadHistory(root)).toThrow(/1\.0\.0\.json: not a method history entry \(file name/);
    writeFileSync(
      join(root, 'history', '1.0.0.json'),
      JSON.stringify(entry('1.0.0', { 'a/b': 'beta' as 'stable' })),
    );
    expect(() => loadHistory(root)).toThrow(/methods\.clientRequests\["a\/b"\]/);
    expect(loadHistory(join(root, 'absent'))).toEqual([]);
  });
});
