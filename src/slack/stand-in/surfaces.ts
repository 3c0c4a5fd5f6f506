/** A message as it stands in a conversation (edited in place by chat.update), with its thread's replies. */
export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  text: string;
  blocks?: unknown[];
  /** Files uploaded with this message (a digest's chart). */
  readonly files?: { id: string; title: string }[];
}

/** An ephemeral reply: only `userId` sees it, in the conversation where they typed or clicked. */
interface Ephemeral {
  readonly userId: string;
  readonly channel: string;
  readonly text: string;
  readonly blocks?: unknown[];
  readonly seq: number;
}

/** A modal open for a person; `errors` are the inline errors of the last submission Cascade refused. */
interface OpenModal {
  readonly id: string;
  view: Record<string, any>;
  hash: string;
  errors?: Record<string, string>;
}

/**
 * What each person would see in Slack, kept from the Web API calls Cascade made: conversations with their
 * threads, App Home, open modals, ephemeral replies and uploaded files. Serialisable, so a sandbox keeps it
 * across restarts.
 */
export class Surfaces {
  readonly messages = new Map<string, StoredMessage[]>();
  readonly homes = new Map<string, Record<string, any>>();
  readonly modals = new Map<string, OpenModal[]>();
  readonly ephemerals: Ephemeral[] = [];
  /** Who each trigger_id and response_url belongs to (the stand-in made them for that person's action). */
  readonly triggers = new Map<string, { userId: string; channel: string }>();
  readonly responses = new Map<string, { userId: string; channel: string }>();
  readonly files = new Map<string, { title: string; bytes: Buffer }>();
  private seq = 0;

  /** `now` stamps what has no ts of Slack's own (an uploaded file's message). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Records the effect of a call Slack accepted. */
  record(method: string, args: Record<string, any>, result: Record<string, any>): void {
    switch (method) {
      case 'chat.postMessage': {
        const channel = String(result.channel ?? args.channel);
        this.push({
          channel,
          ts: String(result.ts),
          ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
          text: String(args.text ?? ''),
          ...(args.blocks ? { blocks: args.blocks } : {}),
        });
        break;
      }
      case 'chat.update': {
        const m = (this.messages.get(String(args.channel)) ?? []).find((x) => x.ts === String(args.ts));
        if (m) {
          m.text = String(args.text ?? m.text);
          if (args.blocks) m.blocks = args.blocks;
        }
        break;
      }
      case 'files.completeUploadExternal': {
        const files = (args.files ?? []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title ?? f.id }));
        const channel = String(args.channel_id ?? '');
        if (channel)
          this.push({
            channel,
            ts: `${Math.floor(this.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`,
            ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
            text: String(args.initial_comment ?? ''),
            files,
          });
        for (const f of files) {
          const stored = this.files.get(f.id);
          if (stored) this.files.set(f.id, { ...stored, title: f.title });
        }
        break;
      }
      case 'views.open':
      case 'views.push': {
        const owner = this.triggers.get(String(args.trigger_id));
        if (!owner || !result.view) break;
        const stack = method === 'views.open' ? [] : (this.modals.get(owner.userId) ?? []);
        stack.push({ id: String(result.view.id), view: result.view, hash: String(result.view.hash) });
        this.modals.set(owner.userId, stack);
        break;
      }
      case 'views.update': {
        for (const stack of this.modals.values()) {
          const modal = stack.find((m) => m.id === String(args.view_id));
          if (modal) {
            modal.view = result.view;
            modal.hash = String(result.view.hash);
            delete modal.errors;
          }
        }
        break;
      }
      case 'views.publish':
        this.homes.set(String(args.user_id), args.view);
        break;
      default:
        break;
    }
  }

  /** An ephemeral reply posted to a response_url the stand-in made for someone. */
  recordResponse(id: string, body: Record<string, any>): void {
    const owner = this.responses.get(id);
    if (!owner || body.delete_original) return;
    this.ephemerals.push({
      userId: owner.userId,
      channel: owner.channel,
      text: String(body.text ?? ''),
      ...(body.blocks ? { blocks: body.blocks } : {}),
      seq: ++this.seq,
    });
  }

  private push(m: StoredMessage): void {
    const list = this.messages.get(m.channel) ?? [];
    list.push(m);
    this.messages.set(m.channel, list);
  }

  /** Top-level messages of a conversation, each with its thread's replies, oldest first. */
  conversation(channel: string): { message: StoredMessage; replies: StoredMessage[] }[] {
    const all = this.messages.get(channel) ?? [];
    return all.filter((m) => !m.threadTs).map((message) => ({ message, replies: all.filter((r) => r.threadTs === message.ts) }));
  }

  toJSON(): Record<string, unknown> {
    return {
      messages: [...this.messages.entries()],
      homes: [...this.homes.entries()],
      modals: [...this.modals.entries()],
      ephemerals: this.ephemerals,
      files: [...this.files.entries()].map(([id, f]) => [id, { title: f.title, bytes: f.bytes.toString('base64') }]),
      seq: this.seq,
    };
  }

  load(saved: Record<string, any>): void {
    for (const [k, v] of saved.messages ?? []) this.messages.set(k, v);
    for (const [k, v] of saved.homes ?? []) this.homes.set(k, v);
    for (const [k, v] of saved.modals ?? []) this.modals.set(k, v);
    this.ephemerals.push(...(saved.ephemerals ?? []));
    for (const [id, f] of saved.files ?? []) this.files.set(id, { title: f.title, bytes: Buffer.from(f.bytes, 'base64') });
    this.seq = saved.seq ?? 0;
  }
}
