import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the Gemini API's `models.generateContent` endpoint, for tests: it
 * records every request (method, path, headers, parsed body) and answers from a script of
 * replies, falling back to a default responder. Shapes follow what @google/genai 2.x sends and
 * reads (see reference/bq_gemini_offline.md, section 4).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: GenerateContentBody;
}

export interface GenerateContentBody {
  contents: Array<{ role?: string; parts: Array<{ text?: string }> }>;
  systemInstruction?: { parts: Array<{ text?: string }> };
  generationConfig?: {
    temperature?: number;
    seed?: number;
    candidateCount?: number;
    maxOutputTokens?: number;
    responseMimeType?: string;
    responseSchema?: Record<string, unknown>;
    thinkingConfig?: { thinkingBudget?: number };
  };
}

export type Reply =
  | { kind: 'http-error'; status: number; message?: string }
  | { kind: 'text'; text: string; finishReason?: string }
  | { kind: 'raw'; status: number; body: string };

export type Responder = (request: RecordedRequest) => Reply;

export interface FakeGemini {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replies used in order before the default responder takes over. */
  script: Reply[];
  close(): Promise<void>;
}

export async function startFakeGemini(defaultResponder: Responder): Promise<FakeGemini> {
  const requests: RecordedRequest[] = [];
  const script: Reply[] = [];
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: (text ? JSON.parse(text) : {}) as GenerateContentBody,
    };
    requests.push(request);
    const reply = script.length > 0 ? script.shift()! : defaultResponder(request);
    send(res, reply, request);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, reply: Reply, request: RecordedRequest): void {
  if (reply.kind === 'raw') {
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    return;
  }
  if (reply.kind === 'http-error') {
    const status = reply.status === 429 ? 'RESOURCE_EXHAUSTED' : reply.status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT';
    res
      .writeHead(reply.status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: reply.status, message: reply.message ?? 'The model is overloaded. Please try again later.', status } }));
    return;
  }
  const model = /models\/([^:]+):/.exec(request.path)?.[1] ?? 'unknown';
  const body = {
    candidates: [{ content: { parts: [{ text: reply.text }], role: 'model' }, finishReason: reply.finishReason ?? 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: Math.ceil(reply.text.length / 4), totalTokenCount: 100 + Math.ceil(reply.text.length / 4) },
    modelVersion: model,
    responseId: `loopback-${request.body.generationConfig?.seed ?? 0}`,
  };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
