/** Every Slack identifier Cascade uses, shared by the view builders and the listener registrations. */
export const IDS = {
  command: '/cascade',
  orgImport: {
    callbackId: 'org_import',
    csvBlock: 'org_import_csv',
    csvInput: 'csv',
    optionsBlock: 'org_import_options',
    dryRunInput: 'dry_run',
    dryRunValue: 'dry_run',
  },
  answer: {
    callbackId: 'checkin_answers',
    blockPrefix: 'q_',
    input: 'value',
    shareBlock: 'share',
    shareInput: 'share',
    reviewPrefix: 'cm_',
    reviewNotePrefix: 'cmn_',
    reviewInput: 'review',
    dueBlock: 'cm_due',
    dueInput: 'due',
  },
  skip: {
    callbackId: 'checkin_skip',
    reasonBlock: 'skip_reason',
    reasonInput: 'reason',
    noteBlock: 'skip_note',
    noteInput: 'note',
  },
  prompt: {
    answer: 'checkin_answer',
    snooze: 'checkin_snooze',
    skip: 'checkin_skip',
  },
  conversation: {
    reply: 'round_reply',
    ack: 'round_ack',
    agenda: 'round_agenda',
    answerReply: 'reply_answer',
    replyView: 'reply_send',
    answerView: 'reply_answer_send',
    textBlock: 'text',
    textInput: 'value',
  },
} as const;

/** Slack's hard limits that the builders respect. */
export const LIMITS = {
  sectionText: 3000,
  plainTextInput: 3000,
  modalTitle: 24,
  blocksPerMessage: 50,
  blocksPerView: 100,
} as const;
