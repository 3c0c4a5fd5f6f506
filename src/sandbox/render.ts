/**
 * Block Kit and mrkdwn as HTML, the way Slack draws them, closely enough to judge a surface: pure functions
 * from Cascade's own blocks to markup. A block or element it cannot draw is shown as a visible placeholder
 * naming its type, never dropped.
 */

import { localWhen } from '../time/calendar';
type Json = Record<string, any>;

export function html(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const EMOJI: Record<string, string> = {
  triangular_flag_on_post: '🚩',
  pushpin: '📌',
  hourglass_flowing_sand: '⏳',
  double_vertical_bar: '⏸️',
  palm_tree: '🌴',
  face_with_thermometer: '🤒',
  white_check_mark: '✅',
  warning: '⚠️',
  tada: '🎉',
  wave: '👋',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  star: '⭐',
  thumbsup: '👍',
  '+1': '👍',
  eyes: '👀',
  calendar: '📅',
  speech_balloon: '💬',
  handshake: '🤝',
  lock: '🔒',
  sick: '🤢',
  mask: '😷',
  desert_island: '🏝️',
  beach_with_umbrella: '🏖️',
  baby: '👶',
  airplane: '✈️',
  memo: '📝',
  bulb: '💡',
  rocket: '🚀',
  x: '❌',
};

/** Names for `<@U…>` mentions, and the viewer, whose mentions are highlighted. */
export interface RenderContext {
  readonly names: ReadonlyMap<string, string>;
  readonly channels: ReadonlyMap<string, string>;
  readonly tz: string;
}

/** Slack's special tokens: mentions, channels, links, dates, broadcasts. */
function token(inner: string, ctx: RenderContext): string {
  const [target, label] = inner.split('|', 2) as [string, string | undefined];
  if (target.startsWith('@')) return `<span class="mention">@${html(ctx.names.get(target.slice(1)) ?? label ?? target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${html(ctx.channels.get(target.slice(1)) ?? label ?? target.slice(1))}</span>`;
  if (target.startsWith('!date^')) {
    const seconds = Number(target.split('^')[1]);
    const when = Number.isFinite(seconds) ? localWhen(new Date(seconds * 1000), ctx.tz) : (label ?? '');
    return `<time>${html(when)}</time>`;
  }
  if (target.startsWith('!')) return `<span class="mention">@${html(target.slice(1).split('^')[0])}</span>`;
  if (/^(https?|mailto):/.test(target))
    return `<a href="${html(target)}" rel="noopener noreferrer">${html(decodeEntities(label ?? target))}</a>`;
  return html(`<${inner}>`);
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function emoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

/** Inline formatting of one line of mrkdwn text that is already HTML-safe. */
function inline(text: string): string {
  return text
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(“"'>])\*([^*\n]+)\*(?=$|[\s).,;:!?”"'<])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(“"'>])_([^_\n]+)_(?=$|[\s).,;:!?”"'<])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(“"'>])~([^~\n]+)~(?=$|[\s).,;:!?”"'<])/g, '$1<s>$2</s>');
}

/**
 * Slack mrkdwn as HTML. Text from Cascade already carries `&amp;`, `&lt;` and `&gt;` for typed characters;
 * a raw `<…>` is a Slack token (mention, channel, link, date) and a raw `>` opening a line is a quote.
 */
export function mrkdwn(text: string, ctx: RenderContext): string {
  const rendered: string[] = [];
  const marked = text.replace(/<([^<>]+)>/g, (_m, inner: string) => {
    rendered.push(token(inner, ctx));
    return `\u0001${rendered.length - 1}\u0001`;
  });
  const line = (l: string) => {
    const quote = l.startsWith('>') || l.startsWith('&gt;');
    const body = inline(emoji(safeText(quote ? l.replace(/^(>|&gt;)/, '') : l)));
    return quote ? `<blockquote>${body}</blockquote>` : body;
  };
  return marked
    .split('```')
    .map((chunk, i) => (i % 2 === 1 ? `<pre>${safeText(chunk)}</pre>` : chunk.split('\n').map(line).join('<br>')))
    .join('')
    .replace(/<\/blockquote><br>/g, '</blockquote>')
    .replace(/\u0001(\d+)\u0001/g, (_m, i: string) => rendered[Number(i)] ?? '');
}

/** Leaves Slack's entities as they are, and makes any other `&`, `>` and quotes safe. */
function safeText(text: string): string {
  return text
    .replace(/&(?!(amp|lt|gt);)/g, '&amp;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function textObject(t: Json | undefined, ctx: RenderContext): string {
  if (!t) return '';
  return t.type === 'mrkdwn' ? mrkdwn(String(t.text ?? ''), ctx) : emoji(html(t.text));
}

/** Where an interactive element sends its action: the page posts it, the stand-in signs it for Cascade. */
interface ActionTarget {
  readonly userId: string;
  readonly channel?: string;
  readonly messageTs?: string;
  readonly viewId?: string;
}

function hidden(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${html(k)}" value="${html(v)}">`)
    .join('');
}

function actionForm(target: ActionTarget, blockId: string | undefined, e: Json, body: string): string {
  return `<form class="act" method="post" action="/sandbox/as/${html(target.userId)}/act">${hidden({
    channel: target.channel,
    ts: target.messageTs,
    view: target.viewId,
    block_id: blockId ?? '',
    action_id: String(e.action_id ?? ''),
    type: String(e.type),
  })}${body}</form>`;
}

function options(list: Json[] | undefined, ctx: RenderContext): string {
  return (list ?? []).map((o) => `<option value="${html(o.value)}">${textObject(o.text, ctx)}</option>`).join('');
}

/** An interactive element outside an input block: in a message or a section's accessory. */
export function element(e: Json, blockId: string | undefined, target: ActionTarget | null, ctx: RenderContext): string {
  switch (e.type) {
    case 'button': {
      const style = e.style === 'primary' ? ' primary' : e.style === 'danger' ? ' danger' : '';
      const button = `<button class="btn${style}" name="value" value="${html(e.value ?? '')}">${textObject(e.text, ctx)}</button>`;
      return target ? actionForm(target, blockId, e, button) : button;
    }
    case 'static_select':
    case 'overflow': {
      const placeholder = e.type === 'overflow' ? '⋯' : textObject(e.placeholder, ctx) || 'Choose';
      const body = `<select name="selected"><option value="">${placeholder}</option>${options(e.options, ctx)}</select> <button class="btn">Go</button>`;
      return target ? actionForm(target, blockId, e, body) : body;
    }
    case 'datepicker': {
      const body = `<input type="date" name="date" value="${html(e.initial_date ?? '')}"> <button class="btn">Pick</button>`;
      return target ? actionForm(target, blockId, e, body) : body;
    }
    case 'image':
      return `<img class="thumb" src="${html(e.image_url)}" alt="${html(e.alt_text)}">`;
    default:
      return unknown('element', e.type);
  }
}

function unknown(kind: string, type: unknown): string {
  return `<div class="unknown">[${kind} Cascade's sandbox cannot draw: ${html(type)}]</div>`;
}

/** An input block's element, as a form field named `blockId::actionId::type` (the page rebuilds Slack's state from it). */
function inputElement(blockId: string, e: Json, ctx: RenderContext): string {
  const name = html(`${blockId}::${e.action_id}::${e.type}`);
  switch (e.type) {
    case 'plain_text_input':
      return e.multiline
        ? `<textarea name="${name}" rows="4"${e.max_length ? ` maxlength="${e.max_length}"` : ''}>${html(e.initial_value ?? '')}</textarea>`
        : `<input type="text" name="${name}" value="${html(e.initial_value ?? '')}"${e.max_length ? ` maxlength="${e.max_length}"` : ''}>`;
    case 'number_input':
      return `<input type="number" step="${e.is_decimal_allowed ? 'any' : '1'}" name="${name}" value="${html(e.initial_value ?? '')}">`;
    case 'static_select':
      return `<select name="${name}"><option value=""></option>${(e.options ?? []).map((o: Json) => `<option value="${html(o.value)}"${e.initial_option?.value === o.value ? ' selected' : ''}>${textObject(o.text, ctx)}</option>`).join('')}</select>`;
    case 'radio_buttons':
      return (e.options ?? [])
        .map(
          (o: Json) =>
            `<label class="choice"><input type="radio" name="${name}" value="${html(o.value)}"${e.initial_option?.value === o.value ? ' checked' : ''}> ${textObject(o.text, ctx)}</label>`,
        )
        .join('');
    case 'checkboxes':
      return (e.options ?? [])
        .map(
          (o: Json) =>
            `<label class="choice"><input type="checkbox" name="${name}" value="${html(o.value)}"${(e.initial_options ?? []).some((i: Json) => i.value === o.value) ? ' checked' : ''}> ${textObject(o.text, ctx)}</label>`,
        )
        .join('');
    case 'datepicker':
      return `<input type="date" name="${name}" value="${html(e.initial_date ?? '')}">`;
    default:
      return unknown('input element', e.type);
  }
}

/** Blocks as HTML; `target` makes their buttons work, `errors` shows a modal's inline errors by block id. */
export function blocks(list: unknown, ctx: RenderContext, target: ActionTarget | null, errors: Record<string, string> = {}): string {
  if (!Array.isArray(list)) return '';
  return list
    .map((b: Json) => {
      switch (b.type) {
        case 'header':
          return `<h3 class="header">${textObject(b.text, ctx)}</h3>`;
        case 'section': {
          const fields = Array.isArray(b.fields)
            ? `<div class="fields">${b.fields.map((f: Json) => `<div>${textObject(f, ctx)}</div>`).join('')}</div>`
            : '';
          const accessory = b.accessory ? `<div class="accessory">${element(b.accessory, b.block_id, target, ctx)}</div>` : '';
          return `<div class="section"><div class="text">${textObject(b.text, ctx)}${fields}</div>${accessory}</div>`;
        }
        case 'context':
          return `<div class="context">${(b.elements ?? []).map((e: Json) => (e.type === 'image' ? element(e, b.block_id, null, ctx) : `<span>${textObject(e, ctx)}</span>`)).join(' ')}</div>`;
        case 'divider':
          return '<hr>';
        case 'actions':
          return `<div class="actions">${(b.elements ?? []).map((e: Json) => element(e, b.block_id, target, ctx)).join('')}</div>`;
        case 'image':
          return `<figure><img src="${html(b.image_url)}" alt="${html(b.alt_text)}">${b.title ? `<figcaption>${textObject(b.title, ctx)}</figcaption>` : ''}</figure>`;
        case 'input': {
          const error = errors[b.block_id] ? `<div class="error" role="alert">${html(errors[b.block_id])}</div>` : '';
          const hint = b.hint ? `<div class="hint">${textObject(b.hint, ctx)}</div>` : '';
          return `<div class="input${error ? ' invalid' : ''}"><label class="label">${textObject(b.label, ctx)}${b.optional ? ' <span class="optional">(optional)</span>' : ''}</label>${inputElement(String(b.block_id), b.element ?? {}, ctx)}${hint}${error}</div>`;
        }
        default:
          return unknown('block', b.type);
      }
    })
    .join('\n');
}

/**
 * Slack's view state from a submitted form: each input block of the view, read by its element's type, as
 * `values[blockId][actionId]` the way Slack sends it in a view_submission.
 */
export function viewState(view: Json, form: URLSearchParams): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of (view.blocks ?? []) as Json[]) {
    if (b.type !== 'input' || !b.element) continue;
    const e = b.element as Json;
    const name = `${b.block_id}::${e.action_id}::${e.type}`;
    const option = (value: string) => {
      const o = (e.options ?? []).find((x: Json) => x.value === value);
      return o ? { text: o.text, value: o.value } : null;
    };
    let state: Record<string, unknown>;
    switch (e.type) {
      case 'static_select':
      case 'radio_buttons': {
        const value = form.get(name);
        state = { type: e.type, selected_option: value ? option(value) : null };
        break;
      }
      case 'checkboxes':
        state = { type: e.type, selected_options: form.getAll(name).map(option).filter(Boolean) };
        break;
      case 'datepicker':
        state = { type: e.type, selected_date: form.get(name) || null };
        break;
      default:
        state = { type: e.type, value: form.get(name) || null };
    }
    values[String(b.block_id)] = { [String(e.action_id)]: state };
  }
  return values;
}
