/**
 * Layer 1: `quickRun` — one prompt, safe defaults (approval never, sandbox read-only), codex is
 * always shut down afterwards. `quickRunWithProfile` adds a profile; a bad profile fails before any
 * process starts. Run: `pnpm --filter @codexus/examples exec tsx src/quick-run.ts [--live]`.
 */
import { QuickRunError, quickRun, quickRunWithProfile } from '@codexus/quick';
import { message } from '@codexus/testkit';
import { runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

export async function main(): Promise<void> {
  await using env = await setup([
    message('This folder is a fresh, empty workspace.'),
    message('Bonjour ! Le dossier est vide.'),
  ]);
  say.heading('layer 1: quickRun');

  say.prompt('What is in this folder?');
  say.result(await quickRun('What is in this folder?', { cwd: env.cwd, ...env.client }));

  say.prompt('Same question, in French (profile: effort low, instructions)');
  const french = await quickRunWithProfile(
    'What is in this folder?',
    { effort: 'low', instructions: 'Always answer in French.' },
    { cwd: env.cwd, ...env.client },
  );
  say.result(french);

  say.prompt('A privileged sandbox without privileged: true');
  try {
    await quickRunWithProfile('rm -rf /', { sandbox: 'danger-full-access' }, { cwd: env.cwd, ...env.client });
  } catch (error) {
    if (!QuickRunError.isInstance(error)) throw error;
    say.note(`refused before codex started: kind ${error.kind}, code ${error.code}`);
  }
}

runIfMain(import.meta.url, main);
