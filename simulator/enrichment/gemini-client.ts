import type { GenerateContentParameters, GoogleGenAI, Schema } from '@google/genai';

/** The Gemini SDK, imported on first use: most runs never enrich, and loading it costs about 0.2 s. */
const sdk = () => import('@google/genai');
import { InputError } from '../../contract/errors.ts';

/**
 * One structured-output call to Gemini, made reproducible as far as Gemini allows: a pinned
 * model, temperature 0, a fixed seed, one candidate, thinking off. Gemini treats the seed as
 * best effort, which is why every answer is cached (see `cache.ts`) and replayed from there.
 *
 * Two kinds of failure, two kinds of retry:
 * - HTTP errors (429, 5xx, timeouts) are retried by the SDK itself (`httpOptions.retryOptions`),
 *   with exponential backoff;
 * - an answer that arrives but is unusable (cut off by MAX_TOKENS, blocked by SAFETY, not JSON,
 *   not matching the schema) is asked again, up to `malformedAttempts` times.
 * Then it fails with a clear error. It never returns a partial or unvalidated answer.
 */

export interface GeminiCall {
  model: string;
  systemInstruction: string;
  prompt: string;
  responseSchema: Schema;
  seed: number;
  maxOutputTokens: number;
}

export interface GeminiConnection {
  apiKey: string;
  /** Override the endpoint (tests start a loopback server); default Google's. */
  baseUrl?: string;
  /** Attempts per HTTP request, including the first (SDK retryOptions). */
  httpAttempts: number;
  /** Seconds before the first HTTP retry (SDK retryOptions.initialDelay). */
  httpInitialDelaySeconds: number;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** How many times an unusable answer is asked again (total asks = 1 + this). */
  malformedRetries: number;
}

export const DEFAULT_CONNECTION: Omit<GeminiConnection, 'apiKey'> = {
  httpAttempts: 4,
  httpInitialDelaySeconds: 2,
  timeoutMs: 120_000,
  malformedRetries: 2,
};

/** What is kept of an answer: the exact text (replayed byte for byte) and its provenance. */
export interface GeminiAnswer {
  text: string;
  finishReason: string;
  modelVersion?: string;
  responseId?: string;
  usage?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
}

/** An answer arrived but cannot be used; carries the reason for the error message. */
export class MalformedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAnswerError';
  }
}

/** Gemini could not deliver a usable catalog after all retries (exit code 3: a network/service error). */
export class EnrichmentError extends Error {
  readonly exitCode = 3;
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'EnrichmentError';
  }
}

/** The exact parameters passed to `models.generateContent` (also stored in the cache). */
export function generateContentParams(call: GeminiCall): GenerateContentParameters {
  return {
    model: call.model,
    contents: call.prompt,
    config: {
      systemInstruction: call.systemInstruction,
      responseMimeType: 'application/json',
      responseSchema: call.responseSchema,
      temperature: 0,
      seed: call.seed,
      candidateCount: 1,
      maxOutputTokens: call.maxOutputTokens,
      thinkingConfig: { thinkingBudget: 0 },
    },
  };
}

export async function createClient(connection: GeminiConnection): Promise<GoogleGenAI> {
  const { GoogleGenAI } = await sdk();
  return new GoogleGenAI({
    apiKey: connection.apiKey,
    // Explicit, so that GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
    vertexai: false,
    httpOptions: {
      ...(connection.baseUrl ? { baseUrl: connection.baseUrl } : {}),
      timeout: connection.timeoutMs,
      retryOptions: {
        attempts: connection.httpAttempts,
        initialDelay: connection.httpInitialDelaySeconds,
        maxDelay: 60,
        httpStatusCodes: [408, 429, 500, 502, 503, 504],
      },
    },
  });
}

/**
 * Asks until `parse` accepts an answer. `parse` throws `MalformedAnswerError` (or any error) for
 * an unusable text; its result is returned with the answer it came from.
 */
export async function askGemini<T>(
  call: GeminiCall,
  connection: GeminiConnection,
  parse: (text: string) => T,
): Promise<{ answer: GeminiAnswer; value: T; params: GenerateContentParameters }> {
  const client = await createClient(connection);
  const problems: string[] = [];
  let maxOutputTokens = call.maxOutputTokens;
  for (let attempt = 0; attempt <= connection.malformedRetries; attempt++) {
    const params = generateContentParams({ ...call, maxOutputTokens });
    const answer = await send(client, params, call.model);
    try {
      if (answer.finishReason !== 'STOP') {
        // A cut-off answer is asked again with more room; a blocked one is asked again as is.
        if (answer.finishReason === 'MAX_TOKENS') maxOutputTokens *= 2;
        throw new MalformedAnswerError(`finishReason ${answer.finishReason}${answer.finishReason === 'MAX_TOKENS' ? ` at maxOutputTokens ${params.config?.maxOutputTokens}` : ''}`);
      }
      return { answer, value: parse(answer.text), params };
    } catch (error) {
      problems.push(`ask ${attempt + 1}: ${(error as Error).message}`);
    }
  }
  throw new EnrichmentError(
    `Gemini (${call.model}) returned no usable catalog after ${connection.malformedRetries + 1} asks (${problems.join('; ')})`,
    'nothing was landed; retry later, or run with --enrich none to use the built-in vocabulary',
  );
}

async function send(client: GoogleGenAI, params: GenerateContentParameters, model: string): Promise<GeminiAnswer> {
  let response;
  try {
    response = await client.models.generateContent(params);
  } catch (error) {
    throw toClearError(error, model, (await sdk()).ApiError);
  }
  const candidate = response.candidates?.[0];
  const blocked = response.promptFeedback?.blockReason;
  return {
    text: response.text ?? '',
    finishReason: candidate ? (candidate.finishReason ?? 'FINISH_REASON_UNSPECIFIED') : blocked ? `PROMPT_BLOCKED (${blocked})` : 'NO_CANDIDATE',
    ...(response.modelVersion ? { modelVersion: response.modelVersion } : {}),
    ...(response.responseId ? { responseId: response.responseId } : {}),
    ...(response.usageMetadata
      ? {
          usage: {
            promptTokenCount: response.usageMetadata.promptTokenCount,
            candidatesTokenCount: response.usageMetadata.candidatesTokenCount,
            totalTokenCount: response.usageMetadata.totalTokenCount,
          },
        }
      : {}),
  };
}

/** Credentials problems are bad input (exit 2); everything else is a service error (exit 3). */
function toClearError(error: unknown, model: string, ApiError: typeof import('@google/genai').ApiError): Error {
  if (error instanceof ApiError) {
    const detail = apiErrorMessage(error.message);
    if (error.status === 401 || error.status === 403 || (error.status === 400 && /api key/i.test(detail))) {
      return new InputError(`GEMINI_API_KEY was rejected by Gemini (HTTP ${error.status}: ${detail})`, 'check the key at https://aistudio.google.com/apikey, or run with --enrich none');
    }
    if (error.status === 404) {
      return new InputError(`Gemini model "${model}" was not found (HTTP 404: ${detail})`, 'set --gemini-model or GEMINI_MODEL to a model your key can use, e.g. gemini-2.5-flash');
    }
    return new EnrichmentError(`Gemini request failed after retries: HTTP ${error.status}: ${detail}`, 'nothing was landed; retry later, or run with --enrich none');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new EnrichmentError(`Gemini request failed: ${message}`, 'nothing was landed; check the network, or run with --enrich none');
}

/** The SDK puts the raw JSON error body in the message; keep Google's human sentence. */
function apiErrorMessage(raw: string): string {
  const start = raw.indexOf('{');
  if (start >= 0) {
    try {
      const body = JSON.parse(raw.slice(start)) as { error?: { message?: string; status?: string } };
      if (body.error?.message) return body.error.status ? `${body.error.status}: ${body.error.message}` : body.error.message;
    } catch {
      // not JSON: fall through to the raw text
    }
  }
  return raw.split('\n')[0] ?? raw;
}
