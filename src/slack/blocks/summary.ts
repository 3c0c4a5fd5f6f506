import { context, section, typed, type Block, type Reply } from './text';

/*
 * A written summary (CASCADE_LLM_*) at the top of a brief or a pack: what it is written from, and how it is shown.
 */

/** What a message says, line by line, as a reader would read it: its sections and context lines, entities undone. */
export function readableLines(...replies: readonly Reply[]): string[] {
  const texts = replies.flatMap((r) =>
    (r.blocks ?? []).flatMap((b: Block) => {
      if (b.type === 'section' && b.text) return [b.text.text];
      if (b.type === 'header') return [b.text.text];
      if (b.type === 'context') return b.elements.flatMap((e) => ('text' in e ? [e.text] : []));
      return [];
    }),
  );
  return texts
    .flatMap((t) => t.split('\n'))
    .map((l) => l.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim())
    .filter((l) => l.length > 0);
}

/**
 * The message opened by its summary, right under its header: escaped like any text Cascade did not write, and
 * marked as generated, so that nobody takes it for a figure.
 */
export function withSummary(reply: Reply, summary: string | null): Reply {
  if (!summary || !reply.blocks) return reply;
  const [first, ...rest] = reply.blocks;
  const opening = [
    section(typed(summary)),
    context(':sparkles: Written by a language model from this message alone: check it against what follows.'),
  ];
  return { ...reply, blocks: first?.type === 'header' ? [first, ...opening, ...rest] : [...opening, ...reply.blocks] };
}
