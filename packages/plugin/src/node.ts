/** @codexus/plugin/node: the hooks that need Node (child processes). */
export {
  DEFAULT_SHELL_HOOK_MAX_OUTPUT_BYTES,
  DEFAULT_SHELL_HOOK_TIMEOUT_MS,
  SHELL_HOOK_BLOCK_EXIT_CODE,
  ShellCommandHook,
  type ShellCommandHookOptions,
  ShellCommandPostHook,
} from './shell-command-hook.js';
