/**
 * The one definition of the policy vocabulary every layer speaks (runtime, quick, web, the CLI and
 * hooks import it from here; the runtime re-exports it). The sandbox spellings are the generated
 * protocol's `SandboxMode` (a runtime type test keeps the two equal); approval policies are the
 * subset codexus offers (codex's deprecated `on-failure` and granular policies are left out).
 */

/** The reasoning efforts codex accepts. */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** The sandbox modes, in the camel-free spelling `thread/start` takes. */
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** The approval policies codexus offers. */
export const APPROVAL_POLICIES = ['never', 'on-request', 'untrusted'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];
