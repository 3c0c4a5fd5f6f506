import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { blockActions, eventBody, interactionBody, signedHeaders, slashCommandBody, viewSubmission } from './requests';
import { BLOCK_KIT, blockProblems, viewProblems } from './rules';
import { Surfaces } from './surfaces';
import { OAuthDesk } from './oauth';
import { MINUTE_MS } from '../../time/durations';

/** One Web API call (or response_url post) as the stand-in received it. */
export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, any>;
  readonly token: string | undefined;
  readonly at: number;
  /** Answered 429 by a rate ceiling (`rateCeiling`): Slack did not take it. */
  rateLimited?: boolean;
}

type Behaviour =
  | { readonly error: string }
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: 500 }
  | { readonly delayMs: number }
  | { readonly reply: (args: Record<string, any>) => Record<string, unknown> };

export interface StandInUser {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly tz?: string;
  readonly deleted?: boolean;
  readonly isBot?: boolean;
  readonly statusText?: string;
  readonly statusEmoji?: string;
}

/** A channel the stand-in knows: public ones may be joined; a private one only by an invitation. */
export interface StandInChannel {
  readonly id: string;
  readonly name?: string;
  readonly private?: boolean;
  readonly archived?: boolean;
  /** Cascade is a member (joined, or invited to a private channel). */
  member?: boolean;
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata', 'files'];

/**
 * Slack's Web API on loopback, for the tests, the bench and the sandbox. Cascade reaches it through
 * SLACK_API_URL; it records every call and answers with Slack's shapes, and keeps Slack's rules, not only
 * its shapes: Block Kit limits (`invalid_blocks` for a message, `invalid_arguments` for a view), channel
 * membership (`not_in_channel` for an upload where Cascade is not a member, `channel_not_found` for a private
 * channel it was not invited to, `is_archived`), and, when asked, a per-workspace rate ceiling with
 * Retry-After. A test can still make any call fail, answer 429 or 500, or wait.
 */
export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  /** Every Web API call received, also when calls are not kept. */
  callCount = 0;
  readonly teamId: string;
  private readonly users = new Map<string, StandInUser>();
  private readonly once = new Map<string, { behaviour: Behaviour; where: (args: Record<string, any>) => boolean }[]>();
  private readonly always = new Map<string, Behaviour>();
  private server: Server | undefined;
  /** The bytes of each file uploaded through the external upload flow, by file id. */
  readonly uploads = new Map<string, Buffer>();
  private nextTs = 1_700_000_000;
  private nextView = 1;
  private readonly channels = new Map<string, StandInChannel>();
  private readonly ceilings = new Map<string, { perMinute: number; now: () => number; sent: number[] }>();
  /** What each person sees: conversations, App Home, modals, ephemeral replies, files. */
  readonly surfaces: Surfaces;
  /** Installs by OAuth: the authorisation page, oauth.v2.access, auth.test per token, apps.uninstall. */
  readonly oauth: OAuthDesk;
  private readonly clock: (() => number) | undefined;
  private target: { url: string; secret: string } | undefined;
  private nextId = 1;
  url = '';

  private readonly keep: boolean;
  /** Whether every call is kept in `calls` (tests read them; a long-running sandbox needs only the surfaces). */
  private readonly keepCalls: boolean;
  private readonly anyUser: boolean;

  /**
   * `clock` stamps messages with another time than the machine's (the sandbox's simulated one). For a bench,
   * `keep: false` records nothing (memory stays flat over thousands of calls) and `anyUser` answers
   * users.info for any id, with an empty status.
   */
  constructor(options: { teamId?: string; clock?: () => number; keep?: boolean; keepCalls?: boolean; anyUser?: boolean } = {}) {
    this.teamId = options.teamId ?? 'T0CASCADE';
    this.clock = options.clock;
    this.keep = options.keep ?? true;
    this.keepCalls = options.keepCalls ?? this.keep;
    this.anyUser = options.anyUser ?? false;
    this.surfaces = new Surfaces(options.clock ?? Date.now);
    this.oauth = new OAuthDesk();
  }

  async start(): Promise<this> {
    // A fault of the stand-in itself answers 500 (as Slack's own would) rather than leave the caller waiting.
    this.server = createServer(
      (req, res) =>
        void this.handle(req, res).catch(() => {
          if (!res.headersSent) send(res, 500, { ok: false, error: 'internal_error' });
          else res.end();
        }),
    );
    // Never close an idle keep-alive socket under a client about to reuse it (that race shows up as
    // "fetch failed" on a busy machine); stop() closes every connection anyway.
    this.server.keepAliveTimeout = 10 * MINUTE_MS;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  addUser(...users: StandInUser[]): this {
    for (const u of users) this.users.set(u.id, u);
    return this;
  }

  /** A channel with its kind; channels never added are public, and Cascade is not in them until it joins. */
  addChannel(...channels: StandInChannel[]): this {
    for (const c of channels) this.channels.set(c.id, { ...c });
    return this;
  }

  /** Whether Cascade is a member of the channel now (joined, or invited). */
  isMember(channelId: string): boolean {
    return this.channels.get(channelId)?.member === true;
  }

  /**
   * Slack's per-workspace ceiling for one method: beyond `perMinute` calls in any minute, a 429 with
   * Retry-After (the seconds until the oldest call leaves the window). `now` may be a simulated clock.
   */
  rateCeiling(method: string, perMinute: number | undefined, now: () => number = Date.now): this {
    if (perMinute === undefined) this.ceilings.delete(method);
    else this.ceilings.set(method, { perMinute, now, sent: [] });
    return this;
  }

  /** The next call of `method` (that `where` accepts) behaves so; queued behaviours are used in order. */
  onNext(method: string, behaviour: Behaviour, where: (args: Record<string, any>) => boolean = () => true): this {
    this.once.set(method, [...(this.once.get(method) ?? []), { behaviour, where }]);
    return this;
  }

  /** Every call of `method` behaves so, until cleared. */
  onEvery(method: string, behaviour: Behaviour | undefined): this {
    if (behaviour) this.always.set(method, behaviour);
    else this.always.delete(method);
    return this;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.once.clear();
    this.always.clear();
  }

  /** Waits until `count` calls of `method` matching `where` have arrived. */
  async waitFor(
    method: string,
    options: { count?: number; timeoutMs?: number; where?: (c: RecordedCall) => boolean } = {},
  ): Promise<RecordedCall[]> {
    const { count = 1, timeoutMs = 5000, where = () => true } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.callsTo(method).filter(where);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        const seen = this.calls.map((c) => c.method).join(', ') || 'nothing';
        throw new Error(`Timed out waiting for ${count} × ${method} (got ${found.length}); calls so far: ${seen}`);
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** Where the stand-in sends what people do, signed with `secret` as Slack signs its requests. */
  connect(url: string, secret: string): this {
    this.target = { url, secret };
    return this;
  }

  /** A fresh signing secret for one run. */
  static secret(): string {
    return randomBytes(16).toString('hex');
  }

  private async deliver(body: string, contentType: string): Promise<Response> {
    if (!this.target) throw new Error('the stand-in is not connected to Cascade');
    return fetch(this.target.url, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signedHeaders(this.target.secret, body) },
      body,
    });
  }

  private handles(userId: string, channel: string): { trigger: string; response: string } {
    const n = this.nextId++;
    const trigger = `${n}.${Date.now()}.sandbox`;
    const response = `r${n}`;
    this.surfaces.triggers.set(trigger, { userId, channel });
    this.surfaces.responses.set(response, { userId, channel });
    return { trigger, response };
  }

  /** `/cascade <text>` typed by a person, as Slack sends a slash command (with a response_url). */
  async command(userId: string, text: string, channel = `D${userId}`): Promise<number> {
    const { trigger, response } = this.handles(userId, channel);
    const body = slashCommandBody({
      teamId: this.teamId,
      userId,
      text,
      channel,
      responseUrl: this.responseUrl(response),
      triggerId: trigger,
    });
    const res = await this.deliver(body, 'application/x-www-form-urlencoded');
    this.commandAnswered(response, await res.text());
    await this.settle();
    return res.status;
  }

  /**
   * What an app answered a slash command with in the HTTP response itself (its acknowledgement): Slack shows a
   * body with text or blocks to the person as an ephemeral message, as if posted to the response_url. Recorded
   * as a `response_url` call with `inAck: true`.
   */
  commandAnswered(responseId: string, body: string): void {
    if (!body.trim()) return;
    let args: Record<string, any>;
    try {
      args = JSON.parse(body) as Record<string, any>;
    } catch {
      args = { text: body };
    }
    if (!args.text && !args.blocks) return;
    // Slack shows nothing of an answer whose blocks break its rules (the person sees an error instead).
    const problems = blockProblems(args.blocks, BLOCK_KIT.blocksPerMessage);
    this.record({
      method: 'response_url',
      args: { ...args, id: responseId, inAck: true, ...(problems.length ? { refused: problems } : {}) },
      token: undefined,
      at: Date.now(),
    });
    if (!problems.length) this.surfaces.recordResponse(responseId, args);
  }

  /** A press on a button, a pick in a select or a date, in a message (channel and ts) or in a view. */
  async action(
    userId: string,
    action: { actionId: string; blockId?: string; type?: string; value?: string; selectedOption?: string; selectedDate?: string },
    where: { channel?: string; messageTs?: string; viewId?: string },
  ): Promise<number> {
    const channel = where.channel ?? `D${userId}`;
    const { trigger, response } = this.handles(userId, channel);
    const type =
      action.type ?? (action.selectedDate !== undefined ? 'datepicker' : action.selectedOption !== undefined ? 'static_select' : 'button');
    const element: Record<string, unknown> = {
      type,
      action_id: action.actionId,
      block_id: action.blockId ?? '',
      action_ts: String(Date.now() / 1000),
    };
    if (action.value !== undefined) element.value = action.value;
    if (action.selectedOption !== undefined)
      element.selected_option = { value: action.selectedOption, text: { type: 'plain_text', text: action.selectedOption } };
    if (action.selectedDate !== undefined) element.selected_date = action.selectedDate;
    const modal = where.viewId ? this.surfaces.modals.get(userId)?.find((m) => m.id === where.viewId) : undefined;
    const payload = blockActions({
      teamId: this.teamId,
      userId,
      triggerId: trigger,
      action: element,
      ...(modal
        ? { view: { id: modal.id, view: modal.view } }
        : { message: { channel, ts: where.messageTs ?? '', responseUrl: this.responseUrl(response) } }),
    });
    const res = await this.deliver(interactionBody(payload), 'application/x-www-form-urlencoded');
    await this.settle();
    return res.status;
  }

  /**
   * Submits a person's open modal with its inputs' values (block id → action id → value, as Slack sends
   * them). Cascade's answer decides what happens, as in Slack: inline errors, an updated view, or closed.
   */
  async submit(userId: string, viewId: string, values: Record<string, Record<string, unknown>>): Promise<Record<string, any>> {
    const stack = this.surfaces.modals.get(userId) ?? [];
    const modal = stack.find((m) => m.id === viewId);
    if (!modal) throw new Error(`no open modal ${viewId} for ${userId}`);
    const { trigger } = this.handles(userId, `D${userId}`);
    const payload = viewSubmission({
      teamId: this.teamId,
      userId,
      triggerId: trigger,
      view: { ...modal.view, id: modal.id, hash: modal.hash },
      values,
    });
    const res = await this.deliver(interactionBody(payload), 'application/x-www-form-urlencoded');
    const text = await res.text();
    const answer = text ? (JSON.parse(text) as Record<string, any>) : {};
    if (answer.response_action === 'errors') {
      modal.errors = answer.errors ?? {};
    } else if (answer.response_action === 'update' && answer.view) {
      modal.view = { ...answer.view, id: modal.id };
      modal.hash = `${Date.now()}.${this.nextView++}`;
      delete modal.errors;
    } else if (answer.response_action === 'push' && answer.view) {
      stack.push({ id: `V${String(this.nextView++).padStart(8, '0')}`, view: answer.view, hash: `${Date.now()}.${this.nextView++}` });
    } else {
      this.surfaces.modals.set(userId, answer.response_action === 'clear' ? [] : stack.filter((m) => m !== modal));
    }
    await this.settle();
    return answer;
  }

  /** The person closes their top modal (Cancel), without submitting. */
  closeModal(userId: string): void {
    const stack = this.surfaces.modals.get(userId) ?? [];
    stack.pop();
  }

  /** The person opens the App Home tab. */
  async homeOpened(userId: string): Promise<number> {
    const body = eventBody({
      teamId: this.teamId,
      event: { type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home', event_ts: String(Date.now() / 1000) },
    });
    const res = await this.deliver(body, 'application/json');
    await this.settle();
    return res.status;
  }

  /** Waits until Cascade has stopped calling (no call for a moment), at most `maxMs`. */
  async settle(quietMs = 150, maxMs = 5000): Promise<void> {
    const deadline = Date.now() + maxMs;
    let seen = this.callCount;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      if (this.callCount !== seen) {
        seen = this.callCount;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
    }
  }

  /** The users the stand-in knows, as Slack describes them. */
  listUsers(): StandInUser[] {
    return [...this.users.values()];
  }

  /** The channels the stand-in knows. */
  listChannels(): StandInChannel[] {
    return [...this.channels.values()];
  }

  private record(call: RecordedCall): void {
    this.callCount += 1;
    if (this.keepCalls) this.calls.push(call);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize') {
      const page = this.oauth.authorize(url.searchParams);
      this.record({ method: 'oauth.v2.authorize', args: Object.fromEntries(url.searchParams), token: undefined, at: Date.now() });
      res.writeHead(page.status, page.location ? { location: page.location } : { 'content-type': 'text/plain' });
      res.end(page.body ?? '');
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      const id = url.pathname.slice('/upload/'.length);
      this.uploads.set(id, bytes);
      this.surfaces.files.set(id, { title: id, bytes: filePart(bytes) });
      this.record({ method: 'upload', args: { id, bytes: bytes.length }, token: undefined, at: Date.now() });
      const queued = this.once.get('upload') ?? [];
      const failing = queued.length > 0 ? queued.shift()!.behaviour : this.always.get('upload');
      if (failing && 'status' in failing) return send(res, failing.status, { ok: false });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK - 200');
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      const args = raw ? JSON.parse(raw) : {};
      const id = url.pathname.slice('/response/'.length);
      this.record({ method: 'response_url', args: { ...args, id }, token: undefined, at: Date.now() });
      const problems = blockProblems(args.blocks, BLOCK_KIT.blocksPerMessage);
      if (problems.length) return send(res, 200, { ok: false, error: 'invalid_blocks', errors: problems });
      this.surfaces.recordResponse(id, args);
      return send(res, 200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type'] ?? '');
    // Posting to a user ID lands in the app's DM with that person: Slack answers, and the fake records,
    // the DM channel (`D` + the user ID here), with the user ID kept as `to_user`.
    if (method === 'chat.postMessage' && /^[UW][A-Z0-9]+$/.test(String(args.channel))) {
      args.to_user = args.channel;
      args.channel = `D${args.channel}`;
    }
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (args.token as string | undefined);
    const call: RecordedCall = { method, args, token, at: Date.now() };
    this.record(call);

    const queued = this.once.get(method) ?? [];
    const index = queued.findIndex((q) => q.where(args));
    const behaviour = index >= 0 ? queued.splice(index, 1)[0]!.behaviour : this.always.get(method);
    if (behaviour) {
      if ('delayMs' in behaviour) await new Promise((r) => setTimeout(r, behaviour.delayMs).unref());
      else if ('error' in behaviour) return send(res, 200, { ok: false, error: behaviour.error });
      else if ('status' in behaviour && behaviour.status === 429) {
        res.setHeader('Retry-After', String(behaviour.retryAfter));
        return send(res, 429, { ok: false, error: 'ratelimited' });
      } else if ('status' in behaviour) return send(res, 500, { ok: false, error: 'internal_error' });
      else if ('reply' in behaviour) return send(res, 200, behaviour.reply(args));
    }
    const ceiling = this.ceilings.get(method);
    if (ceiling) {
      const at = ceiling.now();
      while (ceiling.sent.length && ceiling.sent[0]! <= at - MINUTE_MS) ceiling.sent.shift();
      if (ceiling.sent.length >= ceiling.perMinute) {
        call.rateLimited = true;
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil((ceiling.sent[0]! + MINUTE_MS - at) / 1000))));
        return send(res, 429, { ok: false, error: 'ratelimited' });
      }
      ceiling.sent.push(at);
    }
    if (this.oauth.handles(method)) return send(res, 200, this.oauth.answer(method, args));
    const refused = this.oauth.refusal(token) ?? this.refusal(method, args);
    if (refused) return send(res, 200, refused);
    const answer = (method === 'auth.test' ? this.oauth.authTest(token) : undefined) ?? this.answer(method, args);
    if (answer.ok && this.keep) this.surfaces.record(method, args, answer);
    send(res, 200, answer);
  }

  /** What Slack refuses whatever the test says: broken Block Kit, and channels Cascade may not use. */
  private refusal(method: string, args: Record<string, any>): Record<string, unknown> | null {
    if (method === 'chat.postMessage' || method === 'chat.update' || method === 'chat.postEphemeral') {
      const problems = blockProblems(args.blocks, BLOCK_KIT.blocksPerMessage);
      if (problems.length) return { ok: false, error: 'invalid_blocks', errors: problems };
    }
    if (method === 'views.open' || method === 'views.update' || method === 'views.push' || method === 'views.publish') {
      const problems = viewProblems(args.view);
      if (problems.length)
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
    }
    const channel = this.channels.get(String(args.channel ?? args.channel_id ?? ''));
    if (method === 'conversations.join') {
      if (!channel) {
        this.channels.set(String(args.channel), { id: String(args.channel), member: true });
        return null;
      }
      if (channel.archived) return { ok: false, error: 'is_archived' };
      if (channel.private) return { ok: false, error: channel.member ? 'method_not_supported_for_channel_type' : 'channel_not_found' };
      channel.member = true;
      return null;
    }
    if (method === 'chat.postMessage' || method === 'chat.update') {
      if (channel?.private && !channel.member) return { ok: false, error: 'channel_not_found' };
      if (channel?.archived) return { ok: false, error: 'is_archived' };
    }
    if (method === 'files.completeUploadExternal' && args.channel_id && !/^D/.test(String(args.channel_id))) {
      if (channel?.private && !channel.member) return { ok: false, error: 'channel_not_found' };
      if (!channel?.member) return { ok: false, error: 'not_in_channel' };
    }
    return null;
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://cascade-test.slack.com/',
          team: 'Cascade Test',
          team_id: this.teamId,
          user: 'cascade',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'users.info': {
        const user = this.users.get(String(args.user)) ?? (this.anyUser ? { id: String(args.user), name: String(args.user) } : undefined);
        return user ? { ok: true, user: this.slackUser(user) } : { ok: false, error: 'user_not_found' };
      }
      case 'users.list': {
        // Cursor paging as Slack does it: an opaque cursor, and an empty next_cursor after the last page.
        const all = [...this.users.values()];
        const from = args.cursor
          ? Number(
              Buffer.from(String(args.cursor), 'base64')
                .toString('utf8')
                .replace(/^users:/, ''),
            )
          : 0;
        if (!Number.isInteger(from) || from < 0) return { ok: false, error: 'invalid_cursor' };
        const limit = args.limit ? Math.min(Number(args.limit), 1000) : all.length;
        const page = all.slice(from, from + limit);
        const next = from + limit < all.length ? Buffer.from(`users:${from + limit}`).toString('base64') : '';
        return { ok: true, members: page.map((u) => this.slackUser(u)), response_metadata: { next_cursor: next } };
      }
      case 'users.lookupByEmail': {
        const email = String(args.email).toLowerCase();
        const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
        return user ? { ok: true, user: this.slackUser(user) } : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users).split(',')[0]}` } };
      case 'chat.postMessage': {
        const ts = this.clock
          ? `${Math.floor(this.clock() / 1000)}.${String(this.nextTs++ % 1_000_000).padStart(6, '0')}`
          : `${this.nextTs++}.000100`;
        return { ok: true, channel: args.channel, ts, message: { text: args.text, ts } };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${String(this.nextView++).padStart(8, '0')}`;
        return { ok: true, file_id: id, upload_url: `${this.url}/upload/${id}` };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (args.files ?? []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title })) };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'views.open':
      case 'views.update':
      case 'views.publish':
      case 'views.push': {
        const id = args.view_id ?? `V${String(this.nextView++).padStart(8, '0')}`;
        return { ok: true, view: { ...(args.view ?? {}), id, hash: `${Date.now()}.${this.nextView++}` } };
      }
      default:
        return { ok: true };
    }
  }

  private slackUser(u: StandInUser) {
    return {
      id: u.id,
      team_id: this.teamId,
      name: u.name.toLowerCase().replace(/\s+/g, '.'),
      real_name: u.name,
      deleted: u.deleted ?? false,
      is_bot: u.isBot ?? false,
      tz: u.tz ?? 'America/New_York',
      tz_offset: 0,
      profile: {
        real_name: u.name,
        display_name: u.name.split(' ')[0],
        email: u.email,
        status_text: u.statusText ?? '',
        status_emoji: u.statusEmoji ?? '',
      },
    };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw);
  const args: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const field of JSON_FIELDS) {
    if (typeof args[field] === 'string') {
      try {
        args[field] = JSON.parse(args[field]);
      } catch {
        // left as sent
      }
    }
  }
  return args;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The bytes of the first part of a multipart upload (what the external upload flow sends), or the body itself. */
function filePart(body: Buffer): Buffer {
  const text = body.toString('latin1');
  if (!text.startsWith('--')) return body;
  const boundary = text.slice(0, text.indexOf('\r\n'));
  const start = text.indexOf('\r\n\r\n') + 4;
  const end = text.indexOf(`\r\n${boundary}`, start);
  return body.subarray(start, end > start ? end : body.length);
}
