import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { SlackStandIn } from '../slack/stand-in/slack';
import type { StoredMessage } from '../slack/stand-in/surfaces';
import { localWhen } from '../time/calendar';
import { blocks, html, mrkdwn, textObject, viewState, type RenderContext } from './render';

/** Someone the page lists: the demo org's people and its admin. */
interface SandboxPerson {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly tz: string;
}

/** What the pages need from the running sandbox. */
export interface SandboxPages {
  readonly standIn: SlackStandIn;
  readonly people: readonly SandboxPerson[];
  readonly channels: readonly { id: string; name: string; private?: boolean; members: readonly string[] }[];
  now(): Date;
  /** Moves the clock to `to`, running the scheduler for each step in between. */
  move(to: string, tz: string): Promise<void>;
  /** Keeps what people see across restarts. */
  save(): void;
  /**
   * Sends what Cascade queued for now (the outbox), without moving the clock — as the every-minute scheduler
   * does in production — so that what a press changes (a live round, a reply in a thread) shows at once.
   */
  flush(): Promise<void>;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1c1d;background:#f8f8f8}
header{background:#3f0e40;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:12px;align-items:center}
header a{color:#fff} header form{display:inline} header .now{font-weight:600}
main{max-width:980px;margin:0 auto;padding:16px}
section.surface{background:#fff;border:1px solid #ddd;border-radius:8px;margin:0 0 16px;padding:12px 16px}
section.surface>h2{font-size:16px;margin:0 0 8px}
.msg{border-top:1px solid #eee;padding:8px 0}.msg:first-of-type{border-top:0}
.meta{color:#616061;font-size:12px;margin-bottom:4px}
.thread{margin:6px 0 0 24px;border-left:3px solid #e8e8e8;padding-left:10px}
.ephemeral{background:#f4f9ff;border:1px dashed #9bc1e8;border-radius:6px;padding:6px 8px;margin:6px 0}
.section{display:flex;gap:12px;justify-content:space-between;margin:4px 0}.section .text{flex:1}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin-top:4px}
.context{color:#616061;font-size:12px;margin:4px 0}
.actions{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.act{display:inline}
.btn{border:1px solid #bbb;background:#fff;border-radius:4px;padding:4px 12px;cursor:pointer;font:inherit}
.btn.primary{background:#007a5a;color:#fff;border-color:#007a5a}.btn.danger{color:#e01e5a;border-color:#e01e5a}
blockquote{border-left:4px solid #ddd;margin:2px 0;padding:0 8px;color:#333}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{background:#f3f3f3;border:1px solid #e3e3e3;border-radius:3px;padding:0 3px;font-size:90%}
h3.header{font-size:18px;margin:6px 0}
.unknown{background:#fff4e5;border:1px solid #f0b36b;padding:4px;font-size:12px}
.input{margin:10px 0}.input .label{display:block;font-weight:600;margin-bottom:4px}.optional{font-weight:400;color:#616061}
.input input[type=text],.input textarea,.input select{width:100%;box-sizing:border-box;font:inherit;padding:6px}
.choice{display:block;margin:2px 0}.hint{color:#616061;font-size:12px;margin-top:2px}
.invalid input,.invalid textarea,.invalid select{border:2px solid #e01e5a}.error{color:#e01e5a;font-size:13px;margin-top:4px}
dialog.modal{position:fixed;top:40px;width:min(560px,92vw);max-height:80vh;overflow:auto;border:1px solid #999;border-radius:8px;padding:0;box-shadow:0 8px 40px rgba(0,0,0,.35)}
dialog.modal h2{margin:0;padding:12px 16px;border-bottom:1px solid #ddd;font-size:18px}
dialog.modal .body{padding:4px 16px}.modal-actions{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #ddd}
figure{margin:6px 0}figure img,img.chart{max-width:100%;border:1px solid #ddd}
table.people{border-collapse:collapse;width:100%}table.people td,table.people th{border-bottom:1px solid #eee;padding:6px;text-align:left}
.commandbox{display:flex;gap:6px}.commandbox input{flex:1;font:inherit;padding:6px}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/**
 * Every sandbox response: never framed by another page (clickjacking), no script at all, forms posted only
 * back to the sandbox itself.
 */
const PAGE_HEADERS = {
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const;

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/html; charset=utf-8'): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { ...PAGE_HEADERS, location: to });
  res.end();
}

/** The name of the hidden field that carries the page token in every form. */
export const TOKEN_FIELD = '_t';

/** Every form of a page carries the sandbox's token: a page of another site cannot know it. */
function withToken(body: string, token: string): string {
  return body.replace(/<form\b[^>]*>/g, (open) => `${open}<input type="hidden" name="${TOKEN_FIELD}" value="${token}">`);
}

/**
 * Whether a request may reach the sandbox: the Host it names must be this machine on the sandbox's own port
 * (a page of another site that rebinds its name to 127.0.0.1 still sends its own name), and a POST must come
 * from a sandbox page: same origin when the browser says where it comes from, and always the page token.
 * Pure; `localPort` is the port the request arrived on.
 */
export function sandboxRefusal(
  req: { method?: string; headers: Record<string, string | string[] | undefined> },
  localPort: number,
  form: URLSearchParams | null,
  token: string,
): string | null {
  const host = String(req.headers.host ?? '').toLowerCase();
  const allowed = [`localhost:${localPort}`, `127.0.0.1:${localPort}`, `[::1]:${localPort}`];
  if (!allowed.includes(host)) return 'The sandbox answers only on localhost and 127.0.0.1, on its own port.';
  if (req.method !== 'POST') return null;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return 'The sandbox takes forms only from its own pages.';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return 'The sandbox takes forms only from its own pages.';
  const given = form?.get(TOKEN_FIELD) ?? '';
  if (given.length !== token.length || !timingSafeEqual(Buffer.from(given), Buffer.from(token)))
    return 'This form is out of date: reload the sandbox page and try again.';
  return null;
}

/** The form a page posted: the receiver has already read the body (`rawBody`), or it is read here. */
async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const raw = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
  if (raw) return new URLSearchParams(raw.toString('utf8'));
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function when(now: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: tz,
  }).format(now);
}

function clockBar(p: SandboxPages, back: string, tz: string): string {
  const move = (to: string, label: string) =>
    `<form method="post" action="/sandbox/clock"><input type="hidden" name="to" value="${to}"><input type="hidden" name="tz" value="${html(tz)}"><input type="hidden" name="back" value="${html(back)}"><button class="btn">${label}</button></form>`;
  return `<span>Simulated time: <span class="now" id="now">${html(when(p.now(), tz))}</span> (${html(tz)})</span> ${move('hour', '+1 hour')} ${move('morning', 'Next morning 09:00')} ${move('monday', 'Next Monday 10:00')} ${move('month-end', 'End of the month')}`;
}

function context(p: SandboxPages, tz: string): RenderContext {
  const names = new Map<string, string>(p.people.map((x) => [x.id, x.name]));
  for (const u of p.standIn.listUsers()) if (!names.has(u.id)) names.set(u.id, u.name);
  names.set('UBOT', 'Cascade');
  return { names, channels: new Map(p.channels.map((c) => [c.id, c.name])), tz };
}

function timeOf(ts: string, tz: string): string {
  const seconds = Number(ts.split('.')[0]);
  return Number.isFinite(seconds) ? localWhen(new Date(seconds * 1000), tz) : '';
}

function message(m: StoredMessage, userId: string, ctx: RenderContext): string {
  const body = m.blocks?.length
    ? blocks(m.blocks, ctx, { userId, channel: m.channel, messageTs: m.ts })
    : `<div>${mrkdwn(m.text, ctx)}</div>`;
  const files = (m.files ?? [])
    .map(
      (f) =>
        `<figure><img class="chart" src="/sandbox/file/${html(f.id)}" alt="${html(f.title)}"><figcaption>${html(f.title)}</figcaption></figure>`,
    )
    .join('');
  return `<div class="meta"><b>Cascade</b> · ${html(timeOf(m.ts, ctx.tz))}</div>${body}${files}`;
}

/** A conversation, newest last, with each message's thread under it; `limit` keeps the page readable. */
function conversation(p: SandboxPages, channel: string, userId: string, ctx: RenderContext, limit = 12): string {
  const all = p.standIn.surfaces.conversation(channel).sort((a, b) => Number(a.message.ts) - Number(b.message.ts));
  const shown = all.slice(-limit);
  const older = all.length - shown.length;
  const items = shown.map(({ message: m, replies }) => {
    const thread = replies.length
      ? `<div class="thread">${replies.map((r) => `<div class="msg">${message(r, userId, ctx)}</div>`).join('')}</div>`
      : '';
    return `<div class="msg" data-ts="${html(m.ts)}">${message(m, userId, ctx)}${thread}</div>`;
  });
  return `${older > 0 ? `<p class="meta">${older} earlier message${older === 1 ? '' : 's'} not shown.</p>` : ''}${items.join('') || '<p class="meta">Nothing here yet.</p>'}`;
}

function ephemerals(p: SandboxPages, userId: string, channel: string, ctx: RenderContext): string {
  const mine = p.standIn.surfaces.ephemerals.filter((e) => e.userId === userId && e.channel === channel).slice(-3);
  return mine
    .map(
      (e) =>
        `<div class="ephemeral" data-ephemeral><div class="meta"><b>Cascade</b> · only visible to you</div>${e.blocks?.length ? blocks(e.blocks, ctx, { userId, channel }) : mrkdwn(e.text, ctx)}</div>`,
    )
    .join('');
}

function modal(p: SandboxPages, userId: string, ctx: RenderContext): string {
  const stack = p.standIn.surfaces.modals.get(userId) ?? [];
  const top = stack[stack.length - 1];
  if (!top) return '';
  const v = top.view;
  const submit = v.submit ? `<button class="btn primary" name="do" value="submit">${textObject(v.submit, ctx)}</button>` : '';
  return `<dialog class="modal" open aria-label="${html(v.title?.text ?? 'Modal')}"><form method="post" action="/sandbox/as/${html(userId)}/submit"><input type="hidden" name="view" value="${html(top.id)}"><h2>${textObject(v.title, ctx)}</h2><div class="body">${blocks(v.blocks, ctx, null, top.errors ?? {})}</div><div class="modal-actions"><button class="btn" formaction="/sandbox/as/${html(userId)}/close" formnovalidate>${v.close ? textObject(v.close, ctx) : 'Close'}</button>${submit}</div></form></dialog>`;
}

function personPage(p: SandboxPages, userId: string): string | null {
  const person = p.people.find((x) => x.id === userId);
  if (!person) return null;
  const ctx = context(p, person.tz);
  const back = `/sandbox/as/${userId}`;
  const dm = `D${userId}`;
  const home = p.standIn.surfaces.homes.get(userId);
  const channels = p.channels.filter((c) => c.members.includes(userId));
  const body = [
    `<header><a href="/sandbox">Cascade sandbox</a><span>Viewing as <b>${html(person.name)}</b>, ${html(person.title)}</span>${clockBar(p, back, person.tz)}</header>`,
    '<main>',
    `<section class="surface" id="command"><h2>Type a command</h2><form class="commandbox" method="post" action="${back}/command"><label for="cmd">/cascade</label><input id="cmd" name="text" placeholder="help" autocomplete="off"><button class="btn primary">Send</button></form><p class="hint">Name people as <code>@Raj Patel</code> (or <code>@Raj</code>) and channels as <code>#team-emea</code>: they are sent as Slack sends a name picked from its list.</p></section>`,
    `<section class="surface" id="dm"><h2>Cascade (direct messages)</h2>${conversation(p, dm, userId, ctx)}${ephemerals(p, userId, dm, ctx)}</section>`,
    `<section class="surface" id="home"><h2>App Home</h2><form method="post" action="${back}/home"><button class="btn">Open App Home</button></form>${home ? blocks(home.blocks, ctx, { userId, channel: dm }) : '<p class="meta">Not opened yet.</p>'}</section>`,
    ...channels.map(
      (c) =>
        `<section class="surface channel" id="ch-${html(c.id)}"><h2>${c.private ? '🔒 ' : '#'}${html(c.name)}</h2>${conversation(p, c.id, userId, ctx, 6)}</section>`,
    ),
    '</main>',
    modal(p, userId, ctx),
  ].join('\n');
  return page(`${person.name} — Cascade sandbox`, body);
}

/** How to leave the sandbox for a real workspace: the same words as the start-up line and the README's section. */
const CONNECT_HINT =
  'Create the Slack app from <code>manifest.yml</code> (in Cascade’s folder) at api.slack.com/apps → <em>From an app manifest</em>, put its bot token and signing secret in <code>.env</code> (copy <code>.env.example</code>) and run <code>npm start</code> again. The README’s “Connect a real workspace” and “Creating the Slack app” have every step.';

function indexPage(p: SandboxPages): string {
  const tz = p.people[0]?.tz ?? 'UTC';
  const rows = p.people
    .map((x) => `<tr><td><a href="/sandbox/as/${html(x.id)}">${html(x.name)}</a></td><td>${html(x.title)}</td><td>${html(x.tz)}</td></tr>`)
    .join('');
  const body = [
    `<header><b>Cascade sandbox</b>${clockBar(p, '/sandbox', tz)}</header>`,
    '<main>',
    '<section class="surface"><h2>See Cascade as each person sees it</h2><p>The same Cascade as in a real workspace — its Bolt app, scheduler, outbox and database — talking to a built-in Slack stand-in. Pick a person to see their messages, App Home and channels; move the clock to live through the month.</p><p>To start: answer Raj Patel’s check-in as him, then see it arrive as Ann Lee, his manager; Pat Rivera and Casey Chen see what rolls up.</p>',
    `<table class="people"><thead><tr><th>Person</th><th>Title</th><th>Time zone</th></tr></thead><tbody>${rows}</tbody></table></section>`,
    `<section class="surface" id="connect"><h2>Connect a real workspace</h2><p>${CONNECT_HINT}</p></section>`,
    '</main>',
  ].join('\n');
  return page('Cascade sandbox', body);
}

type Req = IncomingMessage & { params?: Record<string, string | string[]> };

/**
 * What Slack's client does to a slash command's text when a person is picked from its @mention list (or a
 * channel from its # list) and the command asks for escaping: `@Raj Patel` (full or first name, when that
 * name is one person's) or `@URAJ00001` becomes `<@URAJ00001|raj.patel>`, `#team-emea` becomes
 * `<#CTEAMANN1|team-emea>`. The sandbox has no such list, so a name typed after @ or # is taken as picked.
 */
export function escapeMentions(
  text: string,
  people: readonly { id: string; name: string }[],
  channels: readonly { id: string; name: string }[],
): string {
  // Each way of naming someone, and whose it is (null: two people's, so it stays as typed).
  const names = new Map<string, { id: string; name: string } | null>();
  for (const person of people) {
    for (const key of [person.id, person.name, person.name.split(' ')[0]!]) {
      const k = key.toLowerCase();
      const other = names.get(k);
      names.set(k, other === undefined || other?.id === person.id ? person : null);
    }
  }
  // Longest names first, so that "@Raj Patel" is one person, not "@Raj" and a word.
  const keys = [...names.keys()].filter((k) => names.get(k)).sort((a, b) => b.length - a.length);
  const escapeRe = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let out = text;
  if (keys.length) {
    const re = new RegExp(`(^|[\\s"“(])@(${keys.map(escapeRe).join('|')})(?![\\p{L}\\p{N}_-])`, 'giu');
    out = out.replace(re, (_m, before: string, key: string) => {
      const who = names.get(key.toLowerCase())!;
      return `${before}<@${who.id}|${who.name.toLowerCase().replace(/\s+/g, '.')}>`;
    });
  }
  for (const channel of [...channels].sort((a, b) => b.name.length - a.name.length)) {
    const re = new RegExp(`(^|[\\s"“(])#${escape(channel.name)}(?![\\p{L}\\p{N}_-])`, 'giu');
    out = out.replace(re, (_m, before: string) => `${before}<#${channel.id}|${channel.name}>`);
  }
  return out;
}

/** The sandbox's pages and the forms they post, as routes on Cascade's own HTTP server. */
/** A button, menu or date picker pressed on a person's page, as the stand-in sends it to Cascade. */
function actionOf(f: URLSearchParams) {
  return {
    actionId: f.get('action_id') ?? '',
    blockId: f.get('block_id') ?? '',
    type: f.get('type') ?? 'button',
    ...(f.get('value') !== null ? { value: f.get('value')! } : {}),
    ...(f.get('selected') ? { selectedOption: f.get('selected')! } : {}),
    ...(f.get('date') ? { selectedDate: f.get('date')! } : {}),
  };
}

/**
 * The sandbox's routes, each behind the same origin and token check. Long on purpose: it is the route table,
 * one entry a URL, and the helpers the entries share (act, personAction) sit beside it.
 */
export function sandboxRoutes(p: SandboxPages): CustomRoute[] {
  // One token for this run of the sandbox, in every form it serves.
  const token = randomBytes(16).toString('hex');
  const person = (req: Req) => String(req.params?.id ?? '');
  const act = (fn: (req: Req, res: ServerResponse) => Promise<void>) => (req: Req, res: ServerResponse) => {
    fn(req, res).catch((err: unknown) =>
      send(
        res,
        500,
        page(
          'Sandbox error',
          `<main><p>Something went wrong: ${html(err instanceof Error ? err.message : String(err))}</p><p><a href="/sandbox">Back</a></p></main>`,
        ),
      ),
    );
  };
  const known = (id: string) => p.people.some((x) => x.id === id);
  /** What a person does on their page (for someone of the demo org only); the clock's work is done, the page drawn again. */
  const personAction = (what: string, anchor: string, run: (id: string, form: URLSearchParams) => Promise<unknown>): CustomRoute => ({
    path: `/sandbox/as/:id/${what}`,
    method: 'POST',
    handler: act(async (req, res) => {
      const id = person(req);
      if (known(id)) await run(id, await formOf(req));
      await p.flush();
      p.save();
      redirect(res, `/sandbox/as/${id}${anchor}`);
    }),
  });
  const routes: CustomRoute[] = [
    { path: '/sandbox', method: 'GET', handler: (_req, res) => send(res, 200, withToken(indexPage(p), token)) },
    {
      path: '/sandbox/as/:id',
      method: 'GET',
      handler: (req: Req, res) => {
        const body = personPage(p, person(req));
        send(
          res,
          body ? 200 : 404,
          body ? withToken(body, token) : page('Not found', '<main><p>No such person. <a href="/sandbox">Back</a></p></main>'),
        );
      },
    },
    personAction('command', '#dm', async (id, f) => {
      await p.standIn.command(id, escapeMentions(f.get('text') ?? '', p.people, p.channels));
    }),
    personAction('act', '', async (id, f) => {
      await p.standIn.action(id, actionOf(f), {
        ...(f.get('channel') ? { channel: f.get('channel')! } : {}),
        ...(f.get('ts') ? { messageTs: f.get('ts')! } : {}),
        ...(f.get('view') ? { viewId: f.get('view')! } : {}),
      });
    }),
    personAction('submit', '', async (id, f) => {
      const viewId = f.get('view') ?? '';
      const open = p.standIn.surfaces.modals.get(id)?.find((m) => m.id === viewId);
      if (open) await p.standIn.submit(id, viewId, viewState(open.view, f));
    }),
    personAction('close', '', async (id) => p.standIn.closeModal(id)),
    personAction('home', '#home', (id) => p.standIn.homeOpened(id)),
    {
      path: '/sandbox/clock',
      method: 'POST',
      handler: act(async (req, res) => {
        const f = await formOf(req);
        await p.move(f.get('to') ?? '', f.get('tz') ?? 'UTC');
        await p.flush();
        p.save();
        const back = f.get('back') ?? '/sandbox';
        redirect(res, back.startsWith('/sandbox') ? back : '/sandbox');
      }),
    },
    {
      path: '/sandbox/file/:id',
      method: 'GET',
      handler: (req: Req, res) => {
        const file = p.standIn.surfaces.files.get(String(req.params?.id ?? ''));
        if (!file) return send(res, 404, 'not found', 'text/plain');
        send(res, 200, file.bytes, 'image/png');
      },
    },
  ];
  // Every route checks where the request comes from before it does anything.
  return routes.map((route) => ({
    ...route,
    handler: (req: Parameters<CustomRoute['handler']>[0], res: ServerResponse) => {
      const raw = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
      const form = req.method === 'POST' && raw ? new URLSearchParams(raw.toString('utf8')) : null;
      const refused = sandboxRefusal(req, req.socket.localPort ?? 0, form, token);
      if (refused) return send(res, 403, `${refused}\n`, 'text/plain; charset=utf-8');
      return route.handler(req, res);
    },
  }));
}
