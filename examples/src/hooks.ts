/**
 * Hooks: a PreTurn hook patches the prompt, a PreRun hook blocks a run, a PostTurn hook reports.
 * Hooks sit on top of the sandbox and approval policy, never instead of them.
 * Run: `pnpm --filter @codexus/examples exec tsx src/hooks.ts [--live]`.
 */
import type { PostHook, PreHook } from '@codexus/plugin';
import { QuickRunError, quickRunWithProfile } from '@codexus/quick';
import { message } from '@codexus/testkit';
import { runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

const politely: PreHook = {
  name: 'politely',
  phases: ['PreTurn'],
  run: (ctx) => ({ type: 'patch', patch: { prompt: `${ctx.prompt} Please answer in one sentence.` } }),
};
const audit: PostHook = {
  name: 'audit',
  phases: ['PostTurn'],
  run: (ctx) => ({ data: { status: ctx.result?.status, chars: ctx.result?.text?.length } }),
};
const noDeploys: PreHook = {
  name: 'no-deploys',
  phases: ['PreRun'],
  run: (ctx) =>
    /deploy/i.test(ctx.prompt ?? '')
      ? { type: 'block', reason: { message: 'no deploys from here' } }
      : { type: 'continue' },
};

export async function main(): Promise<void> {
  await using env = await setup([message('The repository is empty.')]);
  say.heading('hooks');
  say.prompt('Describe the repository (PreTurn adds an instruction, PostTurn audits)');
  const result = await quickRunWithProfile(
    'Describe the repository.',
    { hooks: [politely, audit, noDeploys] },
    { cwd: env.cwd, ...env.client },
  );
  say.result(result);
  for (const report of result.hookReports ?? [])
    say.note(`hook ${report.hook} (${report.phase}): ${report.outcome}`);
  say.prompt('Deploy to production');
  try {
    await quickRunWithProfile(
      'Deploy to production',
      { hooks: [noDeploys] },
      { cwd: env.cwd, ...env.client },
    );
  } catch (error) {
    if (!QuickRunError.isInstance(error)) throw error;
    say.note(`blocked before anything was sent: ${error.code}: ${error.message}`);
  }
}

runIfMain(import.meta.url, main);
