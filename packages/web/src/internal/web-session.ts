import { randomUUID } from 'node:crypto';
import type { Logger } from '@codexus/core';
import { AsyncQueue } from '@codexus/core/internal';
import {
  type ApprovalDecision,
  type ApprovalRequest,
  PromptRunError,
  type PromptRunResult,
  type Session,
  type TurnItem,
  type TurnStream,
} from '@codexus/runtime';
import { type ApprovalView, allowedDecisions, toApprovalView } from '../approval-view.js';
import { ReplayBuffer, type ReplayLimits } from '../replay-buffer.js';
import { webRefusal } from '../web-error.js';
import { APPROVAL_EVENT_TYPES, type WebEvent, type WebEventData } from '../web-event.js';

interface PendingApproval {
  view: ApprovalView;
  event: WebEvent;
  resolve(decision: ApprovalDecision): void;
}

interface Subscriber {
  queue: AsyncQueue<QueuedEvent>;
  approvalsOnly: boolean;
  /** Serialized bytes of the events in `queue`. */
  queuedBytes: number;
  /** The part of `queuedBytes` that is still the replay it got when it subscribed. */
  replayBytes: number;
  cut: boolean;
}

interface QueuedEvent {
  event: WebEvent;
  bytes: number;
  replayed: boolean;
}

export interface SubscribeOptions {
  /** Replay the kept events after this id (default 0: everything kept). */
  lastEventId?: number;
  signal?: AbortSignal;
}

/**
 * A subscription to a session's events: an async iterator that also says how much it holds. It
 * ends when the session closes, when `return()` is called or the signal aborts, and when the reader
 * fell too far behind (`cut`: it should reconnect with the id of the last event it got).
 */
export interface WebSubscription extends AsyncIterableIterator<WebEvent> {
  /** Serialized bytes of the events queued for this reader and not yet taken by it. */
  readonly queuedBytes: number;
  /** Events queued for this reader and not yet taken by it. */
  readonly queuedEvents: number;
  /** True once the reader was cut off for falling behind (its queued events were dropped). */
  readonly cut: boolean;
}

/** The limits that cut a subscriber off. */
export interface SubscriberLimits {
  /** Most events queued for one subscriber. */
  maxLag: number;
  /**
   * Most serialized bytes of live events queued for one subscriber (the first one is always accepted,
   * however large; the replay a subscriber gets when it subscribes is not counted).
   */
  maxBytes: number;
}

/** What a session's subscribers hold right now. */
export interface SubscriberStats {
  subscribers: number;
  queuedBytes: number;
  maxQueuedBytes: number;
  /** Subscribers cut off for falling behind, since the session started. */
  cut: number;
}

/** Settled approval ids remembered (for 409 on a second answer). */
const MAX_SETTLED = 1_024;

/** One bridged session: its codex Session, event log, subscribers and pending approvals. */
export class WebSession {
  readonly createdAtMs = Date.now();
  private readonly buffer: ReplayBuffer<WebEvent>;
  private readonly subscribers = new Set<Subscriber>();
  private readonly pending = new Map<string, PendingApproval>();
  private readonly settled = new Map<string, 'answered' | 'withdrawn'>();
  private readonly items = new Map<string, TurnItem>();
  /** Serialized size of each emitted event (for the subscribers' byte accounting). */
  private readonly sizes = new WeakMap<WebEvent, number>();
  private cutCount = 0;
  private session: Session | undefined;
  private activeTurnIdValue: string | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    readonly tenant: string,
    readonly profile: string,
    readonly cwd: string,
    private readonly limits: { replay: ReplayLimits; subscriber: SubscriberLimits },
    private readonly logger: Logger,
  ) {
    this.buffer = new ReplayBuffer(limits.replay);
  }

  /** Binds the codex session once `startSession` returned. */
  attach(session: Session): void {
    this.session = session;
  }

  get threadId(): string | undefined {
    return this.session?.threadId;
  }

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  get activeTurnId(): string | undefined {
    return this.activeTurnIdValue;
  }

  get lastEventId(): number {
    return this.buffer.newestId;
  }

  pendingApprovals(): ApprovalView[] {
    return [...this.pending.values()].map((p) => p.view);
  }

  /** The session's approval handler: waits for `answer()` (or the request's withdrawal). */
  requestApproval(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    if (allowedDecisions(request).length === 0 || this.isClosed) {
      return Promise.reject(new Error(`${request.method} is not answered through the web bridge`));
    }
    const approvalId = randomUUID();
    const item = request.itemId === undefined ? undefined : this.items.get(request.itemId);
    const view = toApprovalView(request, { approvalId, sessionId: this.id, item, atMs: Date.now() });
    return new Promise<ApprovalDecision>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.pending.delete(approvalId)) return;
        this.remember(approvalId, 'withdrawn');
        this.emit({ type: 'approvalResolved', approvalId, outcome: 'withdrawn' });
        reject(signal.reason);
      };
      const event = this.emit({ type: 'approvalRequested', approval: view });
      this.pending.set(approvalId, {
        view,
        event,
        resolve: (decision) => {
          signal.removeEventListener('abort', onAbort);
          resolve(decision);
        },
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers a pending approval once; the decision must be one the request allows. */
  answer(approvalId: string, decision: ApprovalDecision): void {
    const pending = this.pending.get(approvalId);
    if (!pending) {
      const settled = this.settled.get(approvalId);
      if (settled)
        throw webRefusal('alreadySettled', `approval ${approvalId} was already ${settled}`, { approvalId });
      throw webRefusal('notFound', `no pending approval ${approvalId} in this session`, { approvalId });
    }
    if (!pending.view.allowedDecisions.includes(decision)) {
      throw webRefusal('decisionNotAllowed', `decision "${decision}" is not allowed for this approval`, {
        approvalId,
        allowed: pending.view.allowedDecisions,
      });
    }
    this.pending.delete(approvalId);
    this.remember(approvalId, 'answered');
    this.emit({ type: 'approvalResolved', approvalId, outcome: 'answered', decision });
    pending.resolve(decision);
  }

  /** Starts a turn; resolves once codex accepted it (its id known). */
  async startTurn(prompt: string): Promise<{ turnId: string }> {
    const session = this.session;
    if (!session || this.isClosed) throw webRefusal('notFound', `session ${this.id} is closed`);
    const stream = session.askStream(prompt); // TURN_IN_PROGRESS when one runs
    const pumped = this.pump(stream);
    const turnId = await stream.turnIdReady;
    if (!turnId) {
      await pumped;
      await stream.result; // rejects with the reason turn/start failed
      throw new Error('turn/start failed');
    }
    return { turnId };
  }

  /** Subscribes to the session's events (all, or approvals only), replaying after `lastEventId`. */
  subscribe(approvalsOnly: boolean, options: SubscribeOptions = {}): WebSubscription {
    const subscriber: Subscriber = {
      queue: new AsyncQueue(),
      approvalsOnly,
      queuedBytes: 0,
      replayBytes: 0,
      cut: false,
    };
    const enqueue = (event: WebEvent): void => {
      const bytes = this.sizes.get(event) ?? JSON.stringify(event).length;
      subscriber.queue.push({ event, bytes, replayed: true });
      subscriber.queuedBytes += bytes;
      subscriber.replayBytes += bytes;
    };
    const slice = this.buffer.since(options.lastEventId ?? 0);
    if (slice.gap) {
      const { fromId, toId } = slice.gap;
      if (approvalsOnly) {
        // Pending approvals whose request event was dropped are still owed to this reader.
        for (const p of this.pending.values())
          if (p.event.id >= fromId && p.event.id <= toId) enqueue(p.event);
      }
      enqueue({ type: 'replayGap', fromId, toId, id: toId, atMs: Date.now() });
    }
    for (const event of slice.events) if (wants(subscriber, event)) enqueue(event);
    const signal = options.signal;
    const stop = (): void => {
      this.subscribers.delete(subscriber);
      signal?.removeEventListener('abort', stop);
      subscriber.queue.end();
    };
    if (this.closed) subscriber.queue.end();
    else this.subscribers.add(subscriber);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const iterator: WebSubscription = {
      next: async () => {
        const next = await subscriber.queue.next();
        if (next.done) return { value: undefined, done: true };
        subscriber.queuedBytes -= next.value.bytes;
        if (next.value.replayed) subscriber.replayBytes -= next.value.bytes;
        return { value: next.value.event, done: false };
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
      get queuedBytes() {
        return subscriber.queuedBytes;
      },
      get queuedEvents() {
        return subscriber.queue.size;
      },
      get cut() {
        return subscriber.cut;
      },
    };
    return iterator;
  }

  /** What the live subscribers hold, and how many were cut off so far. */
  subscriberStats(): SubscriberStats {
    let queuedBytes = 0;
    let maxQueuedBytes = 0;
    for (const subscriber of this.subscribers) {
      queuedBytes += subscriber.queuedBytes;
      maxQueuedBytes = Math.max(maxQueuedBytes, subscriber.queuedBytes);
    }
    return { subscribers: this.subscribers.size, queuedBytes, maxQueuedBytes, cut: this.cutCount };
  }

  /** Closes the session: pending approvals are cancelled, the running turn interrupted. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const [approvalId] of [...this.pending]) this.answer(approvalId, 'cancel');
      try {
        await this.session?.close();
      } catch (error) {
        this.logger.warn('closing a web session failed', { sessionId: this.id, error: String(error) });
      }
      this.emit({ type: 'sessionClosed' });
      this.closed = true;
      for (const subscriber of [...this.subscribers]) subscriber.queue.end();
      this.subscribers.clear();
    })();
    return this.closing;
  }

  private async pump(stream: TurnStream): Promise<void> {
    const turnIdOf = (): string => stream.turnId ?? '';
    try {
      for await (const event of stream) {
        if (event.type === 'approvalRequested' || event.type === 'turnCompleted') continue;
        if (event.type === 'turnStarted') this.activeTurnIdValue = event.turnId;
        if (event.type === 'itemStarted' || event.type === 'itemCompleted')
          this.items.set(event.item.id, event.item);
        this.emit({ ...event, turnId: turnIdOf() });
      }
    } catch (error) {
      this.logger.warn('a web session turn stream failed', { sessionId: this.id, error: String(error) });
    }
    let result: PromptRunResult;
    let error: { message: string; code?: string } | undefined;
    try {
      result = await stream.result;
    } catch (failure) {
      result = PromptRunError.isInstance(failure) ? failure.partial : emptyResult(turnIdOf());
      error = { message: String((failure as Error)?.message ?? failure) };
      const code = (failure as { code?: unknown })?.code;
      if (typeof code === 'string') error.code = code;
    }
    this.items.clear();
    this.activeTurnIdValue = undefined;
    if (!result.turnId) return; // turn/start failed: createTurn reports it
    const completed: WebEventData = {
      type: 'turnCompleted',
      turnId: result.turnId,
      status: result.status,
      text: result.text,
      durationMs: result.durationMs,
    };
    const turnError = result.error ?? error;
    if (turnError) completed.error = turnError;
    this.emit(completed);
  }

  private emit(data: WebEventData): WebEvent {
    const event = { ...data, id: this.buffer.nextId, atMs: Date.now() } as WebEvent;
    const bytes = JSON.stringify(event).length;
    this.sizes.set(event, bytes);
    this.buffer.push(event, bytes);
    const { maxLag, maxBytes } = this.limits.subscriber;
    for (const subscriber of this.subscribers) {
      if (!wants(subscriber, event)) continue;
      const queued = subscriber.queue.size;
      const live = subscriber.queuedBytes - subscriber.replayBytes;
      if (queued >= maxLag || (live > 0 && live + bytes > maxBytes)) {
        this.cut(subscriber);
        continue;
      }
      subscriber.queue.push({ event, bytes, replayed: false });
      subscriber.queuedBytes += bytes;
    }
    return event;
  }

  /**
   * Cuts off a reader that fell behind: what was queued for it is dropped (the replay buffer still
   * holds it) and its iteration ends; it reconnects with `Last-Event-ID` and gets a replay.
   */
  private cut(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    subscriber.cut = true;
    subscriber.queue.take(() => true);
    subscriber.queuedBytes = 0;
    subscriber.replayBytes = 0;
    subscriber.queue.end();
    this.cutCount++;
  }

  private remember(approvalId: string, outcome: 'answered' | 'withdrawn'): void {
    this.settled.set(approvalId, outcome);
    if (this.settled.size > MAX_SETTLED) {
      const oldest = this.settled.keys().next().value;
      if (oldest !== undefined) this.settled.delete(oldest);
    }
  }
}

function wants(subscriber: Subscriber, event: WebEvent): boolean {
  return !subscriber.approvalsOnly || APPROVAL_EVENT_TYPES.includes(event.type);
}

function emptyResult(turnId: string): PromptRunResult {
  return { threadId: '', turnId, status: 'failed', text: '', items: [], durationMs: 0 };
}
