/**
 * Slack's Block Kit limits, as the stand-in enforces them: a message or a view that breaks one is refused
 * whole, as Slack refuses it, so that a test or the sandbox catches what a real workspace would not show.
 * Pure: a list of problems, each naming where it is (empty when all is well).
 */
export const BLOCK_KIT = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  modalTitle: 24,
  privateMetadata: 3000,
  actionId: 255,
  blockId: 255,
  contextElements: 10,
  actionsElements: 25,
  fields: 10,
  fieldText: 2000,
} as const;

type Json = Record<string, any>;

function textOf(t: unknown): string {
  return t && typeof t === 'object' && typeof (t as Json).text === 'string' ? (t as Json).text : '';
}

function checkOptions(options: unknown, where: string, out: string[]): void {
  if (!Array.isArray(options)) return;
  if (options.length > BLOCK_KIT.selectOptions) out.push(`${where}: ${options.length} options, at most ${BLOCK_KIT.selectOptions}`);
  options.forEach((o: Json, i) => {
    if (textOf(o?.text).length > BLOCK_KIT.optionText)
      out.push(`${where}.options[${i}]: text longer than ${BLOCK_KIT.optionText} characters`);
    if (typeof o?.value === 'string' && o.value.length > BLOCK_KIT.optionValue)
      out.push(`${where}.options[${i}]: value longer than ${BLOCK_KIT.optionValue} characters`);
  });
}

function checkElement(e: Json | undefined, where: string, out: string[]): void {
  if (!e || typeof e !== 'object') return;
  if (typeof e.action_id === 'string' && e.action_id.length > BLOCK_KIT.actionId)
    out.push(`${where}: action_id longer than ${BLOCK_KIT.actionId}`);
  if (e.type === 'button' && textOf(e.text).length > BLOCK_KIT.buttonText)
    out.push(`${where}: button text longer than ${BLOCK_KIT.buttonText} characters`);
  if (
    e.type === 'static_select' ||
    e.type === 'multi_static_select' ||
    e.type === 'overflow' ||
    e.type === 'radio_buttons' ||
    e.type === 'checkboxes'
  ) {
    checkOptions(e.options, where, out);
  }
}

/** Problems of a list of blocks on a surface that holds at most `max` of them. */
export function blockProblems(blocks: unknown, max: number): string[] {
  const out: string[] = [];
  if (blocks === undefined) return out;
  if (!Array.isArray(blocks)) return ['blocks: not a list'];
  if (blocks.length > max) out.push(`blocks: ${blocks.length} blocks, at most ${max}`);
  blocks.forEach((b: Json, i) => {
    const where = `blocks[${i}]`;
    if (!b || typeof b !== 'object' || typeof b.type !== 'string') {
      out.push(`${where}: not a block`);
      return;
    }
    if (typeof b.block_id === 'string' && b.block_id.length > BLOCK_KIT.blockId)
      out.push(`${where}: block_id longer than ${BLOCK_KIT.blockId}`);
    switch (b.type) {
      case 'section':
        if (textOf(b.text).length > BLOCK_KIT.sectionText)
          out.push(`${where}: section text longer than ${BLOCK_KIT.sectionText} characters`);
        if (!b.text && !b.fields) out.push(`${where}: a section needs text or fields`);
        if (Array.isArray(b.fields)) {
          if (b.fields.length > BLOCK_KIT.fields) out.push(`${where}: more than ${BLOCK_KIT.fields} fields`);
          b.fields.forEach((f: unknown, j: number) => {
            if (textOf(f).length > BLOCK_KIT.fieldText) out.push(`${where}.fields[${j}]: longer than ${BLOCK_KIT.fieldText} characters`);
          });
        }
        checkElement(b.accessory, `${where}.accessory`, out);
        break;
      case 'header':
        if (textOf(b.text).length > BLOCK_KIT.headerText) out.push(`${where}: header longer than ${BLOCK_KIT.headerText} characters`);
        if (b.text?.type !== 'plain_text') out.push(`${where}: header text must be plain_text`);
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0) out.push(`${where}: a context needs elements`);
        else if (b.elements.length > BLOCK_KIT.contextElements) out.push(`${where}: more than ${BLOCK_KIT.contextElements} elements`);
        else
          b.elements.forEach((e: unknown, j: number) => {
            if (textOf(e).length > BLOCK_KIT.sectionText)
              out.push(`${where}.elements[${j}]: longer than ${BLOCK_KIT.sectionText} characters`);
          });
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0) out.push(`${where}: actions need elements`);
        else if (b.elements.length > BLOCK_KIT.actionsElements) out.push(`${where}: more than ${BLOCK_KIT.actionsElements} elements`);
        else
          b.elements.forEach((e: Json, j: number) => {
            checkElement(e, `${where}.elements[${j}]`, out);
          });
        break;
      case 'input':
        if (textOf(b.label).length > 2000) out.push(`${where}: label longer than 2000 characters`);
        checkElement(b.element, `${where}.element`, out);
        break;
      default:
        break;
    }
  });
  return out;
}

/** Problems of a modal or Home view, with its own limits (title, private_metadata, callback_id). */
export function viewProblems(view: unknown): string[] {
  if (!view || typeof view !== 'object') return ['view: missing'];
  const v = view as Json;
  const out = blockProblems(v.blocks ?? [], BLOCK_KIT.blocksPerView);
  if (v.type === 'modal') {
    const title = textOf(v.title);
    if (!title) out.push('view.title: missing');
    if (title.length > BLOCK_KIT.modalTitle) out.push(`view.title: longer than ${BLOCK_KIT.modalTitle} characters`);
    for (const k of ['submit', 'close'] as const)
      if (textOf(v[k]).length > BLOCK_KIT.modalTitle) out.push(`view.${k}: longer than ${BLOCK_KIT.modalTitle} characters`);
  }
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > BLOCK_KIT.privateMetadata)
    out.push(`view.private_metadata: longer than ${BLOCK_KIT.privateMetadata} characters`);
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255) out.push('view.callback_id: longer than 255 characters');
  return out;
}
