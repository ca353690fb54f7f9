import type { AnyTool } from './tool.js';

/** A named group of tools (`type: "namespace"` in codex): the model calls `<namespace>.<tool>`. */
export interface ToolNamespace {
  readonly kind: 'namespace';
  readonly name: string;
  readonly description: string;
  readonly tools: readonly AnyTool[];
}

/** Groups tools under one name; a tool's name only has to be unique within its namespace. */
export function toolNamespace(definition: {
  name: string;
  description: string;
  tools: readonly AnyTool[];
}): ToolNamespace {
  return {
    kind: 'namespace',
    name: definition.name,
    description: definition.description,
    tools: [...definition.tools],
  };
}

/** What `tools: [...]` holds: tools and namespaces of tools. */
export type ToolEntry = AnyTool | ToolNamespace;
