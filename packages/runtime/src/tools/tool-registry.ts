import { CodexusError } from '@codexus/core';
import type { AnyTool } from './tool.js';
import type { ToolEntry } from './tool-namespace.js';

/** A `thread/start` `dynamicTools` entry (codex's `DynamicToolSpec`). */
export type DynamicToolSpec =
  | { type: 'function'; name: string; description: string; inputSchema: Record<string, unknown> }
  | {
      type: 'namespace';
      name: string;
      description: string;
      tools: { type: 'function'; name: string; description: string; inputSchema: Record<string, unknown> }[];
    };

/** Names the Responses API accepts for functions and namespaces. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The tools of one session, checked before any RPC: every entry is a {@link tool} or a
 * {@link toolNamespace}, names are well-formed and unique (tools within their namespace), and no
 * namespace is empty. Answers "which tool is `namespace`/`name`?" for the calls.
 */
export class ToolRegistry {
  private readonly byKey = new Map<string, AnyTool>();
  readonly specs: readonly DynamicToolSpec[];

  constructor(entries: readonly ToolEntry[]) {
    if (!Array.isArray(entries))
      refuse('tools', 'tools must be an array of tool() or toolNamespace() values');
    const specs: DynamicToolSpec[] = [];
    const topLevel = new Set<string>();
    entries.forEach((entry, i) => {
      const path = `tools[${i}]`;
      if (entry?.kind === 'namespace') {
        checkName(path, entry.name, topLevel);
        if (!Array.isArray(entry.tools) || entry.tools.length === 0)
          refuse(path, `namespace "${entry.name}" has no tools`);
        const inner = new Set<string>();
        const tools = entry.tools.map((t: AnyTool, j: number) => {
          this.add(`${path}.tools[${j}]`, t, inner, entry.name);
          return functionSpec(t);
        });
        specs.push({ type: 'namespace', name: entry.name, description: entry.description, tools });
      } else {
        this.add(path, entry as AnyTool, topLevel);
        specs.push(functionSpec(entry as AnyTool));
      }
    });
    this.specs = specs;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The tool a call names, if registered. */
  find(namespace: string | null | undefined, name: string | undefined): AnyTool | undefined {
    return name === undefined ? undefined : this.byKey.get(key(namespace ?? undefined, name));
  }

  private add(path: string, entry: AnyTool, names: Set<string>, namespace?: string): void {
    if (entry?.kind !== 'tool' || typeof entry.run !== 'function')
      refuse(path, 'must be a tool() (or, at the top level, a toolNamespace())');
    checkName(path, entry.name, names);
    this.byKey.set(key(namespace, entry.name), entry);
  }
}

/** Validates a tools list (`VALIDATION_FAILED`) and returns its `dynamicTools` specs. */
export function toolSpecs(entries: readonly ToolEntry[]): readonly DynamicToolSpec[] {
  return new ToolRegistry(entries).specs;
}

function functionSpec(t: AnyTool): {
  type: 'function';
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
} {
  return { type: 'function', name: t.name, description: t.description, inputSchema: t.inputSchema };
}

function key(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}\u0000${name}`;
}

function checkName(path: string, name: unknown, seen: Set<string>): void {
  if (typeof name !== 'string' || !NAME.test(name))
    refuse(path, `name must be 1 to 64 letters, digits, "_" or "-"; got ${JSON.stringify(name)}`);
  if (seen.has(name)) refuse(path, `the name "${name}" is used twice`);
  seen.add(name);
}

function refuse(path: string, message: string): never {
  throw new CodexusError('VALIDATION_FAILED', `${path}: ${message}`, { data: { path } });
}
