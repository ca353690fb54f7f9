import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { protoSpans } from './otlp-protobuf.js';

export interface OtlpRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface OtlpReceiver extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: OtlpRequest[];
  close(): Promise<void>;
}

/** A loopback OTLP/HTTP receiver: keeps every POST and answers 200 `{}`. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, requests, close, [Symbol.asyncDispose]: close };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  service?: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value?: OtlpValue;
}
interface OtlpJsonBody {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

/**
 * The spans of OTLP trace export bodies (attribute values unwrapped), OTLP/JSON
 * (`application/json`) and OTLP/protobuf (`application/x-protobuf`) alike; other bodies are an error.
 */
export function otlpSpans(requests: readonly OtlpRequest[]): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const request of requests) {
    const type = String(request.headers['content-type']);
    if (type.startsWith('application/x-protobuf')) {
      spans.push(...protoSpans(request.body));
      continue;
    }
    if (!type.startsWith('application/json'))
      throw new Error(`OTLP receiver: unexpected content-type ${type}`);
    const body = JSON.parse(request.body.toString('utf8')) as OtlpJsonBody;
    for (const resource of body.resourceSpans ?? []) {
      const service = attributesOf(resource.resource?.attributes)['service.name'] as string | undefined;
      for (const scope of resource.scopeSpans ?? [])
        for (const span of scope.spans ?? [])
          spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            attributes: attributesOf(span.attributes),
            service,
          });
    }
  }
  return spans;
}

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const int = value?.intValue === undefined ? undefined : Number(value.intValue);
    out[key] = value?.stringValue ?? int ?? value?.boolValue ?? value?.doubleValue;
  }
  return out;
}
