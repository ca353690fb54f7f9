import type { ArtifactTaskSpec } from './artifact-task.js';
import { splitLines } from './doc-patch.js';

/** What the prompt of a task shows besides the spec. */
export interface TaskPromptContext {
  /** The text the task works on; `undefined` when there is no document yet. */
  text: string | undefined;
  /** Its revision (`computeRevision(text)`), `null` without a text. */
  revision: string | null;
  title?: string;
  format?: string;
}

/**
 * The text with 1-based line numbers, one line per line of {@link splitLines}:
 * `"a\nb\n"` → `"1| a\n2| b"`. Numbers are right-aligned to the widest.
 */
export function numberLines(text: string): string {
  const lines = splitLines(text);
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width)}| ${line}`).join('\n');
}

const TASKS: Record<ArtifactTaskSpec['kind'], string> = {
  docGenerate: 'Write the whole document.',
  docEdit: 'Edit the document by returning a patch of its numbered lines.',
  passthrough: 'Answer about the document; do not change it.',
};

/**
 * The prompt of one task, in sections: the task, the goal, the constraints, the examples, the current
 * document (numbered lines for an edit, plain text otherwise) and the rules of the answer.
 */
export function buildTaskPrompt(spec: ArtifactTaskSpec, context: TaskPromptContext): string {
  const sections: string[] = [];
  const about = [`artifact "${spec.artifactId}"`];
  if (context.title) about.push(`title "${context.title}"`);
  if (context.format) about.push(`format ${context.format}`);
  sections.push(`Task (${about.join(', ')}): ${TASKS[spec.kind]}`);
  sections.push(`Goal:\n${spec.userGoal}`);
  const constraints = spec.constraints ?? [];
  if (constraints.length > 0) sections.push(`Constraints:\n${constraints.map((c) => `- ${c}`).join('\n')}`);
  const examples = spec.examples ?? [];
  if (examples.length > 0) {
    sections.push(
      `Examples:\n${examples.map((e, i) => `<example index="${i + 1}">\n${e}\n</example>`).join('\n')}`,
    );
  }
  sections.push(documentSection(spec, context));
  sections.push(answerRules(spec, context));
  return sections.join('\n\n');
}

function documentSection(spec: ArtifactTaskSpec, context: TaskPromptContext): string {
  if (context.text === undefined) return 'Current document: none yet.';
  if (spec.kind !== 'docEdit') {
    return `Current document (revision ${context.revision}):\n<document>\n${context.text}\n</document>`;
  }
  const count = splitLines(context.text).length;
  return [
    `Current document (revision ${context.revision}, ${count} line(s); the numbers and "| " are not part of the text):`,
    '<document>',
    numberLines(context.text),
    '</document>',
  ].join('\n');
}

function answerRules(spec: ArtifactTaskSpec, context: TaskPromptContext): string {
  const head = 'Answer with one JSON object that matches the output schema, and nothing else.';
  switch (spec.kind) {
    case 'docGenerate':
      return [
        head,
        '- title: the title of the document.',
        `- format: its format (e.g. markdown, text, json)${context.format ? `; keep ${context.format} unless the goal asks otherwise` : ''}.`,
        '- text: the whole document.',
      ].join('\n');
    case 'docEdit': {
      const count = context.text === undefined ? 0 : splitLines(context.text).length;
      return [
        head,
        `- expectedRevision: exactly "${context.revision}".`,
        `- format: the format of the document after the edit${context.format ? ` (keep ${context.format} unless the goal asks otherwise)` : ''}.`,
        '- edits: each replaces lines startLine .. endLine-1 (1-based; endLine is exclusive) with replacement.',
        `  startLine = endLine inserts before that line; ${count + 1} appends at the end.`,
        '  replacement is whole lines without numbers, joined by newlines; "" deletes the lines.',
        '  Sort the edits by startLine; they must not overlap. Line numbers refer to the document above.',
        '- notes: one sentence on what changed, or null.',
      ].join('\n');
    }
    case 'passthrough':
      return head;
  }
}
