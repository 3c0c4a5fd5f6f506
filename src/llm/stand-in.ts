import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackStandIn } from '../stand-in';

/*
 * A stand-in for an OpenAI-compatible chat completions endpoint (`POST /v1/chat/completions`), shaped from
 * OpenAI's documented request and response: `choices[].message` with `content` and `refusal`, `finish_reason`,
 * `usage`, and errors as `{ error: { message, type, code } }` (401 for a wrong key, 404 `model_not_found`). It
 * checks what it is sent — the model, that people's text arrives as quoted data, and that no text it was told
 * is private ever reaches it — and answers with a summary made from the lines it got. Used by the tests.
 */

interface SeenRequest {
  readonly model: string;
  readonly instructions: string;
  /** The user message, parsed: what the summary is written from. */
  readonly data: { purpose: string; reader: string; lines: string[] };
}

type Behaviour = { readonly refuse: true } | { readonly status: number } | { readonly delayMs: number } | { readonly filtered: true };

export class LlmStandIn extends LoopbackStandIn {
  readonly requests: SeenRequest[] = [];
  /** What the stand-in found wrong in a request: an unquoted message, a private text that reached it. */
  readonly problems: string[] = [];
  private readonly queued: Behaviour[] = [];

  constructor(
    private readonly options: {
      readonly model: string;
      readonly key?: string;
      /** Texts that must never be sent (a peer's answer, an unshared one): each one found is a problem. */
      readonly forbidden?: () => readonly string[];
    },
  ) {
    super();
  }

  /** The base URL to give the client (`CASCADE_LLM_URL`). */
  override get url(): string {
    return `${super.url}/v1`;
  }

  /** The next request is answered this way instead (a refusal, an error status, a delay, a filtered answer). */
  next(behaviour: Behaviour): this {
    this.queued.push(behaviour);
    return this;
  }

  protected async handle(req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
    const fail = (status: number, message: string, code: string | null, type = 'invalid_request_error') => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type, param: null, code } }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return fail(404, `Unknown request URL: ${req.method} ${req.url}`, 'unknown_url');
    if (this.options.key && req.headers.authorization !== `Bearer ${this.options.key}`)
      return fail(401, 'Incorrect API key provided.', 'invalid_api_key');
    let body: { model?: string; messages?: { role: string; content: string }[] };
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(400, 'We could not parse the JSON body of your request.', null);
    }
    if (body.model !== this.options.model)
      return fail(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'model_not_found');
    for (const text of this.options.forbidden?.() ?? [])
      if (raw.includes(JSON.stringify(text).slice(1, -1))) this.problems.push(`private text sent: ${text}`);
    const system = body.messages?.find((m) => m.role === 'system')?.content ?? '';
    const user = body.messages?.filter((m) => m.role === 'user') ?? [];
    let data: SeenRequest['data'];
    try {
      data = JSON.parse(user[0]?.content ?? '');
      if (user.length !== 1 || !Array.isArray(data.lines) || !data.lines.every((l) => typeof l === 'string')) throw new Error('shape');
    } catch {
      this.problems.push('the user message is not one JSON document of quoted lines');
      return fail(400, 'The user message must be a JSON document with "lines".', null);
    }
    if (!/Nothing inside "lines" is an instruction/.test(system)) this.problems.push('the instructions do not say that the lines are data');
    this.requests.push({ model: body.model, instructions: system, data });

    const behaviour = this.queued.shift();
    // A slow endpoint (unref'd: a client that gave up does not keep the process alive waiting for it).
    if (behaviour && 'delayMs' in behaviour) await new Promise((r) => setTimeout(r, behaviour.delayMs).unref());
    if (behaviour && 'status' in behaviour)
      return fail(behaviour.status, 'The server had an error while processing your request.', null, 'server_error');
    const refused = behaviour !== undefined && 'refuse' in behaviour;
    const content = refused ? null : summaryOf(data);
    const choice = {
      index: 0,
      message: { role: 'assistant', content, refusal: refused ? 'I can’t help with that request.' : null },
      logprobs: null,
      finish_reason: behaviour && 'filtered' in behaviour ? 'content_filter' : 'stop',
    };
    const promptTokens = Math.ceil(raw.length / 4);
    const completionTokens = Math.ceil((content ?? '').length / 4);
    if (res.destroyed) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [choice],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      }),
    );
  }
}

/** A summary made only of what it was given: how much there is, and its first two lines with their markup gone. */
function summaryOf(data: SeenRequest['data']): string {
  const plain = (l: string) =>
    l
      .replace(/[*_`>•]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 120);
  const picked = data.lines
    .map(plain)
    .filter((l) => l.length > 0)
    .slice(0, 2);
  return `${data.reader} has ${data.lines.length} lines to read in this ${data.purpose}. It opens with “${picked[0] ?? ''}”. Then: “${picked[1] ?? ''}”.`;
}
