import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type TrustStore, trustStoreEnv } from './hermetic-trust.js';
import { mergeTables, type TomlTable, toToml } from './internal/toml.js';

export type { TomlTable, TomlValue } from './internal/toml.js';

/** The `model_provider` id written by {@link createCodexHome}. */
export const SCRIPTED_PROVIDER_ID = 'codexus-scripted';
/** The default `model` written by {@link createCodexHome} (codex warns it has no metadata for it: harmless). */
export const SCRIPTED_MODEL = 'codexus-scripted-model';

/**
 * Approval policies accepted in config.toml by codex 0.169. (`untrusted` is refused there, "no
 * longer supported", and the server exits; pass it as a `thread/start` parameter instead.)
 */
export type ConfigApprovalPolicy = 'never' | 'on-request' | 'on-failure';
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

export interface CodexConfigOptions {
  /** The scripted model's base URL (`model.url`, `http://127.0.0.1:PORT/v1`). */
  modelUrl: string;
  /** Default {@link SCRIPTED_MODEL}. */
  model?: string;
  /** Default `never`. */
  approvalPolicy?: ConfigApprovalPolicy;
  /** Default `read-only`. */
  sandboxMode?: SandboxMode;
  /**
   * Merged over the generated table (tables recursively; a key set to `undefined` removes it):
   * `{ features: { goals: true } }`, `{ mcp_servers: { docs: { command: 'node', args: ['srv.js'] } } }`.
   */
  extraConfig?: TomlTable;
}

export interface CodexHomeOptions extends CodexConfigOptions {
  /** Directory to create the home in. Default `os.tmpdir()`. */
  parentDir?: string;
  /**
   * The TLS trust store `env` gives codex: `hermetic` (default) trusts only the testkit's
   * throwaway CA, `HERMETIC_CA_PATH` (no https request can succeed; see there), `system` the machine's roots.
   */
  trustStore?: TrustStore;
}

/** A throwaway `CODEX_HOME` holding a hermetic config.toml. */
export interface CodexHome extends AsyncDisposable {
  /** The directory (pass as `CODEX_HOME`). */
  readonly path: string;
  /** `<path>/config.toml`. */
  readonly configPath: string;
  /** The table written to config.toml. */
  readonly config: TomlTable;
  /**
   * The environment a codex child needs for this home, to merge over `process.env`: `CODEX_HOME`
   * and the trust store ({@link CodexHomeOptions.trustStore}). A value of `undefined` removes the
   * variable. `Client.connect({ codexHome: home.path, env: home.env })`.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Removes the directory and everything codex wrote in it. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The config.toml table of a hermetic home: the scripted provider as the only model provider (no
 * retries, so a scripted failure fails the turn at once), the given approval policy and sandbox,
 * and everything that could reach the network or other accounts switched off. The shell snapshot
 * (`features.shell_snapshot`) is off too: with it, every `thread/start` runs a login shell that
 * sources the machine's profile, and what that starts outlives the turn (a `pyenv rehash` waiting
 * up to 60 s for its lock, one per thread: dozens at once under churn), so the machine, not the
 * test, would set the pace. Pass `extraConfig: { features: { shell_snapshot: true } }` to test it.
 * Every key is accepted by `codex app-server --strict-config` 0.169.0 with no ERROR line.
 */
export function codexHomeConfig(options: CodexConfigOptions): TomlTable {
  const table: TomlTable = {
    model_provider: SCRIPTED_PROVIDER_ID,
    model: options.model ?? SCRIPTED_MODEL,
    approval_policy: options.approvalPolicy ?? 'never',
    sandbox_mode: options.sandboxMode ?? 'read-only',
    check_for_update_on_startup: false,
    model_providers: {
      [SCRIPTED_PROVIDER_ID]: {
        name: 'codexus scripted model',
        base_url: options.modelUrl,
        wire_api: 'responses',
        request_max_retries: 0,
        stream_max_retries: 0,
      },
    },
    // No login-shell snapshot at thread start: it runs the machine's shell profile (see above).
    features: { plugins: false, apps: false, remote_plugin: false, goals: false, shell_snapshot: false },
    agents: { enabled: false },
    analytics: { enabled: false },
  };
  return options.extraConfig === undefined ? table : mergeTables(table, options.extraConfig);
}

/** The config.toml text of {@link codexHomeConfig}. */
export function renderCodexConfig(options: CodexConfigOptions): string {
  return toToml(codexHomeConfig(options));
}

/**
 * Creates a temporary `CODEX_HOME` (under `os.tmpdir()`) with a hermetic config.toml pointing codex
 * at the scripted model. No login is needed. Remove it with `dispose()` or `await using`.
 */
export async function createCodexHome(options: CodexHomeOptions): Promise<CodexHome> {
  const path = await realpath(await mkdtemp(join(options.parentDir ?? tmpdir(), 'codexus-home-')));
  const config = codexHomeConfig(options);
  const configPath = join(path, 'config.toml');
  await writeFile(configPath, toToml(config), 'utf8');
  const dispose = (): Promise<void> => rm(path, { recursive: true, force: true, maxRetries: 3 });
  const env = { CODEX_HOME: path, ...trustStoreEnv(options.trustStore) };
  return { path, configPath, config, env, dispose, [Symbol.asyncDispose]: dispose };
}

export interface WorkspaceOptions {
  /** Files to create, by relative path (folders are created): `{ 'src/a.txt': 'hi\n' }`. */
  files?: Readonly<Record<string, string>>;
  /** Directory to create the workspace in. Default `os.tmpdir()`. */
  parentDir?: string;
}

/** A throwaway directory to use as a thread's `cwd`. */
export interface Workspace extends AsyncDisposable {
  /** The directory (its real path, so it matches what codex reports as `cwd`). */
  readonly path: string;
  /** `join(path, relative)`. */
  file(relative: string): string;
  /** Removes the directory. Idempotent. */
  dispose(): Promise<void>;
}

export async function createWorkspace(options: WorkspaceOptions = {}): Promise<Workspace> {
  const path = await realpath(await mkdtemp(join(options.parentDir ?? tmpdir(), 'codexus-ws-')));
  for (const [relative, content] of Object.entries(options.files ?? {})) {
    const target = join(path, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, 'utf8');
  }
  const dispose = (): Promise<void> => rm(path, { recursive: true, force: true, maxRetries: 3 });
  return { path, file: (relative) => join(path, relative), dispose, [Symbol.asyncDispose]: dispose };
}
