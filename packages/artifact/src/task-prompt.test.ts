import { describe, expect, it } from 'vitest';
import { computeRevision } from './revision.js';
import { buildTaskPrompt, numberLines } from './task-prompt.js';

describe('numberLines', () => {
  it('numbers lines from 1, right-aligned, without the final newline', () => {
    expect(numberLines('a\nb\n')).toBe('1| a\n2| b');
    expect(numberLines('')).toBe('');
    const ten = Array.from({ length: 10 }, (_, i) => `l${i + 1}`).join('\n');
    expect(numberLines(ten).split('\n')[0]).toBe(' 1| l1');
    expect(numberLines(ten).split('\n')[9]).toBe('10| l10');
  });
});

describe('buildTaskPrompt', () => {
  const text = 'alpha\nbeta\n';
  const revision = computeRevision(text);

  it('shows goal, constraints, examples and numbered lines for an edit, with the patch rules', () => {
    const prompt = buildTaskPrompt(
      {
        kind: 'docEdit',
        artifactId: 'notes',
        userGoal: 'Make beta bold',
        constraints: ['keep alpha', 'no emoji'],
        examples: ['**beta**'],
      },
      { text, revision, title: 'Notes', format: 'markdown' },
    );
    expect(prompt).toContain('Task (artifact "notes", title "Notes", format markdown): Edit the document');
    expect(prompt).toContain('Goal:\nMake beta bold');
    expect(prompt).toContain('Constraints:\n- keep alpha\n- no emoji');
    expect(prompt).toContain('<example index="1">\n**beta**\n</example>');
    expect(prompt).toContain('<document>\n1| alpha\n2| beta\n</document>');
    expect(prompt).toContain(`expectedRevision: exactly "${revision}"`);
    expect(prompt).toContain('3 appends at the end');
  });

  it('shows the plain text for generate and passthrough, and says when there is none', () => {
    const generate = buildTaskPrompt(
      { kind: 'docGenerate', artifactId: 'a', userGoal: 'write' },
      { text, revision },
    );
    expect(generate).toContain(`<document>\n${text}\n</document>`);
    expect(generate).not.toContain('1| alpha');
    expect(generate).not.toContain('Constraints');
    const fresh = buildTaskPrompt(
      { kind: 'docGenerate', artifactId: 'a', userGoal: 'write' },
      { text: undefined, revision: null },
    );
    expect(fresh).toContain('Current document: none yet.');
    expect(fresh).toContain('- text: the whole document.');
  });
});
