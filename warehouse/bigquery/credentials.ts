import fs from 'node:fs';
import { GoogleAuth, type AuthClient } from 'google-auth-library';
import { InputError } from '../../contract/errors.ts';
import { EngineError } from '../engine.ts';
import { ENV } from './config.ts';

export const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';

const HOW_TO =
  'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login` (Application Default Credentials)';

const CREDENTIAL_TYPES = new Set(['service_account', 'authorized_user', 'external_account', 'impersonated_service_account', 'external_account_authorized_user', 'gdch_service_account']);

export interface ResolvedCredentials {
  authClient: AuthClient;
  projectId: string;
}

/**
 * Finds and proves the credentials before anything is generated or landed: a run that would fail
 * at the first load job after minutes of generation fails here instead, with one line saying what
 * to set. Secrets are never echoed: errors name the file and the problem, not its contents.
 *
 * `authClient` is injected by tests (a fake OAuth2 client) and by callers that already hold one.
 */
export async function resolveCredentials(options: {
  projectId?: string;
  authClient?: AuthClient;
  /** A key file from the config layer (a dbt profile's keyfile); the environment variable wins. */
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<ResolvedCredentials> {
  const env = options.env ?? process.env;
  if (options.authClient) return { authClient: options.authClient, projectId: requireProject(options.projectId) };

  const fromEnv = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (fromEnv) checkKeyFile(fromEnv, `GOOGLE_APPLICATION_CREDENTIALS=${fromEnv}`);
  else if (options.keyFile) checkKeyFile(options.keyFile, `the profile's keyfile ${options.keyFile}`);

  const auth = new GoogleAuth({ scopes: [BIGQUERY_SCOPE], ...(!fromEnv && options.keyFile ? { keyFilename: options.keyFile } : {}) });
  let authClient: AuthClient;
  try {
    authClient = await auth.getClient();
  } catch {
    // google-auth-library's own message only links to a docs page; ours says what to set.
    throw new InputError(`BigQuery credentials not found: ${HOW_TO}`);
  }
  try {
    // Exchanging for an access token proves the key is valid and not revoked.
    await authClient.getAccessToken();
  } catch (error) {
    const status = (error as { response?: { status?: number }; status?: number })?.response?.status ?? (error as { status?: number })?.status;
    if (status !== undefined && status >= 400 && status < 500) {
      throw new InputError(`BigQuery credentials are not usable (${firstLine(error)}): ${HOW_TO}`);
    }
    throw new EngineError(`could not reach Google to verify the BigQuery credentials: ${firstLine(error)}`);
  }
  let projectId = options.projectId;
  if (!projectId) projectId = await auth.getProjectId().catch(() => undefined);
  return { authClient, projectId: requireProject(projectId) };
}

function requireProject(projectId: string | undefined): string {
  if (projectId) return projectId;
  throw new InputError(`BigQuery project not set: pass --bq-project or set ${ENV.project.join(' / ')}`);
}

function checkKeyFile(file: string, what: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : code ? `cannot be read (${code})` : 'is not JSON';
    throw new InputError(`${what} ${problem}: ${HOW_TO}`);
  }
  const type = (parsed as { type?: unknown })?.type;
  if (typeof type !== 'string' || !CREDENTIAL_TYPES.has(type)) {
    throw new InputError(`${what} is not a Google credentials file (no known "type"): ${HOW_TO}`);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}
