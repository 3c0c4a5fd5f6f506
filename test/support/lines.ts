import type { Reply } from '../../src/slack/blocks/text';

/** The lines a person reads in a message: every line of every header, section and context. */
export function linesOf(reply: Pick<Reply, 'blocks'>): string[] {
  return (reply.blocks ?? []).flatMap((b: any) => {
    if (b.type === 'header' || b.type === 'section') return String(b.text?.text ?? '').split('\n');
    if (b.type === 'context') return b.elements.map((e: any) => String(e.text ?? ''));
    return [];
  });
}
