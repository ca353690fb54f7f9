// The bounded stderr tail lives in the process leaf; core re-exports it unchanged.
export { TailBuffer } from '@codexus/process';
