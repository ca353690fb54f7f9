/**
 * Server payloads reduced to what the state keeps, every string capped: the bounded forms of
 * `TurnError`, `turn/plan/updated` and `ThreadTokenUsage`. Read through the generated types.
 */
import type {
  ThreadTokenUsage,
  TurnError,
  TurnPlanStep,
  TurnPlanUpdatedNotification,
  TokenUsageBreakdown as WireTokenUsageBreakdown,
} from '@codexus/protocol';
import { type PlanStep, str, type TokenUsage, type TokenUsageBreakdown } from '../../internal/wire.js';
import { capString } from '../capped-text.js';
import type { PlanView, TurnErrorView } from '../state-view.js';
import { jsonBytes } from './record-sizes.js';
import { type Unchecked, unchecked } from './unchecked.js';

/** Cap of small scalar strings (names, paths, error details codes). */
export const SMALL_STRING_BYTES = 1_024;

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A server `TurnError` with its strings capped. */
export function boundTurnError(raw: unknown, maxBytes: number): TurnErrorView {
  const error = unchecked<TurnError>(raw);
  const info = error.codexErrorInfo ?? null;
  const details = str(error.additionalDetails);
  return {
    message: capString(str(error.message) ?? 'unknown error', maxBytes),
    codexErrorInfo:
      jsonBytes(info) <= SMALL_STRING_BYTES ? info : capString(JSON.stringify(info), SMALL_STRING_BYTES),
    additionalDetails: details === undefined ? null : capString(details, maxBytes),
  };
}

/** `turn/plan/updated` within `maxBytes`: steps past the budget are counted, not kept. */
export function boundPlan(params: Unchecked<TurnPlanUpdatedNotification>, maxBytes: number): PlanView {
  const explanation = str(params.explanation);
  const raw = Array.isArray(params.plan) ? params.plan : [];
  const steps: PlanStep[] = [];
  let budget = maxBytes - (explanation?.length ?? 0);
  for (const entry of raw) {
    const step = unchecked<TurnPlanStep>(entry);
    const kept: PlanStep = {
      step: capString(str(step.step) ?? '', SMALL_STRING_BYTES),
      status: (str(step.status) ?? 'pending') as PlanStep['status'], // a newer codex's status is kept as sent
    };
    budget -= kept.step.length + kept.status.length + 30;
    if (budget < 0) break;
    steps.push(kept);
  }
  return {
    turnId: str(params.turnId) ?? null,
    explanation: explanation === undefined ? null : capString(explanation, maxBytes),
    steps,
    droppedSteps: raw.length - steps.length,
  };
}

/** `ThreadTokenUsage` reduced to its numbers (so its size is bounded). */
export function boundTokenUsage(raw: unknown): TokenUsage | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const usage = unchecked<ThreadTokenUsage>(raw);
  const breakdown = (value: unknown): TokenUsageBreakdown => {
    const b = unchecked<WireTokenUsageBreakdown>(value);
    const out: TokenUsageBreakdown = {
      inputTokens: num(b.inputTokens) ?? 0,
      cachedInputTokens: num(b.cachedInputTokens) ?? 0,
      outputTokens: num(b.outputTokens) ?? 0,
      reasoningOutputTokens: num(b.reasoningOutputTokens) ?? 0,
      totalTokens: num(b.totalTokens) ?? 0,
    };
    const cacheWrite = num(b.cacheWriteInputTokens);
    if (cacheWrite !== undefined) out.cacheWriteInputTokens = cacheWrite;
    return out;
  };
  return {
    total: breakdown(usage.total),
    last: breakdown(usage.last),
    modelContextWindow: num(usage.modelContextWindow) ?? null,
  };
}

/** Small strings (names, paths) as the state keeps them. */
export function boundSmall(value: unknown): string | null {
  const text = str(value);
  return text === undefined ? null : capString(text, SMALL_STRING_BYTES);
}
