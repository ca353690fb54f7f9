/** Server requests that ask the client to decide (approvals, questions, elicitations), by kind. */
const APPROVAL_KINDS: Readonly<Record<string, string>> = {
  'item/commandExecution/requestApproval': 'commandExecution',
  'item/fileChange/requestApproval': 'fileChange',
  'item/permissions/requestApproval': 'permissions',
  'item/tool/requestUserInput': 'userInput',
  'mcpServer/elicitation/request': 'elicitation',
  execCommandApproval: 'commandExecution',
  applyPatchApproval: 'fileChange',
};

/** The approval kind of a server request method, or `undefined` when it is not one. */
export function approvalKind(method: string): string | undefined {
  return Object.hasOwn(APPROVAL_KINDS, method) ? APPROVAL_KINDS[method] : undefined;
}
