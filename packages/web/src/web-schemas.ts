import * as v from 'valibot';
import { APPROVAL_DECISIONS } from './approval-view.js';

/** `POST /v1/sessions`: both fields optional (the adapter's default cwd and profile). */
export const CreateSessionBodySchema = v.strictObject({
  cwd: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
  profile: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a profile name: 1-64 of A-Z a-z 0-9 _ . -')),
  ),
});
export type CreateSessionBody = v.InferOutput<typeof CreateSessionBodySchema>;

/** `POST /v1/sessions/:id/turns`. */
export const CreateTurnBodySchema = v.strictObject({
  prompt: v.pipe(v.string(), v.minLength(1, 'the prompt is empty'), v.maxLength(200_000)),
});
export type CreateTurnBody = v.InferOutput<typeof CreateTurnBodySchema>;

/** `POST /v1/sessions/:id/approvals/:approvalId`. */
export const ApprovalAnswerBodySchema = v.strictObject({
  decision: v.picklist(APPROVAL_DECISIONS),
});
export type ApprovalAnswerBody = v.InferOutput<typeof ApprovalAnswerBodySchema>;
