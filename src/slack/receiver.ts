import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPReceiver, type HTTPReceiverOptions } from '@slack/bolt';
import type { Log } from '../log';

/** Bolt's own limit for a request body. */
const BODY_LIMIT = 4 * 1024 * 1024;
/** Slack's rule: a request stamped more than five minutes away from now, either way, is refused. */
const MAX_SKEW_SECONDS = 5 * 60;

type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

/**
 * What Bolt's receiver does not check before it reads a request: a timestamp from the future (Bolt refuses
 * only old ones), and a body that is not an object (Bolt reads `body.ssl_check` of a signed JSON `null` and
 * the process dies). Pure, so each case is tested without a server.
 */
export function checkRequest(raw: string, contentType: string | undefined, timestampHeader: string | undefined, nowMs: number): Verdict {
  const form = (contentType ?? '').startsWith('application/x-www-form-urlencoded');
  if (form && parseQuery(raw).ssl_check === '1') return { ok: true };
  const stamp = Number(timestampHeader);
  if (timestampHeader !== undefined && Number.isFinite(stamp) && stamp - Math.floor(nowMs / 1000) > MAX_SKEW_SECONDS) {
    return { ok: false, status: 401, reason: 'timestamp more than five minutes in the future' };
  }
  let body: unknown;
  try {
    if (form) {
      const query = parseQuery(raw);
      body = typeof query.payload === 'string' ? JSON.parse(query.payload) : query;
    } else {
      body = JSON.parse(raw);
    }
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON or a form' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, status: 400, reason: 'payload is not an object' };
  return { ok: true };
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        req.destroy();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Bolt's code for a request no route of its own or ours matched. */
const UNHANDLED_PATH = 'slack_bolt_http_receiver_deferred_request_error';

function refuse(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}

/**
 * Bolt's HTTP receiver behind a guard: every POST is read once and checked (see `checkRequest`) before Bolt
 * sees it, and any error while receiving a request is logged and answered, never left to end the process.
 */
export function guardedReceiver(options: HTTPReceiverOptions, log: Log): HTTPReceiver {
  const receiver = new HTTPReceiver(options);
  const inner: RequestListener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    void (async () => {
      try {
        if (req.method === 'POST') {
          const body = await readBody(req);
          if (body === null) return refuse(res, 413);
          const header = req.headers['x-slack-request-timestamp'];
          const verdict = checkRequest(
            body.toString('utf8'),
            req.headers['content-type'],
            Array.isArray(header) ? header[0] : header,
            Date.now(),
          );
          if (!verdict.ok) {
            log.warn({ path: req.url, status: verdict.status, reason: verdict.reason }, 'request refused before Bolt');
            return refuse(res, verdict.status);
          }
          // Bolt reads an already buffered body from `rawBody` instead of the consumed stream.
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        }
        inner(req, res);
      } catch (err) {
        // A path Cascade does not serve (a browser's /favicon.ico, a scanner): Bolt defers it by throwing.
        if ((err as { code?: string }).code === UNHANDLED_PATH) {
          log.debug({ method: req.method, path: req.url }, 'no such path');
          return refuse(res, 404);
        }
        log.error({ err, path: req.url }, 'error while receiving a request');
        refuse(res, 500);
      }
    })();
  };
  return receiver;
}
